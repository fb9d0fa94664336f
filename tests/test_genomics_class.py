"""Genotype class, primary vs acquired roles, and combined drug sensitivity.

Rules under test (knowledge base genomics_rules / genomics_sensitivity): acquired KIT
mutations on imatinib sit in the ATP pocket (exons 13/14) or activation loop (17/18)
(joensuu2024, heinrich2008b); INTRIGUE ctDNA: 13/14-only favours sunitinib, 17/18-only
ripretinib (joensuu2024); quadruple wild type needs KIT, PDGFRA, BRAF negative and SDHB
retained (nishida2016, boikos2014)."""

from __future__ import annotations

from typing import Any

from conftest import TODAY
from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import GenotypeResult
from gistcds.genomics import interpret_genotype

IMATINIB_2023 = [{"drug": "imatinib", "start": "2023-01-05", "setting": "metastatic"}]


def run(
    kb: Any, molecular: dict[str, Any] | None, therapy: list[Any] | None = None
) -> GenotypeResult:
    data: dict[str, Any] = {"id": "t", "therapy_lines": therapy or []}
    if molecular is not None:
        data["molecular"] = molecular
    res = interpret_genotype(Patient.model_validate(data, context={"today": TODAY}), kb)
    assert res is not None
    return res


def var(gene: str, hgvs: str, source: str = "tissue", date: str | None = "2022-06-01") -> Any:
    v: dict[str, Any] = {"gene": gene, "hgvs_p": hgvs, "source": source}
    if date:
        v["date"] = date
    return v


def test_no_molecular_data_is_not_tested(kb: Any) -> None:
    res = run(kb, None)
    assert res.genotype_class == "not_tested"
    assert res.missing_tests == ["KIT", "PDGFRA"]
    assert res.sensitivity.imatinib == "unknown"
    assert res.model_dump(mode="json")["class"] == "not_tested"


def test_sdhb_retained_alone_is_still_not_tested(kb: Any) -> None:
    res = run(kb, {"sdhb_ihc": "retained"})
    assert res.genotype_class == "not_tested"


def test_kit_pdgfra_negative_without_sdhb_is_not_quadruple_wild_type(kb: Any) -> None:
    res = run(kb, {"tested_genes": ["KIT", "PDGFRA"]})
    assert res.genotype_class == "unclassified"
    assert res.kit_pdgfra_status == "wild_type"
    assert set(res.missing_tests) == {"BRAF", "SDHB_IHC"}
    assert "quadruple wild type cannot be called" in res.rationale


def test_quadruple_wild_type(kb: Any) -> None:
    res = run(kb, {"tested_genes": ["KIT", "PDGFRA", "BRAF", "KRAS"], "sdhb_ihc": "retained"})
    assert res.genotype_class == "quadruple_wild_type"
    assert res.missing_tests == []
    assert "NF1" in res.suggested_tests and "NTRK_fusion" in res.suggested_tests


def test_ras_positive_is_not_quadruple_wild_type(kb: Any) -> None:
    res = run(
        kb,
        {
            "tested_genes": ["KIT", "PDGFRA", "BRAF", "KRAS"],
            "variants": [var("KRAS", "p.G12D")],
            "sdhb_ihc": "retained",
        },
    )
    assert res.genotype_class == "unclassified"
    assert "KRAS" in res.rationale


def test_sdhb_loss_is_sdh_deficient_with_germline_advice(kb: Any) -> None:
    res = run(kb, {"tested_genes": ["KIT", "PDGFRA"], "sdhb_ihc": "lost"})
    assert res.genotype_class == "SDH_deficient"
    assert res.germline_testing_advised
    assert res.sensitivity.imatinib == "resistant"


def test_sdh_variant_with_sdhb_retained_is_a_conflict(kb: Any) -> None:
    res = run(
        kb,
        {
            "tested_genes": ["KIT", "PDGFRA", "SDHA", "BRAF"],
            "variants": [var("SDHA", "p.R31*")],
            "sdhb_ihc": "retained",
        },
    )
    assert res.genotype_class == "unclassified"
    assert "conflicts" in res.rationale


def test_ntrk_fusion(kb: Any) -> None:
    res = run(
        kb,
        {
            "tested_genes": ["KIT", "PDGFRA", "BRAF", "NTRK3"],
            "fusions": [{"genes": ["ETV6", "NTRK3"]}],
            "sdhb_ihc": "retained",
        },
    )
    assert res.genotype_class == "NTRK_fusion"


def test_other_fusion_is_unclassified(kb: Any) -> None:
    res = run(
        kb,
        {
            "tested_genes": ["KIT", "PDGFRA", "BRAF"],
            "fusions": [{"genes": ["FGFR1", "HOOK3"]}],
            "sdhb_ihc": "retained",
        },
    )
    assert res.genotype_class == "unclassified"


def test_exon11_primary_with_ctdna_exon17_after_imatinib(kb: Any) -> None:
    res = run(
        kb,
        {
            "tested_genes": ["KIT", "PDGFRA"],
            "variants": [
                var("KIT", "p.W557_K558del", date="2022-12-01"),
                var("KIT", "p.D816H", source="ctdna", date="2025-03-01"),
            ],
        },
        IMATINIB_2023,
    )
    assert res.genotype_class == "KIT_exon11"
    assert [s.region for s in res.secondary_mutations] == ["KIT_activation_loop"]
    assert res.variants[1].role == "secondary" and res.variants[1].timing == "after_tki"
    s = res.sensitivity
    assert (s.imatinib, s.sunitinib, s.regorafenib, s.ripretinib) == (
        "resistant",
        "resistant",
        "sensitive",
        "sensitive",
    )
    assert "joensuu2024" in res.sensitivity_source_ids["ripretinib"]


def test_exon11_with_atp_pocket_secondary_favours_sunitinib(kb: Any) -> None:
    res = run(
        kb,
        {
            "variants": [
                var("KIT", "p.W557_K558del", date="2022-12-01"),
                var("KIT", "p.V654A", source="ctdna", date="2025-03-01"),
            ]
        },
        IMATINIB_2023,
    )
    assert [s.region for s in res.secondary_mutations] == ["KIT_ATP_pocket"]
    assert res.sensitivity.sunitinib == "sensitive"
    assert res.sensitivity.ripretinib == "intermediate"


def test_both_secondary_regions_take_the_worst_call(kb: Any) -> None:
    res = run(
        kb,
        {
            "variants": [
                var("KIT", "p.W557_K558del", date="2022-12-01"),
                var("KIT", "p.V654A", source="ctdna", date="2025-03-01"),
                var("KIT", "p.N822K", source="ctdna", date="2025-03-01"),
            ]
        },
        IMATINIB_2023,
    )
    assert {s.region for s in res.secondary_mutations} == {"KIT_ATP_pocket", "KIT_activation_loop"}
    assert res.sensitivity.sunitinib == "resistant"
    assert res.sensitivity.ripretinib == "intermediate"
    assert res.sensitivity.regorafenib == "intermediate"


def test_tissue_exon11_dated_after_tki_is_still_the_driver(kb: Any) -> None:
    res = run(kb, {"variants": [var("KIT", "p.W557_K558del", date="2025-01-10")]}, IMATINIB_2023)
    assert res.genotype_class == "KIT_exon11"
    assert res.variants[0].role == "primary"
    assert res.secondary_mutations == []
    assert res.sensitivity.imatinib == "sensitive"


def test_primary_exon13_before_tki_is_kit_exon13(kb: Any) -> None:
    res = run(kb, {"variants": [var("KIT", "p.K642E", date="2022-06-01")]}, IMATINIB_2023)
    assert res.genotype_class == "KIT_exon13"
    assert res.secondary_mutations == []


def test_primary_exon17_before_tki_is_kit_exon17(kb: Any) -> None:
    res = run(kb, {"variants": [var("KIT", "p.N822K")]})
    assert res.genotype_class == "KIT_exon17"
    assert res.variants[0].timing == "no_tki"


def test_exon17_only_after_tki_has_no_known_driver(kb: Any) -> None:
    res = run(kb, {"variants": [var("KIT", "p.D816V", "ctdna", "2025-03-01")]}, IMATINIB_2023)
    assert res.genotype_class == "unclassified"
    assert res.secondary_mutations[0].region == "KIT_activation_loop"
    assert res.sensitivity.imatinib == "resistant"  # the acquired region still informs


def test_undated_tissue_with_tki_history_is_timed_unknown(kb: Any) -> None:
    res = run(
        kb,
        {"variants": [var("KIT", "p.W557_K558del", date=None), var("KIT", "p.D820Y", date=None)]},
        IMATINIB_2023,
    )
    assert res.genotype_class == "KIT_exon11"
    assert res.variants[0].timing == "unknown"
    assert res.variants[1].role == "secondary"


def test_undated_lone_exon13_with_tki_history_asks_for_the_date(kb: Any) -> None:
    res = run(kb, {"variants": [var("KIT", "p.K642E", date=None)]}, IMATINIB_2023)
    assert res.genotype_class == "unclassified"
    assert "variant_date" in res.missing_tests


def test_discordant_primary_drivers_are_not_classified(kb: Any) -> None:
    res = run(kb, {"variants": [var("KIT", "p.W557_K558del"), var("PDGFRA", "p.D842V")]})
    assert res.genotype_class == "unclassified"
    assert "More than one candidate primary driver" in res.rationale


def test_pdgfra_d842v_class_and_remark(kb: Any) -> None:
    res = run(kb, {"tested_genes": ["KIT", "PDGFRA"], "variants": [var("PDGFRA", "p.D842V")]})
    assert res.genotype_class == "PDGFRA_D842V"
    assert res.sensitivity.imatinib == "resistant"
    assert res.sensitivity.avapritinib == "sensitive"
    assert any("PDGFRA-mutant" in r.text for r in res.remarks)


def test_pdgfra_exon18_without_codon_is_unclassified(kb: Any) -> None:
    res = run(kb, {"variants": [var("PDGFRA", "exon 18 mutation")]})
    assert res.genotype_class == "unclassified"
    assert "codon_level_result" in res.missing_tests
    assert "D842V" in res.rationale


def test_kit_exon11_557_558_deletion_carries_the_prognostic_remark(kb: Any) -> None:
    res = run(kb, {"variants": [var("KIT", "p.W557_K558del")]})
    assert any("557" in r.text and "martinbroto2010" in r.source_ids for r in res.remarks)
    res2 = run(kb, {"variants": [var("KIT", "p.V559D")]})
    assert not any("557 and/or 558" in r.text for r in res2.remarks)


def test_braf_v600e_with_kit_pdgfra_negative(kb: Any) -> None:
    res = run(kb, {"tested_genes": ["KIT", "PDGFRA", "BRAF"], "variants": [var("BRAF", "V600E")]})
    assert res.genotype_class == "BRAF_V600E"


def test_contract_keys_stable(kb: Any) -> None:
    res = run(kb, {"variants": [var("KIT", "p.W557_K558del")]})
    doc = res.model_dump(mode="json")
    assert doc["class"] == "KIT_exon11"
    assert set(doc["sensitivity"]) == {
        "imatinib",
        "sunitinib",
        "regorafenib",
        "ripretinib",
        "avapritinib",
    }
    assert isinstance(doc["secondary_mutations"], list)
    for drug in doc["sensitivity"]:
        assert doc["sensitivity_source_ids"][drug]
        assert all(s in kb.sources for s in doc["sensitivity_source_ids"][drug])
