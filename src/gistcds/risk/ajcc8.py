"""AJCC 8th edition TNM and stage group (gastric/omental or small-intestinal/other table)."""

from __future__ import annotations

from gistcds.domain.results.risk import Ajcc8Result
from gistcds.risk.bands import band
from gistcds.risk.tables import (
    M_LABELS,
    N_LABELS,
    RATE_LABELS,
    SITES,
    STAGE_LABELS,
    T_LABELS,
    RiskTables,
)


def ajcc8(
    t: RiskTables,
    site: str | None,
    size_cm: float | None,
    mitoses: float | None,
    nodes: str | None,
    metastatic: bool,
    classification: str = "p",
) -> Ajcc8Result:
    """T, N, M, mitotic rate and stage; stage null (with the reason) when it cannot be grouped."""
    kb = t.ajcc_kb
    notes: list[str] = []
    m = 1 if metastatic else 0
    n = 1 if nodes == "N1" else 0
    if nodes not in ("N0", "N1"):
        notes.append(kb.nodes_not_assessed.note)
    tc = t.ajcc_t[band(size_cm, t.size_bounds)] if size_cm is not None else -1
    rate = t.ajcc_rate[band(mitoses, t.mitosis_bounds)] if mitoses is not None else -1
    table = t.ajcc_table_of_site[SITES.index(site)] if site is not None else -1
    stage, reason = -1, None
    if m == 1:
        stage = t.stage_m1
    elif n == 1:
        stage = t.stage_n1
    elif site is None:
        reason = "stage group needs the primary site (gastric and non-gastric groups differ)"
    elif table < 0:
        reason = kb.site_tables.not_staged[site]
    elif tc < 0 or rate < 0:
        missing = [x for x, v in (("size (T)", tc), ("mitotic rate", rate)) if v < 0]
        reason = f"stage group needs {' and '.join(missing)}"
    else:
        stage = t.ajcc_stage[table][rate][tc]
    tl = T_LABELS[tc] if tc >= 0 else None
    rl = RATE_LABELS[rate] if rate >= 0 else None
    sl = STAGE_LABELS[stage] if stage >= 0 else None
    table_name = t.ajcc_tables[table] if table >= 0 else None
    parts = [
        f"{tl or 'TX'} {N_LABELS[n]} {M_LABELS[m]}",
        f"mitotic rate {rl or 'unknown'}",
    ]
    if m == 1 or n == 1:
        parts.append(f"({kb.distant.note})")
    elif table_name:
        parts.append(f"{kb.stage_groups[table_name].label} table")
    rationale = ", ".join(parts) + (f" -> stage {sl}" if sl else f": {reason}")
    return Ajcc8Result(
        system="AJCC 8th edition TNM",
        t=tl,
        n=N_LABELS[n],
        m=M_LABELS[m],
        mitotic_rate=rl,
        stage=sl,
        stage_table=table_name,
        classification=classification,
        reason=reason,
        inputs={
            "site": site,
            "size_cm": size_cm,
            "mitoses_per_5mm2": mitoses,
            "nodes": nodes,
            "metastatic": metastatic,
        },
        rationale=rationale,
        source_ids=list(kb.categories.source_ids),
        notes=notes,
        confidence=kb.categories.confidence,
    )
