"""The genomics knowledge-base tables: exon map self-consistency and literature cross-checks
(genomics.md §1.1: KIT exon 11 = codons 550-591, exon 17 = 788-828, A829P first codon of exon
18; PDGFRA V561D exon 12, N659K exon 14, D842V exon 18), and every sensitivity cell cited."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest

from gistcds.genomics.tables import tables
from gistcds.knowledge.schema import genomics_genes as G
from gistcds.knowledge.schema import genomics_sensitivity as S
from gistcds.knowledge.schema import therapy_drugs


def gene(kb: Any, symbol: str) -> G.Gene:
    return next(g for g in kb.table("genomics_genes", G.Table).genes if g.symbol == symbol)


@pytest.mark.parametrize("symbol", ["KIT", "PDGFRA"])
def test_exons_are_contiguous_and_codons_follow_from_c_ranges(kb: Any, symbol: str) -> None:
    g = gene(kb, symbol)
    exons = sorted(g.exons, key=lambda e: e.exon)
    for prev, nxt in itertools.pairwise(exons):
        assert nxt.c_start == prev.c_end + 1, (prev.exon, nxt.exon)
    for e in exons:
        assert e.first_codon == max(1, math.ceil(max(e.c_start, 1) / 3)), e.exon
        assert e.last_codon == min(g.protein_length, math.ceil(e.c_end / 3)), e.exon
    assert exons[-1].c_end == 3 * g.protein_length + 3  # ends with the stop codon


@pytest.mark.parametrize(
    ("symbol", "codon", "exon"),
    [
        ("KIT", 449, 8),  # split 8/9: 2 bases in exon 8? checked by majority below
        ("KIT", 502, 9),
        ("KIT", 550, 11),
        ("KIT", 557, 11),
        ("KIT", 591, 11),
        ("KIT", 642, 13),
        ("KIT", 654, 13),
        ("KIT", 670, 14),
        ("KIT", 788, 17),
        ("KIT", 816, 17),
        ("KIT", 828, 17),
        ("KIT", 829, 18),
        ("PDGFRA", 561, 12),
        ("PDGFRA", 659, 14),
        ("PDGFRA", 842, 18),
        ("PDGFRA", 846, 18),
    ],
)
def test_hotspot_codons_fall_in_their_literature_exon(
    kb: Any, symbol: str, codon: int, exon: int
) -> None:
    gm = tables(kb).genes[symbol]
    found = gm.codon_exon(codon)
    if symbol == "KIT" and codon == 449:
        # split codon: it must be assigned to one of the two exons holding its bases
        assert found is not None and found.exon in (8, 9)
        return
    assert found is not None and found.exon == exon


def test_split_codon_592_goes_to_exon_12_alone_but_to_11_in_a_deletion(kb: Any) -> None:
    gm = tables(kb).genes["KIT"]
    e592 = gm.codon_exon(592)
    assert e592 is not None and e592.exon == 12  # 1 base in exon 11, 2 in exon 12
    exon, spanned = gm.interval_exon(591, 592)
    assert exon is not None and exon.exon == 11 and spanned == [11, 12]


def test_every_hotspot_residue_is_one_letter(kb: Any) -> None:
    for h in kb.table("genomics_genes", G.Table).hotspots:
        for aa in h.ref_residues.values():
            assert len(aa) == 1 and aa.isupper()


def test_every_alias_parses_to_its_canonical_form(kb: Any) -> None:
    t = tables(kb)
    assert len(t.aliases) == len(kb.table("genomics_genes", G.Table).aliases)


def test_every_sensitivity_cell_is_traced_to_a_source(kb: Any) -> None:
    table = kb.table("genomics_sensitivity", S.Table)
    rows = {**{f"primary:{k}": v for k, v in table.primary.items()}}
    rows |= {f"secondary:{k}": v for k, v in table.secondary.items()}
    cells = 0
    for key, row in rows.items():
        for drug, cell in row.items():
            assert cell.source_ids, (key, drug)
            for sid in cell.source_ids:
                assert sid in kb.sources, (key, drug, sid)
            assert cell.note, (key, drug)  # every call says what it rests on
            cells += 1
    rated = kb.get(therapy_drugs.Table).with_class("gist_tki")  # the five GIST TKIs
    assert len(rated) == 5 and cells == (17 + 3) * len(rated)


@pytest.mark.parametrize(
    ("row", "drug", "level", "source"),
    [
        # Debiec-Rychter 2006: 2-yr response KIT exon 11 69% vs exon 9 34%
        ("KIT_exon11", "imatinib", "sensitive", "debiecrychter2006"),
        ("KIT_exon9", "imatinib", "intermediate", "debiecrychter2006"),
        # Heinrich 2008 (sunitinib): clinical benefit exon 9 58% vs exon 11 34%
        ("KIT_exon9", "sunitinib", "sensitive", "heinrich2008b"),
        ("KIT_exon11", "sunitinib", "intermediate", "heinrich2008b"),
        # Yoo 2016: D842V ORR 0/5; non-D842V 5/7
        ("PDGFRA_D842V", "imatinib", "resistant", "yoo2016"),
        ("PDGFRA_exon18_other", "imatinib", "sensitive", "yoo2016"),
        # von Mehren 2021: NAVIGATOR D842V vs other TKIs
        ("PDGFRA_D842V", "avapritinib", "sensitive", "vonmehren2021"),
    ],
)
def test_golden_primary_cells(kb: Any, row: str, drug: str, level: str, source: str) -> None:
    cell = kb.get(S.Table).primary[row][drug]
    assert cell.level == level
    assert source in cell.source_ids


@pytest.mark.parametrize(
    ("region", "drug", "level"),
    [
        # INTRIGUE ctDNA (Joensuu 2024 editorial) and Heinrich 2008: 13/14 favours sunitinib
        ("KIT_ATP_pocket", "sunitinib", "sensitive"),
        ("KIT_ATP_pocket", "ripretinib", "intermediate"),
        ("KIT_activation_loop", "sunitinib", "resistant"),
        ("KIT_activation_loop", "ripretinib", "sensitive"),
        # Serrano 2019: regorafenib covers activation-loop mutants
        ("KIT_activation_loop", "regorafenib", "sensitive"),
        ("KIT_ATP_pocket", "imatinib", "resistant"),
    ],
)
def test_golden_secondary_cells(kb: Any, region: str, drug: str, level: str) -> None:
    cell = kb.get(S.Table).secondary[region][drug]
    assert cell.level == level


def test_unknown_cells_listed(kb: Any) -> None:
    """The set of cells the evidence left unknown (reported in docs/genomics.md)."""
    table = kb.table("genomics_sensitivity", S.Table)
    unknown = {
        (k, d)
        for k, row in table.primary.items()
        for d, cell in row.items()
        if cell.level == "unknown"
    }
    assert ("KIT_exon11", "avapritinib") in unknown
    assert ("PDGFRA_D842V", "imatinib") not in unknown
    for cls in ("NTRK_fusion", "quadruple_wild_type", "not_tested"):
        assert all((cls, d) in unknown for d in table.primary[cls])
    # evidence pass 3: NCI PDQ / Blay 2021 read -> imatinib resistant in NF1 and BRAF V600E
    assert ("NF1", "imatinib") not in unknown and ("BRAF_V600E", "imatinib") not in unknown
    assert ("NF1", "sunitinib") in unknown and ("BRAF_V600E", "regorafenib") in unknown
