"""Genotype interpretation: reported variants, fusions and SDHB IHC -> genotype class,
acquired (secondary) mutations, drug sensitivity and cited prognostic remarks.

Rules (all data in the knowledge base):
- KIT/PDGFRA variants are placed by codon (exon table), timed against the first TKI start.
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
from dataclasses import dataclass, field

from gistcds.domain.patient import Patient, Variant
from gistcds.domain.results.genotype import (
    CitedRemark,
    GenotypeClass,
    GenotypeResult,
    InterpretedVariant,
    SecondaryMutation,
    SecondaryRegion,
)
from gistcds.genomics.parse import ProteinChange, parse_protein_change
from gistcds.genomics.sensitivity import combine_sensitivity
from gistcds.genomics.tables import Tables, hotspot_matches, tables
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema import genomics_genes as G

_CONSEQUENCE = {
    "sub": "missense",
    "del": "inframe_deletion",
    "dup": "inframe_duplication",
    "ins": "inframe_insertion",
    "delins": "inframe_delins",
    "fs": "frameshift",
    "ext": "stop_lost",
    "identity": "synonymous",
    "no_protein": "no_protein",
    "unspecified": "unspecified",
}


@dataclass
class _Item:
    """One reported variant during interpretation."""

    variant: Variant
    change: ProteinChange
    out: InterpretedVariant
    exon: G.Exon | None = None
    hotspots: list[G.Hotspot] = field(default_factory=list)
    usable: bool = False  # a classified, non-synonymous change with a known exon


def _timing(v: Variant, first_tki: dt.date | None, tki_given: bool) -> str:
    if not tki_given:
        return "no_tki"
    if v.date is None or first_tki is None:
        return "unknown"
    return "before_tki" if v.date <= first_tki else "after_tki"


def _consequence(ch: ProteinChange) -> str:
    if ch.edit == "sub" and ch.alt == "*":
        return "nonsense"
    if ch.edit == "sub" and ch.start == 1:
        return "start_lost"
    return _CONSEQUENCE[ch.edit]


def _interpret(v: Variant, t: Tables, timing: str) -> _Item:
    ch = parse_protein_change(v.hgvs_p)
    out = InterpretedVariant(
        gene=v.gene,
        input=v.hgvs_p,
        source=v.source.value,
        date=v.date,
        timing=timing,
    )
    item = _Item(variant=v, change=ch, out=out)
    notes = list(ch.notes)
    if not ch.ok:
        out.classified, out.reason = False, ch.reason
        return item
    gmap = t.genes.get(v.gene)
    if ch.accession:
        owner = t.accession_gene.get(ch.accession)
        if owner is not None and owner != v.gene:
            out.classified = False
            out.reason = f"accession {ch.accession} belongs to {owner}, not {v.gene}"
            return item
        if gmap is not None:
            for iso in gmap.gene.alt_isoforms:
                if ch.accession in {a.upper() for a in iso.accessions}:
                    ch = ch.shifted(iso.shift_after, iso.shift)
                    notes.append(
                        f"renumbered from {ch.accession} to {gmap.gene.protein}: {iso.note}"
                    )
    if ch.posedit is not None and (v.gene, ch.posedit) in t.aliases:
        canon = t.aliases[(v.gene, ch.posedit)]
        notes.append(f"{ch.posedit} is written {canon.posedit} in HGVS (3' rule)")
        ch = canon if not ch.uncertain else ProteinChange(**{**canon.__dict__, "uncertain": True})
    item.change = ch
    out.hgvs_p, out.consequence = ch.hgvs_p, _consequence(ch)
    out.codon_start, out.codon_end = ch.start, ch.end
    out.notes = notes
    known = t.residues.get(v.gene, {})
    for pos, aa in ((ch.start, ch.start_aa), (ch.end, ch.end_aa)):
        if aa and pos in known and known[pos] != aa:
            out.classified = False
            out.reason = (
                f"{v.gene} residue {pos} is {known[pos]} on the reference protein, "
                f"the report says {aa}: check the numbering (isoform?) or spelling"
            )
            return item
    if gmap is None:  # not an exon-mapped gene: hotspots (BRAF V600E) still apply
        item.hotspots = hotspot_matches(t, v.gene, ch)
        out.hotspots = [h.id for h in item.hotspots]
        item.usable = ch.edit != "identity"
        return item
    gene = gmap.gene
    if ch.level == "codon" and ch.start is not None and ch.end is not None:
        if ch.end > gene.protein_length:
            out.classified = False
            out.reason = f"codon {ch.end} is beyond {gene.symbol} ({gene.protein_length} residues)"
            return item
        exon, spanned = gmap.interval_exon(ch.start, ch.end)
        out.exons_spanned = spanned
        if ch.stated_exon is not None and ch.stated_exon not in spanned:
            notes.append(
                f"report names exon {ch.stated_exon}; by codon the change is in exon "
                f"{exon.exon if exon else '?'} (mapped by codon)"
            )
    elif ch.level == "exon" and ch.stated_exon is not None:
        exon = gmap.by_number.get(ch.stated_exon)
        if exon is None:
            out.classified = False
            out.reason = f"{gene.symbol} has no coding exon {ch.stated_exon}"
            return item
        notes.append("exon-level report: codons not given")
    else:
        out.classified = False
        out.reason = "no position or exon given"
        return item
    if exon is None:
        out.classified = False
        out.reason = "position is outside the coding exons"
        return item
    item.exon = exon
    item.hotspots = hotspot_matches(t, v.gene, ch)
    out.exon, out.region, out.region_label = exon.exon, exon.region, exon.region_label
    out.hotspots = [h.id for h in item.hotspots]
    if ch.edit == "identity":
        out.reason = "synonymous change: not a driver"
        return item
    item.usable = True
    return item


def _assign_roles(items: list[_Item]) -> None:
    """Primary / secondary / unknown for the usable KIT/PDGFRA variants (module docstring)."""

    def anchor(it: _Item) -> bool:
        return it.out.timing in ("no_tki", "before_tki") or bool(
            it.exon and it.exon.primary_region and not it.exon.secondary_region
        )

    usable = [it for it in items if it.usable and it.exon is not None]
    for it in usable:
        ex = it.exon
        assert ex is not None
        timing = it.out.timing
        others = [
            o
            for o in usable
            if o is not it
            and anchor(o)
            and o.exon is not None
            and o.exon.primary_region
            and not (o.variant.gene == it.variant.gene and o.exon.exon == ex.exon)
        ]
        if timing in ("no_tki", "before_tki"):
            it.out.role = "primary"
        elif ex.secondary_region and (not ex.primary_region or others):
            if timing == "after_tki" or others:
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


def _ids(*lists: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for lst in lists:
        for s in lst:
            seen.setdefault(s, None)
    return list(seen)


def interpret(patient: Patient, kb: KnowledgeBase) -> GenotypeResult:
    """The genotype of one patient; see the module docstring for the rules."""
    t = tables(kb)
    rules = t.rules
    mol = patient.molecular
    tki = set(rules.timing.tki_drugs)
    tki_lines = [line for line in patient.therapy_lines if line.drug in tki]
    starts = [line.start for line in tki_lines if line.start is not None]
    first_tki = min(starts) if starts else None

    variants = list(mol.variants) if mol else []
    fusions = list(mol.fusions) if mol else []
    sdhb = mol.sdhb_ihc.value if mol and mol.sdhb_ihc else None
    tested = set(mol.tested_genes) if mol else set()
    tested |= {v.gene for v in variants}
    for f in fusions:
        tested |= set(f.genes)

    items = []
    for v in variants:
        timing = _timing(v, first_tki, bool(tki_lines))
        if timing == "unknown" and v.date is None and not tki_lines:
            timing = "no_tki"
        items.append(_interpret(v, t, timing))

    kinase_genes = set(rules.kinase.genes)
    kin = [it for it in items if it.variant.gene in kinase_genes]
    _assign_roles(kin)
    warnings: list[str] = []
    for it in items:
        if not it.out.classified:
            warnings.append(f"{it.variant.gene} {it.variant.hgvs_p!r}: {it.out.reason}")

    result = GenotypeResult(genotype_class="unclassified")
    result.variants = [it.out for it in items]
    rationale: list[str] = []

    # --- secondary mutations -------------------------------------------------
    secondaries: list[SecondaryRegion] = []
    for it in kin:
        if it.out.role == "secondary" and it.exon is not None:
            region: SecondaryRegion = it.exon.secondary_region or "other"
            secondaries.append(region)
            result.secondary_mutations.append(
                SecondaryMutation(
                    gene=it.variant.gene,
                    hgvs_p=it.out.hgvs_p,
                    exon=it.exon.exon,
                    region=region,
                    source=it.variant.source.value,
                    date=it.variant.date,
                    hotspots=it.out.hotspots,
                )
            )

    # --- KIT/PDGFRA primary driver -------------------------------------------
    primaries = [it for it in kin if it.out.role == "primary" and it.exon is not None]
    preferred = [it for it in primaries if it.exon and it.exon.primary_region] or primaries
    driver_class: GenotypeClass | None = None
    drivers: list[_Item] = []
    missing_codon = False
    if preferred:
        classes: dict[GenotypeClass, list[_Item]] = {}
        for it in preferred:
            hs_cls = next((h.genotype_class for h in it.hotspots if h.genotype_class), None)
            assert it.exon is not None
            exon_cls = it.exon.primary_class
            if it.change.level == "exon" and it.exon.exon_level_class is not None:
                exon_cls = it.exon.exon_level_class
                note = it.exon.exon_level_note
                rationale.append(note[:1].upper() + note[1:] + ".")
                missing_codon = True
            classes.setdefault(hs_cls or exon_cls, []).append(it)
        if len(classes) == 1:
            driver_class, drivers = next(iter(classes.items()))
        else:
            driver_class = rules.kinase.discordant_primary_class
            rationale.append(
                "More than one candidate primary driver ("
                + ", ".join(sorted(classes))
                + "): review the reports; not classified."
            )
    co_regions: list[SecondaryRegion] = []
    for it in primaries:
        if it not in drivers and it.exon is not None and it.exon.secondary_region:
            co_regions.append(it.exon.secondary_region)
            rationale.append(
                f"{it.variant.gene} {it.out.hgvs_p or it.variant.hgvs_p} (exon {it.exon.exon}) "
                "co-occurs with the driver before TKI; counted for drug sensitivity."
            )

    unresolved_kin = [it for it in kin if not it.out.classified or it.out.role == "unknown"]
    kin_tested = kinase_genes & tested
    if drivers or driver_class:
        result.kit_pdgfra_status = "mutant"
    elif unresolved_kin:
        result.kit_pdgfra_status = "unresolved"
    elif kin_tested == kinase_genes:
        result.kit_pdgfra_status = "wild_type"
    elif kin_tested:
        result.kit_pdgfra_status = "unresolved"
    else:
        result.kit_pdgfra_status = "not_tested"

    # --- other drivers (priority order) -------------------------------------
    other_hits: list[tuple[int, str, GenotypeClass, list[str], bool]] = []
    sdhb_note = ""
    for d in sorted(rules.other_drivers, key=lambda d: d.priority):
        hit = False
        if d.sdhb_ihc_lost and sdhb == "lost":
            hit = True
        for it in items:
            if it.variant.gene not in d.genes:
                continue
            if d.hotspot is not None:
                if it.usable and any(h.id == d.hotspot for h in it.hotspots):
                    hit = True
                    it.out.role = "primary"
            elif it.usable or not it.change.ok:
                # gene-level driver (SDHx, NF1): a reported variant counts even when its
                # protein change cannot be read (variants are entered as reported pathogenic)
                hit = True
                it.out.role = "primary"
                if not it.change.ok:
                    it.out.classified = True
                    it.out.notes.append(f"counted at gene level ({it.out.reason})")
                    it.out.reason = None
        if d.fusion_genes and any(set(f.genes) & set(d.fusion_genes) for f in fusions):
            hit = True
        if hit and d.contradicted_by_sdhb_retained and sdhb == "retained":
            sdhb_note = f"{d.label}: conflicts with SDHB immunohistochemistry retained."
            continue
        if hit:
            other_hits.append(
                (d.priority, d.label, d.genotype_class, d.source_ids, d.germline_testing_advised)
            )

    # --- class ---------------------------------------------------------------
    cls: GenotypeClass
    nothing_tested = not tested and not variants and not fusions and sdhb != "lost"
    wt = rules.wild_type
    class_sources: list[str] = []
    if driver_class is not None:
        cls = driver_class
        if drivers:
            d0 = drivers[0]
            result.primary_driver = f"{d0.variant.gene} {d0.out.hgvs_p or d0.variant.hgvs_p}"
            assert d0.exon is not None
            rationale.insert(
                0,
                f"Primary driver {result.primary_driver} in exon {d0.exon.exon} "
                f"({d0.exon.region_label}); timing {d0.out.timing.replace('_', ' ')}.",
            )
            class_sources = _ids(
                d0.exon.source_ids, *[h.source_ids for h in d0.hotspots if h.genotype_class]
            )
        if other_hits:
            rationale.append(
                "Also reported: " + "; ".join(h[1] for h in other_hits) + " (unexpected with a "
                "KIT/PDGFRA driver; review)."
            )
    elif result.kit_pdgfra_status == "unresolved" and unresolved_kin:
        cls = "unclassified"
        rationale.append(
            "A KIT/PDGFRA variant was reported but could not be placed as a primary driver; "
            "see the variant notes."
        )
        if any(not it.out.classified for it in unresolved_kin):
            result.missing_tests.append("codon_level_result")
        if (
            any(it.out.classified and it.variant.date is None for it in unresolved_kin)
            and tki_lines
        ):
            result.missing_tests.append("variant_date")
    elif other_hits:
        first = other_hits[0]
        cls = first[2]
        class_sources = list(first[3])
        rationale.append(f"No KIT/PDGFRA driver; {first[1]}.")
        if len(other_hits) > 1:
            rationale.append("Also: " + "; ".join(h[1] for h in other_hits[1:]) + ".")
        result.germline_testing_advised = first[4]
        if result.kit_pdgfra_status != "wild_type":
            for g in rules.kinase.genes:
                if g not in tested:
                    result.suggested_tests.append(g)
    elif nothing_tested:
        cls = "not_tested"
        rationale.append("No molecular testing reported.")
        result.missing_tests.extend(rules.kinase.genes)
        if sdhb == "retained":
            rationale.append("SDHB immunohistochemistry retained.")
    else:
        missing = [g for g in wt.required_negative if g not in tested]
        if sdhb != wt.sdhb_ihc_required:
            missing.append("SDHB_IHC")
        checked = set(wt.required_negative) | set(wt.negative_if_tested)
        checked |= set(wt.not_class_defining_genes)
        positives = sorted(
            {
                it.variant.gene
                for it in items
                if it.variant.gene in checked and (it.usable or not it.change.ok)
            }
            | {g for f in fusions for g in f.genes if g in checked}
        )
        class_sources = list(wt.source_ids)
        if positives:
            cls = "unclassified"
            rationale.append(
                "KIT/PDGFRA wild type with an alteration in "
                + ", ".join(positives)
                + ", which has no genotype class here."
            )
        elif sdhb_note:
            cls = "unclassified"
            rationale.append(sdhb_note)
        elif not missing:
            cls = "quadruple_wild_type"
            extra = (
                ", other genes negative where tested" if tested & set(wt.negative_if_tested) else ""
            )
            rationale.append(
                f"KIT, PDGFRA and BRAF negative{extra}, SDHB retained: quadruple wild type."
            )
        else:
            cls = "unclassified"
            neg = sorted(g for g in wt.required_negative if g in tested)
            rationale.append(
                ("Negative for " + ", ".join(neg) + "; " if neg else "")
                + "quadruple wild type cannot be called without "
                + ", ".join(missing)
                + "."
            )
            result.missing_tests.extend(missing)
        for g in wt.further_tests:
            covered = g in tested or (g == "NTRK_fusion" and tested & {"NTRK1", "NTRK2", "NTRK3"})
            if not covered and g not in result.missing_tests:
                result.suggested_tests.append(g)
    if sdhb_note and cls != "unclassified":
        rationale.append(sdhb_note)

    if missing_codon and cls == "unclassified":
        result.missing_tests.append("codon_level_result")
    result.genotype_class = cls
    result.class_source_ids = class_sources
    if not result.secondary_mutations and tki_lines and cls.startswith(("KIT", "PDGFRA")):
        rationale.append("No acquired (secondary) KIT/PDGFRA mutation reported.")
    elif result.secondary_mutations:
        rationale.append(
            "Acquired: "
            + ", ".join(
                f"{s.gene} {s.hgvs_p or '?'} ({s.region})" for s in result.secondary_mutations
            )
            + "."
        )

    combine_sensitivity(result, t, secondaries + co_regions)
    for it in drivers:
        for r in _remarks(t, it, cls):
            if all(r.text != x.text for x in result.remarks):
                result.remarks.append(r)
    result.warnings = warnings
    result.rationale = " ".join(rationale)
    return result


def _remarks(t: Tables, it: _Item, cls: str) -> list[CitedRemark]:
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
