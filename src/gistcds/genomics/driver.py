"""Across the KIT/PDGFRA variants: roles (primary / secondary), acquired mutations and the
primary-driver call, with the variant-level calls applied before the exon-level class."""

from __future__ import annotations

from dataclasses import dataclass, field

from gistcds.domain.results.genotype import (
    GenotypeClass,
    SecondaryMutation,
    SecondaryRegion,
    VariantLevelCall,
)
from gistcds.genomics.tables import Tables, variant_call
from gistcds.genomics.variants import Item
from gistcds.knowledge.schema.genomics_sensitivity import Cell
from gistcds.knowledge.schema.genomics_variants import VariantCall

__all__ = ["DriverCall", "assign_roles", "call_driver", "secondary_mutations"]


def _anchor(it: Item) -> bool:
    """A variant that fixes the primary driver: sampled before TKI, or in a driver-only exon."""
    return it.out.timing in ("no_tki", "before_tki") or bool(
        it.exon and it.exon.primary_region and not it.exon.secondary_region
    )


def assign_roles(items: list[Item]) -> None:
    """Primary / secondary / unknown for the usable KIT/PDGFRA variants (engine docstring)."""
    usable = [it for it in items if it.usable and it.exon is not None]
    for it in usable:
        ex = it.exon
        assert ex is not None
        others = [
            o
            for o in usable
            if o is not it
            and _anchor(o)
            and o.exon is not None
            and o.exon.primary_region
            and not (o.variant.gene == it.variant.gene and o.exon.exon == ex.exon)
        ]
        if it.out.timing in ("no_tki", "before_tki"):
            it.out.role = "primary"
        elif ex.secondary_region and (not ex.primary_region or others):
            if it.out.timing == "after_tki" or others:
                it.out.role = "secondary"
            else:
                it.out.role = "unknown"
                it.out.reason = (
                    "found after a TKI with no primary driver identified; timing unclear"
                )
        elif ex.primary_region:
            it.out.role = "primary"
        else:
            it.out.role = "unknown"
            it.out.reason = (
                "variant outside the usual driver and resistance exons, not sampled before TKI"
            )


def secondary_mutations(kin: list[Item]) -> list[SecondaryMutation]:
    """The acquired KIT/PDGFRA mutations, each with its region."""
    out = []
    for it in kin:
        if it.out.role == "secondary" and it.exon is not None:
            out.append(
                SecondaryMutation(
                    gene=it.variant.gene,
                    hgvs_p=it.out.hgvs_p,
                    exon=it.exon.exon,
                    region=it.exon.secondary_region or "other",
                    source=it.variant.source.value,
                    date=it.variant.date,
                    hotspots=it.out.hotspots,
                )
            )
    return out


@dataclass
class DriverCall:
    """The primary-driver decision over the KIT/PDGFRA variants."""

    genotype_class: GenotypeClass | None = None
    drivers: list[Item] = field(default_factory=list)
    co_regions: list[SecondaryRegion] = field(default_factory=list)
    missing_codon: bool = False
    calls: list[tuple[Item, VariantCall]] = field(default_factory=list)
    rationale: list[str] = field(default_factory=list)

    def overrides(self) -> dict[str, Cell]:
        """Drug cells the variant-level calls of the driver(s) put over the class row."""
        cells: dict[str, Cell] = {}
        for _, call in self.calls:
            for drug, cell in call.sensitivity.items():
                cells.setdefault(drug, cell)
        return cells

    def reported_calls(self) -> list[VariantLevelCall]:
        return [
            VariantLevelCall(
                id=call.id,
                gene=it.variant.gene,
                hgvs_p=it.out.hgvs_p,
                label=call.label,
                evidence=call.evidence,
                genotype_class=call.genotype_class,
                drugs=sorted(call.sensitivity),
                text=" ".join(call.text.split()),
                source_ids=list(call.source_ids),
                confidence=call.confidence,
            )
            for it, call in self.calls
        ]


def _candidate_class(it: Item, t: Tables, dc: DriverCall) -> GenotypeClass:
    """Variant-level call first, then a named hotspot's class, then the exon's class."""
    assert it.exon is not None
    call = variant_call(t, it.variant.gene, it.change)
    if call is not None:
        dc.calls.append((it, call))
        if call.genotype_class is not None:
            return call.genotype_class
    hotspot = next((h.genotype_class for h in it.hotspots if h.genotype_class), None)
    if hotspot is not None:
        return hotspot
    if it.change.level == "exon" and it.exon.exon_level_class is not None:
        note = it.exon.exon_level_note
        dc.rationale.append(note[:1].upper() + note[1:] + ".")
        dc.missing_codon = True
        return it.exon.exon_level_class
    return it.exon.primary_class


def call_driver(kin: list[Item], t: Tables) -> DriverCall:
    """One class from the primary KIT/PDGFRA variants, or the discordant class if they differ."""
    dc = DriverCall()
    primaries = [it for it in kin if it.out.role == "primary" and it.exon is not None]
    preferred = [it for it in primaries if it.exon and it.exon.primary_region] or primaries
    if preferred:
        classes: dict[GenotypeClass, list[Item]] = {}
        for it in preferred:
            classes.setdefault(_candidate_class(it, t, dc), []).append(it)
        if len(classes) == 1:
            dc.genotype_class, dc.drivers = next(iter(classes.items()))
        else:
            dc.genotype_class = t.rules.kinase.discordant_primary_class
            dc.calls = []
            dc.rationale.append(
                "More than one candidate primary driver ("
                + ", ".join(sorted(classes))
                + "): review the reports; not classified."
            )
    for it in primaries:
        if it not in dc.drivers and it.exon is not None and it.exon.secondary_region:
            dc.co_regions.append(it.exon.secondary_region)
            dc.rationale.append(
                f"{it.variant.gene} {it.out.hgvs_p or it.variant.hgvs_p} (exon {it.exon.exon}) "
                "co-occurs with the driver before TKI; counted for drug sensitivity."
            )
    return dc
