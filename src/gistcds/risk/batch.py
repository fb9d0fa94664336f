"""The vectorised path: every system over a cohort as numpy arrays, same answers as ``panel``.

It indexes the same compiled tables as the scalar engine (as numpy arrays: ``arrays``) and
follows the same applicability rules for what a cohort row carries (site, size, mitoses,
rupture, nodes, metastatic; rows are taken as completely resected, untreated primaries).
``tests/test_risk_batch.py`` proves equality with the scalar path cell by cell and on
random patients.

A registry repeats a few hundred distinct values millions of times, so ``score_factored``
scores each *combination* of (site, size band, mitosis band, rupture, nodes, metastatic)
once with ``score_codes`` and hands every row the index of its combination: the per-row
work is a handful of integer operations whatever the number of systems.

Encoded inputs (``encode`` builds them from a DataFrame):
  site      int8, index into ``tables.SITES``; -1 = unknown
  size_cm   float64; NaN = unknown
  mitoses   float64 per 5 mm^2 (= per 50 HPF); NaN = unknown
  rupture   int8: 1 yes, 0 no, -1 unknown
  nodes     int8: 1 N1, 0 N0, -1 NX/unknown (recorded N0, as AJCC advises)
  metastatic bool
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from gistcds.risk.bands import bands
from gistcds.risk.tables import (
    AFIP_LABELS,
    M_LABELS,
    N_LABELS,
    NIH_LABELS,
    RATE_LABELS,
    SITES,
    STAGE_LABELS,
    T_LABELS,
    RiskTables,
)

I4 = npt.NDArray[np.int32]
I8 = npt.NDArray[np.int8]
F8 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class BatchArrays:
    """The lookups of ``RiskTables`` as numpy arrays (the same cells)."""

    size_bounds: F8
    mitosis_bounds: F8
    nih: I8
    mnih_group_of_site: I8
    mnih: I8
    afip_column_of_site: I8
    afip_cat: I8
    afip_pct: F8
    ajcc_t: I8
    ajcc_rate: I8
    ajcc_table_of_site: I8
    ajcc_stage: I8
    afip_group_code: I8


@lru_cache(maxsize=8)  # a few knowledge bases per process at most
def arrays(t: RiskTables) -> BatchArrays:
    """``t``'s tuples as numpy arrays, built once per set of tables. Here, not in ``tables``:
    one patient's assessment never needs them (nor the class, created at every start)."""
    i8 = np.int8
    return BatchArrays(
        size_bounds=np.asarray(t.size_bounds, dtype=np.float64),
        mitosis_bounds=np.asarray(t.mitosis_bounds, dtype=np.float64),
        nih=np.asarray(t.nih, dtype=i8),
        mnih_group_of_site=np.asarray(t.mnih_group_of_site, dtype=i8),
        mnih=np.asarray(t.mnih, dtype=i8),
        afip_column_of_site=np.asarray(t.afip_column_of_site, dtype=i8),
        afip_cat=np.asarray(t.afip_cat, dtype=i8),
        afip_pct=np.asarray(t.afip_pct, dtype=np.float64),
        ajcc_t=np.asarray(t.ajcc_t, dtype=i8),
        ajcc_rate=np.asarray(t.ajcc_rate, dtype=i8),
        ajcc_table_of_site=np.asarray(t.ajcc_table_of_site, dtype=i8),
        ajcc_stage=np.asarray(t.ajcc_stage, dtype=i8),
        afip_group_code=np.asarray(t.afip_group_code, dtype=i8),
    )


OUTPUT_COLUMNS: tuple[str, ...] = (
    "nih_category",
    "modified_nih_category",
    "afip_category",
    "afip_progression_pct",
    "afip_group",
    "ajcc8_t",
    "ajcc8_n",
    "ajcc8_m",
    "ajcc8_mitotic_rate",
    "ajcc8_stage",
    "mskcc_rfs_2y",
    "mskcc_rfs_5y",
)


@dataclass(frozen=True)
class Encoded:
    site: I8
    size_cm: F8
    mitoses: F8
    rupture: I8
    nodes: I8
    metastatic: B


@dataclass(frozen=True)
class Codes:
    """Per-system codes (-1 = null) and the AFIP percentage (NaN = null)."""

    nih: I8
    modified_nih: I8
    afip: I8
    afip_pct: F8
    afip_group: I8
    t: I8
    n: I8
    m: I8
    rate: I8
    stage: I8


def score_codes(x: Encoded, t: RiskTables) -> Codes:
    """All systems over encoded arrays (the rules of ``panel.score``, vectorised)."""
    a = arrays(t)
    has_size = ~np.isnan(x.size_cm)
    has_mit = ~np.isnan(x.mitoses)
    has_site = x.site >= 0
    site = np.where(has_site, x.site, 0)
    sb = np.where(has_size, bands(x.size_cm, a.size_bounds), 0)
    mb = np.where(has_mit, bands(x.mitoses, a.mitosis_bounds), 0)
    has_primary = has_site | has_size | has_mit
    recur = has_primary & ~x.metastatic
    sm = has_size & has_mit
    none = np.int8(-1)

    nih = np.where(recur & sm, a.nih[sb, mb], none)

    grp = a.mnih_group_of_site[site]
    high = np.int8(t.mnih_rupture)
    base = a.mnih[grp, sb, mb]
    every_group = a.mnih[:, sb, mb]  # without a site: the category if all groups agree
    lo, hi = every_group.min(axis=0), every_group.max(axis=0)
    siteless = np.where(lo == hi, lo, none)
    mn = np.where(sm, np.where(has_site, base, siteless), none)
    mn = np.where((x.rupture == -1) & (mn != high), none, mn)
    mn = np.where(x.rupture == 1, high, mn)
    mn = np.where(recur, mn, none)

    col = a.afip_column_of_site[site]
    afip_ok = recur & has_site & sm & (col >= 0)
    colc = np.where(col >= 0, col, 0)
    afip = np.where(afip_ok, a.afip_cat[colc, sb, mb], none)
    pct = np.where(afip_ok, a.afip_pct[colc, sb, mb], np.nan)
    group = np.where(afip_ok, a.afip_group_code[sb, mb], none)

    present = has_primary | x.metastatic
    m = np.where(present, x.metastatic.astype(np.int8), none)
    n = np.where(present, (x.nodes == 1).astype(np.int8), none)
    tc = np.where(present & has_size, a.ajcc_t[sb], none)
    rate = np.where(present & has_mit, a.ajcc_rate[mb], none)
    tab = a.ajcc_table_of_site[site]
    grouped = has_site & (tab >= 0) & (tc >= 0) & (rate >= 0)
    stage = np.where(
        grouped,
        a.ajcc_stage[np.where(tab >= 0, tab, 0), np.maximum(rate, 0), np.maximum(tc, 0)],
        none,
    )
    stage = np.where(n == 1, np.int8(t.stage_n1), stage)
    stage = np.where(m == 1, np.int8(t.stage_m1), stage)
    stage = np.where(present, stage, none)
    return Codes(
        nih=nih.astype(np.int8),
        modified_nih=mn.astype(np.int8),
        afip=afip.astype(np.int8),
        afip_pct=pct,
        afip_group=group.astype(np.int8),
        t=tc.astype(np.int8),
        n=n.astype(np.int8),
        m=m.astype(np.int8),
        rate=rate.astype(np.int8),
        stage=stage.astype(np.int8),
    )


def _cat(codes: I8, labels: tuple[str, ...]) -> pd.Categorical[str]:
    return pd.Categorical.from_codes(codes, categories=pd.Index(list(labels)))


def to_frame(c: Codes, t: RiskTables, index: pd.Index | None = None) -> pd.DataFrame:
    """Codes as the cohort's output columns (categoricals; nulls where a system is null)."""
    nulls = np.full(len(c.nih), np.nan)
    mskcc_reported = t.mskcc_kb.mskcc.status != "not_reported"
    if mskcc_reported:
        raise NotImplementedError("MSKCC nomogram marked implemented but not coded")
    cols = {
        "nih_category": _cat(c.nih, NIH_LABELS),
        "modified_nih_category": _cat(c.modified_nih, NIH_LABELS),
        "afip_category": _cat(c.afip, AFIP_LABELS),
        "afip_progression_pct": c.afip_pct,
        "afip_group": _cat(c.afip_group, t.afip_group_ids),
        "ajcc8_t": _cat(c.t, T_LABELS),
        "ajcc8_n": _cat(c.n, N_LABELS),
        "ajcc8_m": _cat(c.m, M_LABELS),
        "ajcc8_mitotic_rate": _cat(c.rate, RATE_LABELS),
        "ajcc8_stage": _cat(c.stage, STAGE_LABELS),
        "mskcc_rfs_2y": nulls,
        "mskcc_rfs_5y": nulls.copy(),
    }
    return pd.DataFrame(cols, index=index)


def _codes_of(series: pd.Series, labels: tuple[str, ...]) -> I8:
    """Category codes of ``series`` against ``labels`` (unknown or missing -> -1)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        cats = series.cat.categories
        lut = np.array([labels.index(c) if c in labels else -1 for c in cats] + [-1], dtype=np.int8)
        return lut[series.cat.codes.to_numpy()]
    return pd.Index(list(labels)).get_indexer(pd.Index(series)).astype(np.int8)


def encode(df: pd.DataFrame) -> Encoded:
    """Encode a validated cohort frame (``gistcds.cohort.schema``) for ``score_codes``."""
    rupture = df["rupture"].to_numpy(dtype=np.float64, na_value=np.nan)
    return Encoded(
        site=_codes_of(df["site"], SITES),
        size_cm=df["size_cm"].to_numpy(dtype=np.float64, na_value=np.nan),
        mitoses=df["mitoses"].to_numpy(dtype=np.float64, na_value=np.nan),
        rupture=np.where(np.isnan(rupture), -1, rupture).astype(np.int8),
        nodes=_codes_of(df["nodes"], N_LABELS),
        metastatic=df["metastatic"].to_numpy(dtype=np.bool_),
    )


def score_frame(df: pd.DataFrame, t: RiskTables) -> pd.DataFrame:
    """The risk columns for a validated cohort frame, index preserved."""
    return to_frame(score_codes(encode(df), t), t, index=df.index)


@dataclass(frozen=True)
class Factor:
    """A column as per-row codes into its distinct values (``values[codes[i]]`` is row i's)."""

    codes: I4
    values: npt.NDArray[Any]


@dataclass(frozen=True)
class Factored:
    """``Encoded``'s columns as factors (the values typed as ``Encoded`` types them)."""

    site: Factor
    size_cm: Factor
    mitoses: Factor
    rupture: Factor
    nodes: Factor
    metastatic: Factor

    def factors(self) -> tuple[Factor, ...]:
        return (self.site, self.size_cm, self.mitoses, self.rupture, self.nodes, self.metastatic)

    def rows(self) -> Encoded:
        """The per-row arrays (for tests and small tables)."""
        return Encoded(*(f.values[f.codes] for f in self.factors()))


def _slots(values: F8, bounds: F8) -> I4:
    """Per distinct value its slot in the grid: 0 = unknown (NaN), band + 1 otherwise."""
    known = ~np.isnan(values)
    return np.where(known, bands(np.where(known, values, 0.0), bounds) + 1, 0).astype(np.int32)


def _representatives(bounds: F8) -> F8:
    """One value per slot: NaN (unknown), each band's closed upper bound, and one past the
    last bound for the open last band. ``score_codes`` reads sizes and mitotic counts only
    through "known?" and ``bands``, so a band's representative stands for all its values."""
    return np.concatenate([[np.nan], bounds, [bounds[-1] + 1.0]])


_GRIDS: dict[int, tuple[RiskTables, Codes]] = {}


def grid_codes(t: RiskTables) -> Codes:
    """Every combination of site (+ unknown), size band (+ unknown), mitosis band
    (+ unknown), rupture (-1/0/1), nodes (-1/0/1) and metastatic, scored by ``score_codes``
    (a few thousand rows, once per set of tables), in the order ``score_factored`` keys."""
    hit = _GRIDS.get(id(t))
    if hit is not None and hit[0] is t:
        return hit[1]
    a = arrays(t)
    size_rep = _representatives(a.size_bounds)
    mit_rep = _representatives(a.mitosis_bounds)
    dims = (len(SITES) + 1, len(size_rep), len(mit_rep), 3, 3, 2)
    s, z, m, r, nd, meta = np.indices(dims).reshape(len(dims), -1)
    grid = Encoded(
        site=(s - 1).astype(np.int8),
        size_cm=size_rep[z],
        mitoses=mit_rep[m],
        rupture=(r - 1).astype(np.int8),
        nodes=(nd - 1).astype(np.int8),
        metastatic=meta.astype(np.bool_),
    )
    codes = score_codes(grid, t)
    if len(_GRIDS) >= 8:  # a few knowledge bases per process at most; bounded anyway
        _GRIDS.clear()
    _GRIDS[id(t)] = (t, codes)
    return codes


def score_factored(f: Factored, t: RiskTables) -> tuple[I4, Codes]:
    """(per-row index into the grid, ``grid_codes``): row i's codes are ``grid.x[key[i]]``.

    Per row this is one small-table lookup and one multiply-add per column;
    ``tests/test_risk_batch.py`` checks the result equals ``score_codes`` on the rows.
    """
    a = arrays(t)
    slots = (
        f.site.values.astype(np.int32) + 1,
        _slots(f.size_cm.values.astype(np.float64), a.size_bounds),
        _slots(f.mitoses.values.astype(np.float64), a.mitosis_bounds),
        f.rupture.values.astype(np.int32) + 1,
        f.nodes.values.astype(np.int32) + 1,
        f.metastatic.values.astype(np.int32),
    )
    dims = (len(SITES) + 1, len(a.size_bounds) + 2, len(a.mitosis_bounds) + 2, 3, 3, 2)
    key = np.zeros(len(f.site.codes), dtype=np.int32)
    for factor, slot, dim in zip(f.factors(), slots, dims, strict=True):
        key *= dim
        key += slot[factor.codes]
    return key, grid_codes(t)
