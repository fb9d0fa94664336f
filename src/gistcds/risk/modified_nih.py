"""Modified NIH criteria 2008 (Joensuu): NIH plus site (gastric or not) and rupture."""

from __future__ import annotations

from gistcds.domain.results.risk import NihResult
from gistcds.risk.bands import band
from gistcds.risk.describe import mitoses_text, size_text
from gistcds.risk.tables import NIH_LABELS, SITES, RiskTables


def modified_nih(
    t: RiskTables,
    site: str | None,
    size_cm: float | None,
    mitoses: float | None,
    rupture: bool | None,
) -> NihResult | str:
    """The category, or the reason there is none (missing inputs, rupture unknown)."""
    kb = t.nih_kb.modified_nih2008
    inputs = {"site": site, "size_cm": size_cm, "mitoses_per_5mm2": mitoses, "rupture": rupture}

    def result(code: int, rationale: str, notes: list[str]) -> NihResult:
        return NihResult(
            system=kb.name,
            category=NIH_LABELS[code],
            inputs=inputs,
            rationale=rationale,
            source_ids=list(kb.source_ids),
            notes=notes,
            confidence=kb.confidence,
        )

    if rupture:
        return result(t.mnih_rupture, kb.rupture_note, [t.scope.rupture_definition.note])
    missing = [n for n, v in (("size", size_cm), ("mitotic count", mitoses)) if v is None]
    if missing:
        return f"modified NIH needs {', '.join(['site'] * (site is None) + missing)}"
    assert size_cm is not None and mitoses is not None
    sb, mb = band(size_cm, t.size_bounds), band(mitoses, t.mitosis_bounds)
    if site is None:
        # Site only matters in some cells (Joensuu 2008): where every site group gives the
        # same category (e.g. > 10 cm, or > 10 mitoses), the category does not need it.
        codes = {t.mnih[g][sb][mb] for g in range(len(t.mnih_groups))}
        if len(codes) != 1:
            return "modified NIH needs site"
        code = codes.pop()
        if rupture is None and code != t.mnih_rupture:
            return t.scope.rupture_unknown.note
        return result(
            code,
            f"site not recorded, {size_text(t, size_cm, sb)}, {mitoses_text(t, mitoses, mb)} "
            f"-> {NIH_LABELS[code]} (the same for every site)",
            ["site not recorded: this size/mitosis cell has the same category at every site"],
        )
    g = t.mnih_group_of_site[SITES.index(site)]
    code = t.mnih[g][sb][mb]
    group = t.mnih_groups[g]
    notes = [
        f"{c.note} (alternative reading: {c.alternative})"
        for c in kb.cell_notes
        if c.site_group in (None, group)
        and c.size == t.bands.size_cm.labels[sb]
        and c.mitoses == t.bands.mitoses.labels[mb]
    ]
    if rupture is None:
        if code != t.mnih_rupture:
            return t.scope.rupture_unknown.note
        notes.append("rupture not recorded; high risk on size, mitoses and site alone")
    label = group.replace("_", "-")
    rationale = (
        f"{label} site, {size_text(t, size_cm, sb)}, {mitoses_text(t, mitoses, mb)}, "
        f"no rupture -> {NIH_LABELS[code]}"
        if rupture is False
        else f"{label} site, {size_text(t, size_cm, sb)}, {mitoses_text(t, mitoses, mb)} "
        f"-> {NIH_LABELS[code]}"
    )
    return result(code, rationale, notes)
