"""The genotype class when no single KIT/PDGFRA driver decides it: other drivers in KB
priority order (SDH, NTRK, BRAF, NF1), quadruple wild type, or what is missing to call it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from gistcds.domain.patient import Fusion
from gistcds.domain.results.genotype import GenotypeClass, GenotypeResult
from gistcds.genomics.tables import Tables
from gistcds.genomics.variants import Item

__all__ = ["Findings", "OtherHit", "classify_without_driver", "other_drivers"]


class OtherHit(NamedTuple):
    priority: int
    label: str
    genotype_class: GenotypeClass
    source_ids: list[str]
    germline: bool


@dataclass
class Findings:
    """What the patient's molecular record holds, as the class decision needs it."""

    items: list[Item]
    fusions: list[Fusion]
    sdhb: str | None
    tested: set[str]
    tki_given: bool
    hits: list[OtherHit] = field(default_factory=list)
    sdhb_note: str = ""


def _counts_at_gene_level(it: Item) -> bool:
    """A reported variant of a gene-level driver (SDHx, NF1) counts even when unreadable
    (variants are entered as reported pathogenic)."""
    return it.usable or not it.change.ok


def other_drivers(f: Findings, t: Tables) -> None:
    """Fill ``f.hits`` (and ``f.sdhb_note``) with the non-KIT/PDGFRA drivers found."""
    for d in sorted(t.rules.other_drivers, key=lambda d: d.priority):
        hit = bool(d.sdhb_ihc_lost and f.sdhb == "lost")
        for it in f.items:
            if it.variant.gene not in d.genes:
                continue
            if d.hotspot is not None:
                if it.usable and any(h.id == d.hotspot for h in it.hotspots):
                    hit = True
                    it.out.role = "primary"
            elif _counts_at_gene_level(it):
                hit = True
                it.out.role = "primary"
                if not it.change.ok:
                    it.out.classified = True
                    it.out.notes.append(f"counted at gene level ({it.out.reason})")
                    it.out.reason = None
        if d.fusion_genes and any(set(x.genes) & set(d.fusion_genes) for x in f.fusions):
            hit = True
        if hit and d.contradicted_by_sdhb_retained and f.sdhb == "retained":
            f.sdhb_note = f"{d.label}: conflicts with SDHB immunohistochemistry retained."
            continue
        if hit:
            f.hits.append(
                OtherHit(
                    d.priority, d.label, d.genotype_class, d.source_ids, d.germline_testing_advised
                )
            )


def _wild_type(f: Findings, t: Tables, result: GenotypeResult, why: list[str]) -> GenotypeClass:
    """Quadruple wild type, or what is missing (or positive) that prevents it."""
    wt = t.rules.wild_type
    missing = [g for g in wt.required_negative if g not in f.tested]
    if f.sdhb != wt.sdhb_ihc_required:
        missing.append("SDHB_IHC")
    checked = set(wt.required_negative) | set(wt.negative_if_tested)
    checked |= set(wt.not_class_defining_genes)
    positives = sorted(
        {
            it.variant.gene
            for it in f.items
            if it.variant.gene in checked and (it.usable or not it.change.ok)
        }
        | {g for x in f.fusions for g in x.genes if g in checked}
    )
    result.class_source_ids = list(wt.source_ids)
    for g in wt.further_tests:
        covered = g in f.tested or (g == "NTRK_fusion" and f.tested & {"NTRK1", "NTRK2", "NTRK3"})
        if not covered and g not in missing:
            result.suggested_tests.append(g)
    if positives:
        why.append(
            "KIT/PDGFRA wild type with an alteration in "
            + ", ".join(positives)
            + ", which has no genotype class here."
        )
        return "unclassified"
    if f.sdhb_note:
        why.append(f.sdhb_note)
        return "unclassified"
    if not missing:
        others = f.tested & set(wt.negative_if_tested)
        extra = ", other genes negative where tested" if others else ""
        why.append(f"KIT, PDGFRA and BRAF negative{extra}, SDHB retained: quadruple wild type.")
        return "quadruple_wild_type"
    neg = sorted(g for g in wt.required_negative if g in f.tested)
    why.append(
        ("Negative for " + ", ".join(neg) + "; " if neg else "")
        + "quadruple wild type cannot be called without "
        + ", ".join(missing)
        + "."
    )
    result.missing_tests.extend(missing)
    return "unclassified"


def classify_without_driver(
    f: Findings, t: Tables, result: GenotypeResult, unresolved: list[Item], why: list[str]
) -> GenotypeClass:
    """The class when no KIT/PDGFRA driver was called (``result`` gets tests and sources)."""
    kinase = t.rules.kinase.genes
    if result.kit_pdgfra_status == "unresolved" and unresolved:
        why.append(
            "A KIT/PDGFRA variant was reported but could not be placed as a primary driver; "
            "see the variant notes."
        )
        if any(not it.out.classified for it in unresolved):
            result.missing_tests.append("codon_level_result")
        if any(it.out.classified and it.variant.date is None for it in unresolved) and f.tki_given:
            result.missing_tests.append("variant_date")
        return "unclassified"
    if f.hits:
        first = f.hits[0]
        result.class_source_ids = list(first.source_ids)
        why.append(f"No KIT/PDGFRA driver; {first.label}.")
        if len(f.hits) > 1:
            why.append("Also: " + "; ".join(h.label for h in f.hits[1:]) + ".")
        result.germline_testing_advised = first.germline
        if result.kit_pdgfra_status != "wild_type":
            result.suggested_tests.extend(g for g in kinase if g not in f.tested)
        return first.genotype_class
    if not f.tested and not f.items and not f.fusions and f.sdhb != "lost":
        why.append("No molecular testing reported.")
        result.missing_tests.extend(kinase)
        if f.sdhb == "retained":
            why.append("SDHB immunohistochemistry retained.")
        return "not_tested"
    return _wild_type(f, t, result, why)
