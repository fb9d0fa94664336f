"""The risk knowledge-base tables compiled into lookup arrays: the one place every rule lives.

Both the scalar engine (one patient, rich results) and the vectorised batch path (a cohort
as numpy arrays) index these same lookups; neither holds a cut-off or a cell of its own.
Inputs are first reduced to band indices (``risk_bands.yaml``), then each system is a table
lookup ``[site group][size band][mitosis band]``.

Code conventions of the compiled arrays: ``-1`` means "no value" (site not covered, cell not
applicable); category codes index the label tuples below, which are the contract's labels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, get_args

from gistcds.domain.patient import Site
from gistcds.errors import KnowledgeBaseError
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema import (
    risk_afip,
    risk_ajcc8,
    risk_bands,
    risk_concordance,
    risk_mskcc,
    risk_nih,
    risk_scope,
)

NIH_LABELS: tuple[str, ...] = get_args(risk_nih.NihCategory)
AFIP_LABELS: tuple[str, ...] = get_args(risk_afip.AfipCategory)
T_LABELS: tuple[str, ...] = get_args(risk_ajcc8.TCat)
RATE_LABELS: tuple[str, ...] = get_args(risk_ajcc8.Rate)
STAGE_LABELS: tuple[str, ...] = get_args(risk_ajcc8.Stage)
N_LABELS: tuple[str, ...] = ("N0", "N1")
M_LABELS: tuple[str, ...] = ("M0", "M1")
SITES: tuple[str, ...] = tuple(s.value for s in Site)
"""Every patient site; a site's code is its index here (the cohort's categorical codes)."""

Grid = tuple[tuple[int, ...], ...]


@dataclass(frozen=True, eq=False)
class RiskTables:
    """Compiled lookups as Python tuples, indexed by the scalar path; ``batch.arrays`` gives
    the batch path the same lookups as numpy arrays."""

    bands: risk_bands.Table
    nih_kb: risk_nih.Table
    afip_kb: risk_afip.Table
    ajcc_kb: risk_ajcc8.Table
    mskcc_kb: risk_mskcc.Table
    scope: risk_scope.Table
    concordance: risk_concordance.Table
    size_bounds: tuple[float, ...]
    mitosis_bounds: tuple[float, ...]
    # NIH 2002: [size band][mitosis band] -> NIH code
    nih: Grid
    # modified NIH: group of each site (SITES order), [group][size][mitoses] -> code
    mnih_groups: tuple[str, ...]
    mnih_group_of_site: tuple[int, ...]
    mnih: tuple[Grid, ...]
    mnih_rupture: int
    # AFIP: column of each site (-1 = not covered), [column][size][mitoses] -> code / pct / group
    afip_columns: tuple[str, ...]
    afip_column_of_site: tuple[int, ...]
    afip_column_as_printed: tuple[int, ...]
    afip_cat: tuple[Grid, ...]
    afip_pct: tuple[tuple[tuple[float, ...], ...], ...]  # NaN = no published percentage
    afip_group: tuple[tuple[tuple[str, ...], ...], ...]
    # AJCC 8th
    ajcc_t: tuple[int, ...]  # size band -> T code
    ajcc_rate: tuple[int, ...]  # mitosis band -> rate code
    ajcc_tables: tuple[str, ...]
    ajcc_table_of_site: tuple[int, ...]  # -1 = no stage group for this site
    ajcc_stage: tuple[tuple[tuple[int, ...], ...], ...]  # [table][rate][T] -> stage code
    stage_n1: int
    stage_m1: int

    afip_group_ids: tuple[str, ...]  # AFIP group label of each group code
    afip_group_code: Grid  # [size][mitoses] -> group code (same for every column)


def _fail(msg: str) -> KnowledgeBaseError:
    return KnowledgeBaseError([msg])


def _grid(
    rows: Mapping[str, Sequence[str]],
    size_labels: list[str],
    n_mit: int,
    labels: tuple[str, ...],
    where: str,
) -> Grid:
    if list(rows) != size_labels:
        raise _fail(
            f"{where}: rows must be the size bands {size_labels} in order, got {list(rows)}"
        )
    out = []
    for key, cells in rows.items():
        if len(cells) != n_mit:
            raise _fail(f"{where}.{key}: needs {n_mit} cells (one per mitosis band)")
        out.append(tuple(labels.index(c) for c in cells))
    return tuple(out)


def _modified_nih(
    m: risk_nih.ModifiedNih2008, size_labels: list[str], n_mit: int
) -> tuple[tuple[str, ...], tuple[int, ...], tuple[Grid, ...]]:
    """Modified NIH: site groups, the group of each site (SITES order), one grid per group."""
    groups = tuple(m.site_groups)
    if set(m.grids) != set(groups):
        raise _fail("risk_nih.modified_nih2008: grids must match site_groups")
    group_of_site = [-1] * len(SITES)
    for gi, g in enumerate(groups):
        for site in m.site_groups[g]:
            if site not in SITES:
                raise _fail(f"risk_nih.modified_nih2008.site_groups.{g}: unknown site {site}")
            if group_of_site[SITES.index(site)] != -1:
                raise _fail(f"risk_nih.modified_nih2008: site {site} in two groups")
            group_of_site[SITES.index(site)] = gi
    mnih = tuple(
        _grid(m.grids[g], size_labels, n_mit, NIH_LABELS, f"risk_nih.modified_nih2008.grids.{g}")
        for g in groups
    )
    return groups, tuple(group_of_site), mnih


class _Afip(NamedTuple):
    columns: tuple[str, ...]
    cat: tuple[Grid, ...]
    pct: tuple[tuple[tuple[float, ...], ...], ...]
    group: tuple[tuple[tuple[str, ...], ...], ...]
    column_of_site: tuple[int, ...]
    column_as_printed: tuple[int, ...]


def _afip(afip_kb: risk_afip.Table, size_labels: list[str], mit_labels: list[str]) -> _Afip:
    """AFIP: per data column, [size][mitoses] -> category code, percentage and group id."""
    columns = tuple(afip_kb.columns)
    group_at: dict[tuple[str, str], str] = {(g.size, g.mitoses): g.id for g in afip_kb.groups}
    if set(afip_kb.mitosis_classes) != set(mit_labels):
        raise _fail("risk_afip.mitosis_classes: must name every mitosis band")
    afip_cat, afip_pct, afip_group = [], [], []
    for col in columns:
        cells = afip_kb.columns[col].cells
        cat_rows, pct_rows, grp_rows = [], [], []
        for s in size_labels:
            cr, pr, gr = [], [], []
            for mb in mit_labels:
                key = (s, afip_kb.mitosis_classes[mb])
                if key not in group_at:
                    raise _fail(f"risk_afip.groups: no group for size {s}, mitoses {key[1]}")
                cell = cells[group_at[key]]
                cr.append(AFIP_LABELS.index(cell.category))
                pr.append(float("nan") if cell.progression_pct is None else cell.progression_pct)
                gr.append(group_at[key])
            cat_rows.append(tuple(cr))
            pct_rows.append(tuple(pr))
            grp_rows.append(tuple(gr))
        afip_cat.append(tuple(cat_rows))
        afip_pct.append(tuple(pct_rows))
        afip_group.append(tuple(grp_rows))

    def column_of_site(mapping: dict[str, str]) -> tuple[int, ...]:
        for site in mapping:
            if site not in SITES:
                raise _fail(f"risk_afip: unknown site {site}")
        return tuple(columns.index(mapping[s]) if s in mapping else -1 for s in SITES)

    col_of_site = column_of_site(afip_kb.site_columns.mapping)
    for site, c in zip(SITES, col_of_site, strict=True):
        if c == -1 and site not in afip_kb.not_covered:
            raise _fail(f"risk_afip: site {site} neither mapped nor listed in not_covered")
    return _Afip(
        columns,
        tuple(afip_cat),
        tuple(afip_pct),
        tuple(afip_group),
        col_of_site,
        column_of_site(afip_kb.site_columns_as_printed.mapping),
    )


def _ajcc(
    ajcc_kb: risk_ajcc8.Table, size_labels: list[str], mit_labels: list[str]
) -> tuple[tuple[str, ...], tuple[int, ...], tuple[tuple[tuple[int, ...], ...], ...]]:
    """AJCC 8th: stage tables, the table of each site (-1 = not staged), [table][rate][T]."""
    cat = ajcc_kb.categories
    if list(cat.t_by_size_band) != size_labels or list(cat.rate_by_mitosis_band) != mit_labels:
        raise _fail("risk_ajcc8.categories: must list every size and mitosis band in order")
    tables = tuple(ajcc_kb.stage_groups)
    table_of_site = []
    for site in SITES:
        if site in ajcc_kb.site_tables.mapping:
            table_of_site.append(tables.index(ajcc_kb.site_tables.mapping[site]))
        elif site in ajcc_kb.site_tables.not_staged:
            table_of_site.append(-1)
        else:
            raise _fail(f"risk_ajcc8.site_tables: site {site} neither mapped nor not_staged")
    stage_cells: dict[str, dict[str, dict[str, str]]] = {
        name: {str(r): {str(k): str(v) for k, v in cells.items()} for r, cells in g.stages.items()}
        for name, g in ajcc_kb.stage_groups.items()
    }
    for name, by_rate in stage_cells.items():
        if set(by_rate) != set(RATE_LABELS) or any(
            set(c) != set(T_LABELS) for c in by_rate.values()
        ):
            raise _fail(f"risk_ajcc8.stage_groups.{name}: needs a stage for every rate and T")
    stage = tuple(
        tuple(
            tuple(STAGE_LABELS.index(stage_cells[name][r][tc]) for tc in T_LABELS)
            for r in RATE_LABELS
        )
        for name in tables
    )
    return tables, tuple(table_of_site), stage


def compile_tables(kb: KnowledgeBase) -> RiskTables:
    """Read the risk tables from ``kb`` and check that they fit together."""
    bands = kb.get(risk_bands.Table)
    nih_kb = kb.get(risk_nih.Table)
    afip_kb = kb.get(risk_afip.Table)
    ajcc_kb = kb.get(risk_ajcc8.Table)
    size_labels = bands.size_cm.labels
    mit_labels = bands.mitoses.labels
    nih = _grid(
        nih_kb.nih2002.grid, size_labels, len(mit_labels), NIH_LABELS, "risk_nih.nih2002.grid"
    )
    m = nih_kb.modified_nih2008
    groups, group_of_site, mnih = _modified_nih(m, size_labels, len(mit_labels))
    af = _afip(afip_kb, size_labels, mit_labels)
    tables, table_of_site, stage = _ajcc(ajcc_kb, size_labels, mit_labels)
    cat = ajcc_kb.categories
    group_ids = tuple(g.id for g in afip_kb.groups)
    return RiskTables(
        bands=bands,
        nih_kb=nih_kb,
        afip_kb=afip_kb,
        ajcc_kb=ajcc_kb,
        mskcc_kb=kb.get(risk_mskcc.Table),
        scope=kb.get(risk_scope.Table),
        concordance=kb.get(risk_concordance.Table),
        size_bounds=tuple(bands.size_cm.upper_bounds),
        mitosis_bounds=tuple(bands.mitoses.upper_bounds),
        nih=nih,
        mnih_groups=groups,
        mnih_group_of_site=group_of_site,
        mnih=mnih,
        mnih_rupture=NIH_LABELS.index(m.rupture_category),
        afip_columns=af.columns,
        afip_column_of_site=af.column_of_site,
        afip_column_as_printed=af.column_as_printed,
        afip_cat=af.cat,
        afip_pct=af.pct,
        afip_group=af.group,
        ajcc_t=tuple(T_LABELS.index(cat.t_by_size_band[s]) for s in size_labels),
        ajcc_rate=tuple(RATE_LABELS.index(cat.rate_by_mitosis_band[mb]) for mb in mit_labels),
        ajcc_tables=tables,
        ajcc_table_of_site=table_of_site,
        ajcc_stage=stage,
        stage_n1=STAGE_LABELS.index(ajcc_kb.distant.n1_stage),
        stage_m1=STAGE_LABELS.index(ajcc_kb.distant.m1_stage),
        afip_group_ids=group_ids,
        afip_group_code=tuple(tuple(group_ids.index(g) for g in row) for row in af.group[0]),
    )


def risk_tables(kb: KnowledgeBase) -> RiskTables:
    """The compiled tables for ``kb`` (compiled once per knowledge base: the KB memo)."""
    return kb.memo(compile_tables)
