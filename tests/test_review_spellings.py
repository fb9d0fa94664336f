"""Clinical review: equivalent spellings give the same answer (docs/review.md, R-01..R-03).

Source of the expected answers: reference/guidelines.md MF-01, MF-02, MF-03, PR-01..PR-04
and TX-04; the point here is invariance under spelling, the rules are tested elsewhere."""

from __future__ import annotations

import pytest

from gistcds.knowledge import KnowledgeBase
from review_helpers import codes, doses, line, metastatic, mol, rule_ids, run, top_drugs

KIT11_SPELLINGS = [
    "p.W557_K558del",
    "p.Trp557_Lys558del",
    "W557_K558del",
    "KIT exon 11 deletion",
    "exon 11 deletion",
    "c.1669_1674del (p.W557_K558del)",
]
D842V_SPELLINGS = ["D842V", "p.Asp842Val", "p.D842V", "PDGFRA exon 18 D842V"]
KIT9_SPELLINGS = ["A502_Y503dup", "p.Ala502_Tyr503dup", "exon 9 duplication"]


@pytest.mark.parametrize("spelling", KIT11_SPELLINGS)
def test_kit_exon11_spellings_first_line_imatinib_400(spelling: str, kb: KnowledgeBase) -> None:
    a = run(metastatic(molecular=mol(("KIT", spelling))), kb)
    assert a.genotype is not None and a.genotype.genotype_class == "KIT_exon11"
    assert top_drugs(a) == {"imatinib"} and ("imatinib", 400) in doses(a, 1)


@pytest.mark.parametrize("spelling", D842V_SPELLINGS)
def test_d842v_spellings_avapritinib_never_imatinib(spelling: str, kb: KnowledgeBase) -> None:
    a = run(metastatic(molecular=mol(("PDGFRA", spelling))), kb)
    assert a.genotype is not None and a.genotype.genotype_class == "PDGFRA_D842V"
    assert top_drugs(a) == {"avapritinib"}
    assert not {"imatinib", "sunitinib", "regorafenib"} & {d for d, _ in doses(a)}


@pytest.mark.parametrize("spelling", KIT9_SPELLINGS)
def test_kit_exon9_spellings_800(spelling: str, kb: KnowledgeBase) -> None:
    a = run(metastatic(molecular=mol(("KIT", spelling))), kb)
    assert a.genotype is not None and a.genotype.genotype_class == "KIT_exon9"
    assert ("imatinib", 800) in doses(a, 1)


def test_lower_case_gene_names(kb: KnowledgeBase) -> None:
    a = run(metastatic(molecular=mol(("kit", "W557_K558del"), genes=("kit", "pdgfra"))), kb)
    assert a.genotype is not None and a.genotype.genotype_class == "KIT_exon11"


BRANDS = {
    "imatinib": [
        "Imatinib",
        "Gleevec",
        "Glivec",
        "imatinib mesylate",
        "STI571",
        "STI-571",
        "Imatinib 400 mg daily",
    ],
    "sunitinib": ["Sutent", "SUNITINIB", "Sutent 50mg"],
    "regorafenib": ["Stivarga"],
    "ripretinib": ["Qinlock"],
    "avapritinib": ["Ayvakit", "Ayvakyt"],
}


@pytest.mark.parametrize(("inn", "name"), [(k, v) for k, vs in BRANDS.items() for v in vs])
def test_brand_names_read_as_the_inn(inn: str, name: str, kb: KnowledgeBase) -> None:
    """R-02: a brand name must give the same line history as the INN, for every engine."""
    history = {
        "imatinib": [],
        "sunitinib": ["imatinib"],
        "regorafenib": ["imatinib", "sunitinib"],
        "ripretinib": ["imatinib", "sunitinib", "regorafenib"],
        "avapritinib": [],
    }[inn]
    dose = {"imatinib": 400, "sunitinib": 50, "regorafenib": 160, "ripretinib": 150}
    geno = mol(("PDGFRA", "D842V")) if inn == "avapritinib" else mol(("KIT", "W557_K558del"))
    before = [line(d, dose[d]) for d in history]
    last_dose = dose.get(inn, 300)
    branded = run(metastatic(molecular=geno, therapy_lines=[*before, line(name, last_dose)]), kb)
    plain = run(metastatic(molecular=geno, therapy_lines=[*before, line(inn, last_dose)]), kb)
    assert rule_ids(branded) == rule_ids(plain)
    assert doses(branded) == doses(plain)
    assert "unknown_drug_name" not in codes(branded)
    assert (branded.prognosis is None) == (plain.prognosis is None)


def test_brand_name_times_ctdna_variant_after_tki(kb: KnowledgeBase) -> None:
    """The genotype engine times a ctDNA variant by the TKI start: Gleevec counts as one."""
    variants = mol(
        ("KIT", "p.W557_K558del"),
        {"gene": "KIT", "hgvs_p": "N822K", "source": "ctdna", "date": "2025-01-01"},
    )
    lines = [line("Gleevec", 400, start="2023-01-01", end="2024-12-01")]
    a = run(metastatic(molecular=variants, therapy_lines=lines), kb)
    assert a.genotype is not None
    assert [s.region for s in a.genotype.secondary_mutations] == ["KIT_activation_loop"]


def test_unknown_drug_name_is_flagged_with_its_line(kb: KnowledgeBase) -> None:
    a = run(
        metastatic(molecular=mol(("KIT", "W557_K558del")), therapy_lines=[line("foo", 400)]), kb
    )
    msgs = [c.message for c in a.cautions if c.code == "unknown_drug_name"]
    assert msgs and 'therapy line 1: "foo"' in msgs[0]


def test_known_other_agents_are_not_flagged(kb: KnowledgeBase) -> None:
    lines = [line("imatinib", 400), line("nilotinib", 800), line("Nexavar", 800)]
    a = run(metastatic(molecular=mol(("KIT", "W557_K558del")), therapy_lines=lines), kb)
    assert "unknown_drug_name" not in codes(a)


@pytest.mark.parametrize(
    ("med", "code"),
    [
        ("Rifampin", "cyp3a4_inducer_imatinib"),
        ("rifampicin 600 mg daily", "cyp3a4_inducer_imatinib"),
        ("St. John's Wort", "cyp3a4_inducer_imatinib"),
        ("St Johns wort", "cyp3a4_inducer_imatinib"),
        ("clarithromycin 500 mg", "cyp3a4_inhibitor_imatinib"),
        ("Ketoconazole", "cyp3a4_inhibitor_imatinib"),
        ("carbamazepine (Tegretol)", "cyp3a4_inducer_imatinib"),
    ],
)
def test_comedication_spellings(med: str, code: str, kb: KnowledgeBase) -> None:
    a = run(metastatic(molecular=mol(("KIT", "W557_K558del")), comedications=[med]), kb)
    assert code in codes(a)


@pytest.mark.parametrize(
    ("gene", "spelling", "cls"),
    [
        ("KIT", "p.W557_K558delWK", "KIT_exon11"),
        ("KIT", "p.Trp557_Lys558delTrpLys", "KIT_exon11"),
        ("KIT", "p.A502_Y503dupAY", "KIT_exon9"),
        ("PDGFRA", "p.D842_H845delDIMH", "PDGFRA_exon18_other"),
        ("KIT", "p.(Trp557_Lys558del)", "KIT_exon11"),
        ("PDGFRA", "c.2525A>T (p.D842V)", "PDGFRA_D842V"),
    ],
)
def test_legacy_and_predicted_hgvs_spellings(
    gene: str, spelling: str, cls: str, kb: KnowledgeBase
) -> None:
    """R-19: old-style deletions that repeat the deleted residues ("delWK") are common in
    reports; they used to fall to 'unclassified' and a request to genotype again."""
    a = run(metastatic(molecular=mol((gene, spelling))), kb)
    assert a.genotype is not None and a.genotype.genotype_class == cls


def test_legacy_residues_must_match_the_range(kb: KnowledgeBase) -> None:
    a = run(metastatic(molecular=mol(("KIT", "p.W557_K558delAA"))), kb)
    assert a.genotype is not None and a.genotype.genotype_class == "unclassified"


@pytest.mark.parametrize("gene", ["c-KIT", "C-KIT", "CD117"])
def test_kit_gene_aliases_are_kit(gene: str, kb: KnowledgeBase) -> None:
    """R-20: a variant reported under "c-KIT" made KIT/PDGFRA look tested negative, so the
    wild-type work-up (SDHB...) was proposed for a KIT exon 11 GIST."""
    a = run(metastatic(molecular=mol((gene, "W557_K558del"))), kb)
    assert a.genotype is not None and a.genotype.genotype_class == "KIT_exon11"
    assert top_drugs(a) == {"imatinib"}
