"""Variant spellings -> gene, exon, region, genotype class (reference: genomics.md §1-2, §7;
exon table from the SpliceAI/GENCODE annotation, source jaganathan2019; HGVS rules,
dendunnen2016). Each row is one report as a pathologist or a lab might write it."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import TODAY
from gistcds.domain.patient import Patient
from gistcds.genomics import interpret_genotype

KIT11 = ("KIT_exon11", 11, "KIT_juxtamembrane")
KIT9 = ("KIT_exon9", 9, "KIT_extracellular_Ig5")
KIT13 = ("KIT_exon13", 13, "KIT_ATP_pocket")
KIT17 = ("KIT_exon17", 17, "KIT_activation_loop")
P18V = ("PDGFRA_D842V", 18, "PDGFRA_activation_loop")
P18 = ("PDGFRA_exon18_other", 18, "PDGFRA_activation_loop")
P12 = ("PDGFRA_exon12", 12, "PDGFRA_juxtamembrane")
P14 = ("PDGFRA_exon14", 14, "PDGFRA_ATP_region")

# (gene, as reported, (class, exon, region), normalised HGVS or None)
ROWS: list[tuple[str, str, tuple[str, int | None, str | None], str | None]] = [
    ("KIT", "p.W557_K558del", KIT11, "p.Trp557_Lys558del"),
    ("KIT", "p.Trp557_Lys558del", KIT11, "p.Trp557_Lys558del"),
    ("KIT", "W557_K558del", KIT11, "p.Trp557_Lys558del"),
    ("KIT", "Trp557_Lys558del", KIT11, "p.Trp557_Lys558del"),
    ("KIT", "p.(W557_K558del)", KIT11, "p.(Trp557_Lys558del)"),
    ("KIT", "NP_000213.1:p.Trp557_Lys558del", KIT11, "p.Trp557_Lys558del"),
    ("KIT", "KIT:p.W557_K558del", KIT11, "p.Trp557_Lys558del"),
    ("KIT", "trp557_lys558del", KIT11, "p.Trp557_Lys558del"),
    ("KIT", "w557_k558del", KIT11, "p.Trp557_Lys558del"),
    ("KIT", "del WK557-558", KIT11, "p.Trp557_Lys558del"),
    ("KIT", "WK557-558del", KIT11, "p.Trp557_Lys558del"),
    ("KIT", "Δ557-558", KIT11, None),
    ("KIT", "exon 11 deletion", KIT11, None),
    ("KIT", "exon 11 mutation", KIT11, None),
    ("KIT", "Exon 11 del 557-558", KIT11, None),
    ("KIT", "c.1669_1674del (p.W557_K558del)", KIT11, "p.Trp557_Lys558del"),
    ("KIT", "KIT exon 11 p.W557_K558del", KIT11, "p.Trp557_Lys558del"),
    ("KIT", "p.V559D", KIT11, "p.Val559Asp"),
    ("KIT", "V560D", KIT11, "p.Val560Asp"),
    ("KIT", "p.Val560Asp", KIT11, "p.Val560Asp"),
    ("KIT", "p.L576P", KIT11, "p.Leu576Pro"),
    ("KIT", "p.V559del", KIT11, "p.Val560del"),
    ("KIT", "p.V559-", KIT11, "p.Val560del"),
    ("KIT", "V559-", KIT11, "p.Val560del"),
    ("KIT", "p.V560del", KIT11, "p.Val560del"),
    ("KIT", "p.K558delinsNP", KIT11, "p.Lys558delinsAsnPro"),
    ("KIT", "p.Lys558delinsAsnPro", KIT11, "p.Lys558delinsAsnPro"),
    ("KIT", "p.W557R", KIT11, "p.Trp557Arg"),
    ("KIT", "p.E554_K558del", KIT11, "p.Glu554_Lys558del"),
    ("KIT", "p.P551_V555del", KIT11, "p.Pro551_Val555del"),
    ("KIT", "p.Q556_K558delinsH", KIT11, "p.Gln556_Lys558delinsHis"),
    ("KIT", "p.W557_V559delinsF", KIT11, "p.Trp557_Val559delinsPhe"),
    ("KIT", "exon 11 ITD", KIT11, None),
    ("KIT", "T574insTQLPYD", KIT11, "p.Thr574insThrGlnLeuProTyrAsp"),
    ("KIT", "p.P577_W582delinsPYD", KIT11, "p.His580_Trp582del"),
    ("KIT", "exon 11 point mutation", KIT11, None),
    ("KIT", "p.V555_V559del", KIT11, "p.Gln556_Val560del"),
    ("KIT", "p.D579del", KIT11, "p.Asp579del"),
    ("KIT", "intron 10/exon 11 junction deletion", KIT11, None),
    ("KIT", "p.M552_W557del", KIT11, "p.Met552_Trp557del"),
    ("KIT", "p.Y553_Q556del", KIT11, "p.Tyr553_Gln556del"),
    ("KIT", "p.Y578_D579insQLPY", KIT11, "p.Tyr578_Asp579insGlnLeuProTyr"),
    ("KIT", "p.(Trp557Gly)", KIT11, "p.(Trp557Gly)"),
    ("KIT", "p.Y591_K592delinsY", KIT11, "p.Tyr591_Lys592delinsTyr"),
    ("KIT", "exon 11 deletion p.557_558del", KIT11, None),
    ("KIT", "KIT: exon 11, p.W557_K558del (c.1669_1674delTGGAAG)", KIT11, "p.Trp557_Lys558del"),
    ("KIT", "p.A502_Y503dup", KIT9, "p.Ala502_Tyr503dup"),
    ("KIT", "p.Ala502_Tyr503dup", KIT9, "p.Ala502_Tyr503dup"),
    ("KIT", "A502_Y503dup", KIT9, "p.Ala502_Tyr503dup"),
    ("KIT", "KIT exon 9 AY502-503 duplication", KIT9, "p.Ala502_Tyr503dup"),
    ("KIT", "AY502-503 ins", KIT9, "p.Ala502_Tyr503dup"),
    ("KIT", "p.A502_Y503insYA", KIT9, "p.Ala502_Tyr503dup"),
    ("KIT", "p.Y503_F504insAY", KIT9, "p.Ala502_Tyr503dup"),
    ("KIT", "exon 9 insertion", KIT9, None),
    ("KIT", "p.S501_A502dup", KIT9, "p.Ser501_Ala502dup"),
    ("KIT", "exon 9 mutation", KIT9, None),
    ("KIT", "ex9 dup", KIT9, None),
    ("KIT", "p.K642E", KIT13, "p.Lys642Glu"),
    ("KIT", "Lys642Glu", KIT13, "p.Lys642Glu"),
    ("KIT", "p.V654A", KIT13, "p.Val654Ala"),
    ("KIT", "p.N822K", KIT17, "p.Asn822Lys"),
    ("KIT", "N822Y", KIT17, "p.Asn822Tyr"),
    ("KIT", "p.D820Y", KIT17, "p.Asp820Tyr"),
    ("KIT", "p.Y823D", KIT17, "p.Tyr823Asp"),
    ("KIT", "p.D816V", KIT17, "p.Asp816Val"),
    ("KIT", "D816H", KIT17, "p.Asp816His"),
    ("KIT", "exon 17 N822K", KIT17, "p.Asn822Lys"),
    ("KIT", "p.T670I", ("KIT_other", 14, "KIT_ATP_pocket"), "p.Thr670Ile"),
    ("KIT", "p.N680K", ("KIT_other", 14, "KIT_ATP_pocket"), "p.Asn680Lys"),
    ("KIT", "p.A829P", ("KIT_other", 18, "KIT_activation_loop"), "p.Ala829Pro"),
    ("KIT", "p.D419del", ("KIT_other", 8, "KIT_extracellular_Ig5"), "p.Asp419del"),
    ("KIT", "exon 8 deletion", ("KIT_other", 8, "KIT_extracellular_Ig5"), None),
    ("KIT", "p.M541L", ("KIT_other", 10, "KIT_transmembrane"), "p.Met541Leu"),
    ("KIT", "NP_001087241.1:p.Trp553_Lys554del", KIT11, "p.Trp557_Lys558del"),
    ("PDGFRA", "p.D842V", P18V, "p.Asp842Val"),
    ("PDGFRA", "D842V", P18V, "p.Asp842Val"),
    ("PDGFRA", "p.Asp842Val", P18V, "p.Asp842Val"),
    ("PDGFRA", "exon 18 D842V", P18V, "p.Asp842Val"),
    ("PDGFRA", "NM_006206.4:p.D842V", P18V, "p.Asp842Val"),
    ("PDGFRA", "asp842val", P18V, "p.Asp842Val"),
    ("PDGFRA", "p.D842_H845del", P18, "p.Ile843_Asp846del"),
    ("PDGFRA", "p.I843_D846del", P18, "p.Ile843_Asp846del"),
    ("PDGFRA", "p.D842Y", P18, "p.Asp842Tyr"),
    ("PDGFRA", "p.D842_I843delinsIM", P18V, "p.Asp842_Ile843delinsIleMet"),
    ("PDGFRA", "DI842-843IM", P18V, "p.Asp842_Ile843delinsIleMet"),
    ("PDGFRA", "p.R841_D842delinsKI", P18V, "p.Arg841_Asp842delinsLysIle"),
    ("PDGFRA", "RD841-842KI", P18V, "p.Arg841_Asp842delinsLysIle"),
    ("PDGFRA", "p.D842I", P18V, "p.Asp842Ile"),
    ("PDGFRA", "p.DIM842-", P18, "p.Asp842_Met844del"),
    ("PDGFRA", "p.RD841-", P18, "p.Arg841_Asp842del"),
    ("PDGFRA", "HDSN845-848P", P18, "p.His845_Asn848delinsPro"),
    ("PDGFRA", "p.D846Y", P18, "p.Asp846Tyr"),
    ("PDGFRA", "exon 18 mutation", ("unclassified", 18, "PDGFRA_activation_loop"), None),
    ("PDGFRA", "p.V561D", P12, "p.Val561Asp"),
    ("PDGFRA", "V561D", P12, "p.Val561Asp"),
    ("PDGFRA", "exon 12 deletion", P12, None),
    ("PDGFRA", "p.S566_E571delinsR", P12, "p.Ser566_Glu571delinsArg"),
    ("PDGFRA", "p.Y555C", P12, "p.Tyr555Cys"),
    ("PDGFRA", "p.N659K", P14, "p.Asn659Lys"),
    ("PDGFRA", "p.Asn659Lys", P14, "p.Asn659Lys"),
    ("PDGFRA", "p.T674I", ("PDGFRA_other", 15, "PDGFRA_kinase"), "p.Thr674Ile"),
    ("PDGFRA", "exon 10 mutation", ("PDGFRA_other", 10, "PDGFRA_extracellular_Ig5"), None),
    ("BRAF", "p.V600E", ("BRAF_V600E", None, None), "p.Val600Glu"),
    ("BRAF", "Val600Glu", ("BRAF_V600E", None, None), "p.Val600Glu"),
    ("BRAF", "V600E", ("BRAF_V600E", None, None), "p.Val600Glu"),
    ("BRAF", "p.V600K", ("unclassified", None, None), "p.Val600Lys"),
    ("SDHB", "p.R46Q", ("SDH_deficient", None, None), "p.Arg46Gln"),
    ("SDHA", "p.R31*", ("SDH_deficient", None, None), "p.Arg31Ter"),
    ("SDHC", "c.214C>T", ("SDH_deficient", None, None), None),
    ("NF1", "p.R1362*", ("NF1", None, None), "p.Arg1362Ter"),
    ("NF1", "p.Y2285fs", ("NF1", None, None), "p.Tyr2285fsTer"),
]


def one_variant(gene: str, text: str, **extra: Any) -> Patient:
    tested = ["KIT", "PDGFRA"] + ([gene] if gene not in ("KIT", "PDGFRA") else [])
    data: dict[str, Any] = {
        "id": "t",
        "molecular": {
            "tested_genes": tested,
            "variants": [{"gene": gene, "hgvs_p": text, "source": "tissue", "date": "2025-01-10"}],
        },
        **extra,
    }
    return Patient.model_validate(data, context={"today": TODAY})


def test_at_least_eighty_spellings() -> None:
    assert len(ROWS) >= 80
    assert len({(g, t) for g, t, _, _ in ROWS}) == len(ROWS)


@pytest.mark.parametrize(("gene", "text", "expected", "hgvs"), ROWS, ids=[r[1] for r in ROWS])
def test_variant_spelling(kb: Any, gene: str, text: str, expected: Any, hgvs: str | None) -> None:
    cls, exon, region = expected
    res = interpret_genotype(one_variant(gene, text), kb)
    assert res is not None
    v = res.variants[0]
    assert v.gene == gene
    assert v.classified, v.reason
    assert v.exon == exon
    assert v.region == region
    assert v.hgvs_p == hgvs
    assert res.genotype_class == cls, res.rationale


UNCLASSIFIED = [
    ("KIT", "p.?", "unknown"),
    ("KIT", "c.1676T>A", "nucleotide"),
    ("KIT", "exon 11 wild-type", "negative"),
    ("KIT", "V654A and D816V", "more than one"),
    ("KIT", "exon 9 and exon 11", "more than one exon"),
    ("KIT", "positive", "not a protein change"),
    ("KIT", "p.W557_K558dell", "not valid"),
    ("KIT", "p.R816V", "residue 816"),
    ("KIT", "p.W1557_K1558del", "beyond"),
    ("KIT", "NM_006206.4:p.D842V", "belongs to pdgfra"),
    ("KIT", "exon 25 deletion", "no coding exon 25"),
    ("KIT", "c.1648-2A>G splice", "nucleotide"),
    ("KIT", "p.W557_K558del; p.V654A", "more than one"),
    ("BRAF", "p.A600E", "residue 600"),
    ("KIT", "c.1669_1674del", "nucleotide"),
    ("KIT", "exon 11 c.1676T>A", "nucleotide"),
    ("KIT", "exon 11 deletion c.1669_1674del", "nucleotide"),
    ("PDGFRA", "c.500_505del", "nucleotide"),
    ("PDGFRA", "311_848del", "span exons 7-18"),
    ("PDGFRA", "p.311_848del", "span exons 7-18"),
]


@pytest.mark.parametrize(("gene", "text", "why"), UNCLASSIFIED, ids=[u[1] for u in UNCLASSIFIED])
def test_unreadable_reports_are_kept_with_reason(kb: Any, gene: str, text: str, why: str) -> None:
    res = interpret_genotype(one_variant(gene, text), kb)
    assert res is not None
    v = res.variants[0]
    assert v.input == text
    assert not v.classified
    assert v.reason is not None and why in v.reason.lower(), v.reason
    assert res.genotype_class == "unclassified"
    assert any(text in w for w in res.warnings)
    if gene in ("KIT", "PDGFRA"):
        assert "codon_level_result" in res.missing_tests


def test_variant_level_resistance_is_part_of_the_genotype_call(kb: Any) -> None:
    """KIT A829P (class KIT_other, imatinib 'unknown' by the exon cell) is OncoKB R2 for
    imatinib and sunitinib (evidence_levels.yaml): the genotype interpretation itself rates
    both resistant, names the level as the deciding source and records the exon-level call."""
    res = interpret_genotype(one_variant("KIT", "p.A829P"), kb)
    assert res is not None and res.genotype_class == "KIT_other"
    assert res.sensitivity.imatinib == "resistant" and res.sensitivity.sunitinib == "resistant"
    assert res.sensitivity.regorafenib == "unknown"
    got = {r.drug: r for r in res.variant_level_resistance}
    assert set(got) == {"imatinib", "sunitinib"}
    assert got["imatinib"].level == "R2" and got["imatinib"].exon_level == "unknown"
    assert res.sensitivity_source_ids["imatinib"] == ["oncokb2026"]
    assert res.sensitivity_notes["imatinib"].startswith("variant-level R2")
    assert res.sensitivity_confidence["imatinib"] == "primary"


def test_no_variant_level_resistance_for_a_class_without_an_r_level(kb: Any) -> None:
    """Control: a KIT exon 11 deletion has level 1 with imatinib, no resistance level; and
    D816V's own resistant call is not repeated as a variant-level resistance."""
    res = interpret_genotype(one_variant("KIT", "p.W557_K558del"), kb)
    assert res is not None and res.variant_level_resistance == []
    assert res.sensitivity.imatinib == "sensitive"
    d816v = interpret_genotype(one_variant("KIT", "p.D816V"), kb)
    assert d816v is not None and d816v.variant_level_resistance == []
