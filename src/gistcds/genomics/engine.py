"""Genotype interpretation: reported variants, fusions and SDHB IHC -> genotype class,
acquired (secondary) mutations, drug sensitivity and cited prognostic remarks.

Rules (all data in the knowledge base):
- KIT/PDGFRA variants are placed by codon (exon table), timed against the first TKI start.
  A change that cannot activate the kinase (truncating) is no driver; a codon range over more
  exons than an activating change spans, or a nucleotide-only report, is not classified.
- Variant-level calls (``genomics_variants.yaml``: exact changes, then codon patterns) come
  before the exon-level class and may replace drug cells (PDGFRA D842V-like changes, D842Y,
  KIT D816V). A variant-level resistance level (OncoKB R1/R2, ``evidence_levels.yaml``) for
  the exact primary variant rates the drug resistant over the exon-level cell (KIT A829P).
- Before any TKI, or in a primary-driver exon (KIT 9/11, PDGFRA 12/14/18 when it is the only
  driver), a variant is primary. After a TKI, a variant in an acquired-resistance exon (KIT
  13/14 = ATP pocket, 17/18 = activation loop) is secondary; a tissue exon 11 variant found
  late is still the primary driver. Undated tissue with no TKI is taken as diagnostic.
- Without a KIT/PDGFRA driver: SDH deficiency, NTRK fusion, BRAF V600E, NF1 (KB priority).
- Quadruple wild type only when KIT, PDGFRA, BRAF (and RAS etc. where tested) are negative
  and SDHB is retained; otherwise the class stays ``unclassified`` and ``missing_tests`` says
  what would decide it.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import CitedRemark, GenotypeResult
from gistcds.genomics.classify import Findings, classify_without_driver, other_drivers
from gistcds.genomics.driver import DriverCall, assign_roles, call_driver, secondary_mutations
from gistcds.genomics.levels import rate_level_resistance
from gistcds.genomics.sensitivity import combine_sensitivity
from gistcds.genomics.tables import Tables, tables
from gistcds.genomics.variants import Item, read_variant, timing
from gistcds.knowledge import KnowledgeBase

__all__ = ["interpret"]


def _ids(*lists: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for lst in lists:
        for s in lst:
            seen.setdefault(s, None)
    return list(seen)


def _findings(patient: Patient, t: Tables) -> Findings:
    """Every reported variant read and timed, with what was tested."""
    mol = patient.molecular
    tki = t.tki_drugs
    tki_lines = [line for line in patient.therapy_lines if line.drug in tki]
    starts = [line.start for line in tki_lines if line.start is not None]
    first_tki: dt.date | None = min(starts) if starts else None
    variants = list(mol.variants) if mol else []
    fusions = list(mol.fusions) if mol else []
    tested = set(mol.tested_genes) if mol else set()
    tested |= {v.gene for v in variants}
    for f in fusions:
        tested |= set(f.genes)
    items = []
    for v in variants:
        when = timing(v, first_tki, bool(tki_lines))
        if when == "unknown" and v.date is None and not tki_lines:
            when = "no_tki"
        items.append(read_variant(v, t, when))
    sdhb = mol.sdhb_ihc.value if mol and mol.sdhb_ihc else None
    return Findings(items, fusions, sdhb, tested, bool(tki_lines))


Status = Literal["mutant", "wild_type", "not_tested", "unresolved"]


def _status(f: Findings, dc: DriverCall, kin: list[Item], kinase: set[str]) -> Status:
    unresolved = [it for it in kin if not it.out.classified or it.out.role == "unknown"]
    tested = kinase & f.tested
    if dc.drivers or dc.genotype_class:
        return "mutant"
    if unresolved or (tested and tested != kinase):
        return "unresolved"
    return "wild_type" if tested == kinase else "not_tested"


# When the sample was taken, in the rationale's words (variants.timing's codes).
_TIMING_WORDS = {
    "no_tki": "no TKI given yet",
    "before_tki": "sample taken before the first TKI",
    "after_tki": "sample taken after the first TKI",
    "unknown": "sample date or TKI start not recorded",
}


def _driver_rationale(dc: DriverCall, f: Findings, result: GenotypeResult) -> list[str]:
    """The sentences and sources that go with a called KIT/PDGFRA driver."""
    why: list[str] = []
    tail: list[str] = []
    if dc.drivers:
        d0 = dc.drivers[0]
        assert d0.exon is not None
        result.primary_driver = f"{d0.variant.gene} {d0.out.hgvs_p or d0.variant.hgvs_p}"
        why.append(
            f"Primary driver {result.primary_driver} in exon {d0.exon.exon}, "
            f"{d0.exon.region_label}; {_TIMING_WORDS.get(d0.out.timing, 'sample date unknown')}."
        )
        result.class_source_ids = _ids(
            d0.exon.source_ids,
            *[h.source_ids for h in d0.hotspots if h.genotype_class],
            *[c.source_ids for _, c in dc.calls],
        )
        why.extend(" ".join(c.text.split()) for _, c in dc.calls)
    if f.hits:
        tail.append(
            "Also reported: " + "; ".join(h.label for h in f.hits) + " (unexpected with a "
            "KIT/PDGFRA driver; review)."
        )
    return why + dc.rationale + tail


def _not_drivers(items: list[Item]) -> list[str]:
    return [
        f"{it.variant.gene} {it.out.hgvs_p or it.variant.hgvs_p} is {it.out.consequence}: not an "
        "activating mutation (counted as no driver in this gene)."
        for it in items
        if it.out.role == "not_a_driver"
    ]


def interpret(patient: Patient, kb: KnowledgeBase) -> GenotypeResult:
    """The genotype of one patient; see the module docstring for the rules."""
    t = tables(kb)
    f = _findings(patient, t)
    kinase = set(t.rules.kinase.genes)
    kin = [it for it in f.items if it.variant.gene in kinase]
    assign_roles(kin)
    result = GenotypeResult(genotype_class="unclassified")
    result.secondary_mutations = secondary_mutations(kin)
    dc = call_driver(kin, t)
    result.kit_pdgfra_status = _status(f, dc, kin, kinase)
    result.warnings = [
        f"{it.variant.gene} {it.variant.hgvs_p!r}: {it.out.reason}"
        for it in f.items
        if not it.out.classified
    ]
    other_drivers(f, t)  # may count an unreadable SDHx/NF1 report at gene level
    why: list[str] = []
    if dc.genotype_class is not None:
        cls = dc.genotype_class
        why = _driver_rationale(dc, f, result)
    else:
        unresolved = [it for it in kin if not it.out.classified or it.out.role == "unknown"]
        cls = classify_without_driver(f, t, result, unresolved, why)
        why = dc.rationale + why
    why.extend(_not_drivers(kin))
    if f.sdhb_note and cls != "unclassified":
        why.append(f.sdhb_note)
    if dc.missing_codon and cls == "unclassified":
        result.missing_tests.append("codon_level_result")
    result.genotype_class = cls
    _finish(result, f, dc, t, why)
    return result


def _finish(result: GenotypeResult, f: Findings, dc: DriverCall, t: Tables, why: list[str]) -> None:
    """Acquired mutations, sensitivity, remarks, variant-level calls and warnings."""
    cls = result.genotype_class
    if not result.secondary_mutations and f.tki_given and cls.startswith(("KIT", "PDGFRA")):
        why.append("No acquired (secondary) KIT/PDGFRA mutation reported.")
    elif result.secondary_mutations:
        why.append(
            "Acquired: "
            + ", ".join(
                f"{s.gene} {s.hgvs_p or '?'} ({s.region})" for s in result.secondary_mutations
            )
            + "."
        )
    regions = [s.region for s in result.secondary_mutations] + dc.co_regions
    combine_sensitivity(result, t, regions, dc.overrides())
    for it in dc.drivers:
        for r in _remarks(t, it, cls):
            if all(r.text != x.text for x in result.remarks):
                result.remarks.append(r)
    result.variants = [it.out for it in f.items]
    rate_level_resistance(result, t.levels)  # over the exon-level cells, as variant calls are
    result.variant_calls = dc.reported_calls()
    result.warnings += [
        f"{c.gene} {c.hgvs_p}: {c.label}; the evidence does not decide, discuss at a sarcoma "
        "tumour board."
        for c, (_, call) in zip(result.variant_calls, dc.calls, strict=True)
        if call.tumour_board
    ]
    result.rationale = " ".join(why)


def _remarks(t: Tables, it: Item, cls: str) -> list[CitedRemark]:
    out = []
    ch = it.change
    for r in t.sens.remarks:
        m = r.match
        if m.genotype_class is not None and m.genotype_class != cls:
            continue
        if m.gene is not None and m.gene != it.variant.gene:
            continue
        if m.exons and (it.exon is None or it.exon.exon not in m.exons):
            continue
        if m.edits and ch.edit not in m.edits:
            continue
        if m.overlaps is not None and (
            ch.start is None or ch.end is None or ch.start > m.overlaps[1] or ch.end < m.overlaps[0]
        ):
            continue
        out.append(CitedRemark(text=r.text, source_ids=list(r.source_ids)))
    return out
