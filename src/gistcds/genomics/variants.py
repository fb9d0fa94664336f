"""Reading one reported variant: parse, renumber, check residues, place by codon, and say
whether it can be a driver at all. No decision across variants is taken here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from gistcds.domain.patient import Variant
from gistcds.domain.results.genotype import InterpretedVariant
from gistcds.genomics.parse import ProteinChange, parse_protein_change
from gistcds.genomics.tables import GeneMap, Tables, hotspot_matches
from gistcds.knowledge.schema import genomics_genes as G

__all__ = ["Item", "read_variant", "timing"]

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
class Item:
    """One reported variant during interpretation."""

    variant: Variant
    change: ProteinChange
    out: InterpretedVariant
    exon: G.Exon | None = None
    hotspots: list[G.Hotspot] = field(default_factory=list)
    usable: bool = False  # a classified change that can be a driver, with a known exon


def timing(v: Variant, first_tki: dt.date | None, tki_given: bool) -> str:
    """Whether the sample predates the first TKI (module docstring of engine)."""
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


def _refuse(item: Item, reason: str) -> Item:
    item.out.classified, item.out.reason = False, reason
    return item


def _cdna_hint(ch: ProteinChange, gmap: GeneMap | None) -> str:
    """Where a c. range lies on the canonical transcript (help only; never classified)."""
    if ch.cdna_range is None or gmap is None or ch.accession not in (None, gmap.gene.transcript):
        return ""
    a, b = ch.cdna_range
    if a < 1 or b < a:
        return ""
    first, last = (a + 2) // 3, (b + 2) // 3
    exon, _ = gmap.interval_exon(first, last)
    where = f"exon {exon.exon}" if exon else "outside the coding exons"
    span = f"codon {first}" if first == last else f"codons {first}-{last}"
    return f" ({ch.nucleotide} lies in {span}, {where}, of {gmap.gene.transcript})"


def _renumber(item: Item, t: Tables) -> bool:
    """Canonical numbering (isoform shift, HGVS 3' alias); False when the accession is wrong."""
    v, ch, notes = item.variant, item.change, item.out.notes
    gmap = t.genes.get(v.gene)
    if ch.accession:
        owner = t.accession_gene.get(ch.accession)
        if owner is not None and owner != v.gene:
            _refuse(item, f"accession {ch.accession} belongs to {owner}, not {v.gene}")
            return False
        protein = gmap.gene.protein if gmap is not None else v.gene
        for iso in gmap.gene.alt_isoforms if gmap is not None else []:
            if ch.accession in {a.upper() for a in iso.accessions}:
                ch = ch.shifted(iso.shift_after, iso.shift)
                notes.append(f"renumbered from {ch.accession} to {protein}: {iso.note}")
    if ch.posedit is not None and (v.gene, ch.posedit) in t.aliases:
        canon = t.aliases[(v.gene, ch.posedit)]
        notes.append(f"{ch.posedit} is written {canon.posedit} in HGVS (3' rule)")
        ch = canon if not ch.uncertain else ProteinChange(**{**canon.__dict__, "uncertain": True})
    item.change = ch
    return True


def _residues_agree(item: Item, t: Tables) -> bool:
    ch, gene = item.change, item.variant.gene
    known = t.residues.get(gene, {})
    for pos, aa in ((ch.start, ch.start_aa), (ch.end, ch.end_aa)):
        if aa and pos in known and known[pos] != aa:
            _refuse(
                item,
                f"{gene} residue {pos} is {known[pos]} on the reference protein, the report "
                f"says {aa}: check the numbering (isoform?) or spelling",
            )
            return False
    return True


def _place(item: Item, gmap: GeneMap, t: Tables) -> G.Exon | None:
    """The exon of a change by codon (or as stated for an exon-level report)."""
    ch, gene, out = item.change, gmap.gene, item.out
    if ch.level == "codon" and ch.start is not None and ch.end is not None:
        if ch.end > gene.protein_length:
            length = gene.protein_length
            _refuse(item, f"codon {ch.end} is beyond {gene.symbol} ({length} residues)")
            return None
        exon, spanned = gmap.interval_exon(ch.start, ch.end)
        out.exons_spanned = spanned
        limit = t.rules.kinase.span_limit
        if len(spanned) > limit.max_exons:
            _refuse(
                item,
                f"codons {ch.start}-{ch.end} span exons {spanned[0]}-{spanned[-1]} of "
                f"{gene.symbol} ({ch.end - ch.start + 1} codons): {limit.text}",
            )
            return None
        if ch.stated_exon is not None and ch.stated_exon not in spanned:
            out.notes.append(
                f"report names exon {ch.stated_exon}; by codon the change is in exon "
                f"{exon.exon if exon else '?'} (mapped by codon)"
            )
    elif ch.level == "exon" and ch.stated_exon is not None:
        exon = gmap.by_number.get(ch.stated_exon)
        if exon is None:
            _refuse(item, f"{gene.symbol} has no coding exon {ch.stated_exon}")
            return None
        out.notes.append("exon-level report: codons not given")
    else:
        _refuse(item, "no position or exon given")
        return None
    if exon is None:
        _refuse(item, "position is outside the coding exons")
    return exon


def read_variant(v: Variant, t: Tables, when: str) -> Item:
    """One variant as understood, with the reason whenever it cannot be placed."""
    ch = parse_protein_change(v.hgvs_p)
    out = InterpretedVariant(
        gene=v.gene, input=v.hgvs_p, source=v.source.value, date=v.date, timing=when
    )
    item = Item(variant=v, change=ch, out=out)
    out.notes = list(ch.notes)
    gmap = t.genes.get(v.gene)
    if not ch.ok:
        return _refuse(item, f"{ch.reason}{_cdna_hint(ch, gmap)}")
    if not _renumber(item, t):
        return item
    ch = item.change
    out.hgvs_p, out.consequence = ch.hgvs_p, _consequence(ch)
    out.codon_start, out.codon_end = ch.start, ch.end
    if not _residues_agree(item, t):
        return item
    if gmap is None:  # not an exon-mapped gene: hotspots (BRAF V600E) still apply
        item.hotspots = hotspot_matches(t, v.gene, ch)
        out.hotspots = [h.id for h in item.hotspots]
        item.usable = ch.edit != "identity"
        return item
    exon = _place(item, gmap, t)
    if exon is None:
        return item
    item.exon = exon
    item.hotspots = hotspot_matches(t, v.gene, ch)
    out.exon, out.region, out.region_label = exon.exon, exon.region, exon.region_label
    out.hotspots = [h.id for h in item.hotspots]
    if ch.edit == "identity":
        out.reason = "synonymous change: not a driver"
        return item
    not_driver = t.rules.kinase.not_drivers
    if v.gene in t.rules.kinase.genes and out.consequence in not_driver.consequences:
        out.role, out.reason = "not_a_driver", f"{out.consequence}: {not_driver.text}"
        return item
    item.usable = True
    return item
