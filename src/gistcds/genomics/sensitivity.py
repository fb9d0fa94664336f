"""Drug sensitivity from the primary class and the acquired-mutation regions (KB table)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gistcds.domain.confidence import weakest
from gistcds.domain.results.genotype import GenotypeResult, SecondaryRegion, Sensitivity
from gistcds.knowledge.schema.genomics_sensitivity import Cell, Row

if TYPE_CHECKING:
    from gistcds.genomics.tables import Tables


def combine_sensitivity(
    result: GenotypeResult,
    t: Tables,
    regions: list[SecondaryRegion],
    overrides: dict[str, Cell] | None = None,
) -> None:
    """Fill ``result.sensitivity`` (+ source ids, notes, confidence) per the KB combination rule.

    The primary row is the class's row with the variant-level cells (``overrides``, from
    ``genomics_variants.yaml``) put over it. Without acquired regions a drug takes that
    primary cell. With them, it takes the first level of ``combination.severity_order``
    among the acquired-region cells plus the primary cells whose level is in
    ``combination.primary_levels_kept``.
    """
    table = t.sens
    primary: Row = table.primary[result.genotype_class]
    if overrides:
        primary = {**primary, **overrides}
    rows = [table.secondary[r] for r in dict.fromkeys(regions)]
    order = table.combination.severity_order
    levels: dict[str, str] = {}
    for drug in t.rated_drugs:
        p_cell: Cell = primary[drug]
        if not rows:
            used = [p_cell]
        else:
            used = [r[drug] for r in rows]
            if p_cell.level in table.combination.primary_levels_kept:
                used.append(p_cell)
        level = min((c.level for c in used), key=order.index)
        deciding = [c for c in used if c.level == level]
        levels[drug] = level
        ids = list(dict.fromkeys(s for c in deciding for s in c.source_ids))
        if rows:
            ids += [s for s in table.combination.source_ids if s not in ids]
        result.sensitivity_source_ids[drug] = ids
        result.sensitivity_notes[drug] = "; ".join(
            dict.fromkeys(c.note for c in deciding if c.note)
        )
        result.sensitivity_confidence[drug] = weakest(c.confidence for c in deciding)
    result.sensitivity = Sensitivity.model_validate(levels)
