"""The genomics knowledge-base tables with the lookups the engine needs (built once per KB).

Codon-to-exon mapping is computed from each exon's coding-nucleotide range: a codon
belongs to the exon that holds at least two of its three bases, so split codons (KIT 514,
592; PDGFRA 596 ...) get one exon. An interval spanning exons goes to the exon with most of
its codons; a tie goes to a primary-driver exon, then the lower exon number (a KIT deletion
reaching codon 592 stays an exon 11 event).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from gistcds.genomics.parse import ProteinChange, parse_protein_change
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema import evidence_levels as L
from gistcds.knowledge.schema import genomics_genes as G
from gistcds.knowledge.schema import genomics_rules as R
from gistcds.knowledge.schema import genomics_sensitivity as S
from gistcds.knowledge.schema import genomics_variants as V
from gistcds.knowledge.schema import therapy_drugs


@dataclass
class GeneMap:
    """One gene's exons with a codon -> exon index."""

    gene: G.Gene
    by_number: dict[int, G.Exon] = field(default_factory=dict)
    _codon_cache: dict[int, G.Exon | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_number = {e.exon: e for e in self.gene.exons}

    def codon_exon(self, codon: int) -> G.Exon | None:
        """The exon holding at least two of the codon's three bases."""
        if codon in self._codon_cache:
            return self._codon_cache[codon]
        counts: Counter[int] = Counter()
        for base in range(3 * codon - 2, 3 * codon + 1):
            for e in self.gene.exons:
                if e.c_start <= base <= e.c_end:
                    counts[e.exon] += 1
                    break
        best = max(counts.items(), key=lambda kv: kv[1], default=None)
        exon = self.by_number[best[0]] if best and best[1] >= 2 else None
        self._codon_cache[codon] = exon
        return exon

    def interval_exon(self, start: int, end: int) -> tuple[G.Exon | None, list[int]]:
        """The exon an interval of codons is assigned to, and every exon it touches."""
        last = min(end, self.gene.protein_length)
        counts: Counter[int] = Counter()
        for codon in range(start, last + 1):
            e = self.codon_exon(codon)
            if e is not None:
                counts[e.exon] += 1
        if not counts:
            return None, []
        spanned = sorted(counts)

        def rank(n: int) -> tuple[int, int, int]:
            return (-counts[n], 0 if self.by_number[n].primary_region else 1, n)

        return self.by_number[min(counts, key=rank)], spanned


@dataclass
class Tables:
    genes: dict[str, GeneMap]
    hotspots: list[G.Hotspot]
    aliases: dict[tuple[str, str], ProteinChange]
    residues: dict[str, dict[int, str]]
    accession_gene: dict[str, str]
    rules: R.Table
    sens: S.Table
    variants: V.Table
    levels: L.Table
    tki_drugs: frozenset[str]
    rated_drugs: tuple[str, ...]


def tables(kb: KnowledgeBase) -> Tables:
    """The genomics tables of ``kb`` with their indexes, built once per knowledge base."""
    return kb.memo(_build)


def _aliases(kb: KnowledgeBase) -> dict[tuple[str, str], ProteinChange]:
    aliases: dict[tuple[str, str], ProteinChange] = {}
    for a in kb.get(G.Table).aliases:
        alias, canon = parse_protein_change(a.alias), parse_protein_change(a.canonical)
        if alias.posedit and canon.ok:
            aliases[(a.gene, alias.posedit)] = canon
    return aliases


def _build(kb: KnowledgeBase) -> Tables:
    genes_t = kb.get(G.Table)
    # Parsing the aliases needs the hgvs parser (~0.1 s to build); they are kept with the
    # precompiled knowledge base, so a patient whose variants need no parsing never builds it.
    aliases = kb.stored(
        "genomics_aliases",
        _aliases,
        modules=("gistcds.genomics.parse", "gistcds.genomics.simple_hgvs"),
        packages=("hgvs",),
    )
    residues: dict[str, dict[int, str]] = {}
    for h in genes_t.hotspots:
        residues.setdefault(h.gene, {}).update(h.ref_residues)
    accession_gene: dict[str, str] = {}
    for g in genes_t.genes:
        for acc in g.accessions:
            accession_gene[acc.upper()] = g.symbol
        for iso in g.alt_isoforms:
            for acc in iso.accessions:
                accession_gene[acc.upper()] = g.symbol
    rules = kb.get(R.Table)
    drugs = kb.get(therapy_drugs.Table)
    return Tables(
        genes={g.symbol: GeneMap(g) for g in genes_t.genes},
        hotspots=list(genes_t.hotspots),
        aliases=aliases,
        residues=residues,
        accession_gene=accession_gene,
        rules=rules,
        sens=kb.get(S.Table),
        tki_drugs=frozenset(drugs.with_class(rules.timing.tki_class)),
        rated_drugs=tuple(drugs.with_class("gist_tki")),
        variants=kb.get(V.Table),
        levels=kb.get(L.Table),
    )


def variant_call(t: Tables, gene: str, ch: ProteinChange) -> V.VariantCall | None:
    """The first variant-level call matching a codon-level change (exact before patterns)."""
    if ch.start is None or ch.end is None or ch.level != "codon":
        return None
    for call in t.variants.calls:
        m = call.match
        if m.gene != gene or ch.edit not in m.edits:
            continue
        if m.match == "exact":
            if (ch.start, ch.end) == (m.start, m.end) and (m.alt is None or ch.alt == m.alt):
                return call
        elif ch.start <= m.end and ch.end >= m.start and ch.alt not in m.alt_not:
            return call
    return None


def hotspot_matches(t: Tables, gene: str, ch: ProteinChange) -> list[G.Hotspot]:
    """Named hotspots a codon-level change matches."""
    if ch.start is None or ch.end is None:
        return []
    out = []
    for h in t.hotspots:
        if h.gene != gene or (h.edits and ch.edit not in h.edits):
            continue
        if h.match == "exact":
            if ch.start == h.start and ch.end == h.end and (h.alt is None or ch.alt == h.alt):
                out.append(h)
        elif ch.start <= h.end and ch.end >= h.start:
            out.append(h)
    return out
