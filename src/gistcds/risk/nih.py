"""NIH consensus criteria 2002 (Fletcher): size and mitoses; site and rupture not used."""

from __future__ import annotations

from gistcds.domain.results.risk import NihResult
from gistcds.risk.bands import band
from gistcds.risk.describe import mitoses_text, size_text
from gistcds.risk.tables import NIH_LABELS, RiskTables


def nih2002(t: RiskTables, size_cm: float, mitoses: float) -> NihResult:
    """The NIH 2002 category of one tumour (closed-bound convention, ``risk_nih.yaml``)."""
    sb, mb = band(size_cm, t.size_bounds), band(mitoses, t.mitosis_bounds)
    category = NIH_LABELS[t.nih[sb][mb]]
    kb = t.nih_kb.nih2002
    return NihResult(
        system=kb.name,
        category=category,
        inputs={"size_cm": size_cm, "mitoses_per_5mm2": mitoses},
        rationale=f"{size_text(t, size_cm, sb)}, {mitoses_text(t, mitoses, mb)} -> {category}",
        source_ids=list(kb.source_ids),
        notes=[kb.convention],
        confidence=kb.confidence,
    )
