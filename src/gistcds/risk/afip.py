"""AFIP / Miettinen–Lasota 2006: risk category and published % of progressive disease."""

from __future__ import annotations

import math

from gistcds.domain.results.risk import AfipResult
from gistcds.risk.bands import band
from gistcds.risk.describe import mitoses_text, size_text
from gistcds.risk.tables import AFIP_LABELS, SITES, RiskTables


def _pct(x: float) -> float | None:
    return None if math.isnan(x) else x


def _cell_text(t: RiskTables, col: int, sb: int, mb: int) -> str:
    cat = AFIP_LABELS[t.afip_cat[col][sb][mb]]
    pct = _pct(t.afip_pct[col][sb][mb])
    return cat if pct is None else f"{cat} ({pct:g} %)"


def afip2006(
    t: RiskTables, site: str | None, size_cm: float | None, mitoses: float | None
) -> AfipResult | str:
    """The AFIP cell of one tumour; category null with a reason for sites the table lacks."""
    kb = t.afip_kb
    inputs = {"site": site, "size_cm": size_cm, "mitoses_per_5mm2": mitoses}
    if site is None:
        return "AFIP needs the primary site"
    col = t.afip_column_of_site[SITES.index(site)]
    if col < 0:
        reason = kb.not_covered[site]
        return AfipResult(
            system="AFIP (Miettinen-Lasota 2006)",
            category=None,
            inputs=inputs,
            rationale=f"AFIP: {reason}",
            reason=reason,
            source_ids=list(kb.not_covered_source_ids),
        )
    missing = [n for n, v in (("size", size_cm), ("mitotic count", mitoses)) if v is None]
    if missing:
        return f"AFIP needs {', '.join(missing)}"
    assert size_cm is not None and mitoses is not None
    sb, mb = band(size_cm, t.size_bounds), band(mitoses, t.mitosis_bounds)
    column = t.afip_columns[col]
    group = t.afip_group[col][sb][mb]
    cell = kb.columns[column].cells[group]
    notes = [cell.note] if cell.note else []
    confidence = kb.columns[column].confidence
    source_ids = list(kb.columns[column].source_ids)
    printed = t.afip_column_as_printed[SITES.index(site)]
    if printed != col:
        notes.append(
            f"{kb.site_columns.note} As printed, this tumour would be "
            f"{_cell_text(t, printed, sb, mb)}."
        )
        confidence = kb.site_columns.confidence
    notes += [
        f"{v.note} (variant: {v.value})"
        for v in kb.variants
        if v.column == column and v.group == group
    ]
    pct = _pct(t.afip_pct[col][sb][mb])
    return AfipResult(
        system="AFIP (Miettinen-Lasota 2006)",
        category=cell.category,
        progression_pct=pct,
        group=group,
        column=column,
        inputs=inputs,
        rationale=(
            f"{kb.columns[column].label}: group {group}, {size_text(t, size_cm, sb)}, "
            f"{mitoses_text(t, mitoses, mb)} -> {_cell_text(t, col, sb, mb)} progressive disease"
        ),
        source_ids=source_ids,
        notes=notes,
        confidence=confidence,
    )
