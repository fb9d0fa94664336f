"""Vignettes of evidence pass 3 (issue 20): VOYAGER, the wild-type subgroups, the new
facts (trough level, escalation data, SDH-deficient specifics, germline testing)."""

from __future__ import annotations

import pytest

from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import GenotypeResult
from gistcds.domain.results.risk import RiskPanel
from gistcds.knowledge import KnowledgeBase
from gistcds.therapy import TherapyAdvice
from therapy_helpers import all_drugs, drugs, genotype, line, metastatic, patient, recommend_for

KIT_PDGFRA_WT = {"tested_genes": ["KIT", "PDGFRA"]}
THREE_LINES = [line("imatinib", 400), line("sunitinib", 50), line("regorafenib", 160)]


def recommend(p: Patient, g: GenotypeResult | None, *, kb: KnowledgeBase) -> TherapyAdvice:
    return recommend_for(p, g, RiskPanel(), [], kb)


def codes(advice: TherapyAdvice) -> set[str]:
    return {c.code for c in advice.cautions}


def test_voyager_kit11_fourth_line_never_avapritinib_first(kb: KnowledgeBase) -> None:
    a = recommend(metastatic(therapy_lines=THREE_LINES), genotype("KIT_exon11"), kb=kb)
    assert drugs(a.recommendations[0]) == {"ripretinib"}
    assert "avapritinib" not in all_drugs(a.recommendations)
    assert "avapritinib_outside_pdgfra_exon18" in codes(a)
    msg = next(c for c in a.cautions if c.code == "avapritinib_outside_pdgfra_exon18")
    assert "kang2021" in msg.source_ids and "VOYAGER" in msg.message


@pytest.mark.parametrize("cls", ["PDGFRA_D842V", "PDGFRA_exon18_other"])
def test_voyager_caution_spares_pdgfra_exon18(kb: KnowledgeBase, cls: str) -> None:
    a = recommend(metastatic(therapy_lines=[line("imatinib", 400)]), genotype(cls), kb=kb)
    assert "avapritinib_outside_pdgfra_exon18" not in codes(a)
    if cls == "PDGFRA_D842V":
        assert "avapritinib" in all_drugs(a.recommendations)


@pytest.mark.parametrize(
    "cls", ["SDH_deficient", "NF1", "BRAF_V600E", "NTRK_fusion", "quadruple_wild_type"]
)
def test_wild_type_subgroups_never_get_imatinib(kb: KnowledgeBase, cls: str) -> None:
    a = recommend(metastatic(molecular=KIT_PDGFRA_WT), genotype(cls), kb=kb)
    assert "imatinib" not in all_drugs(a.recommendations)
    inactive = next(c for c in a.cautions if c.code == "genotype_drug_inactive")
    # the conflict with the KB's own 'wild-type' imatinib arm is named, per subgroup
    assert "CALGB 150105" in inactive.message
    assert {"ncipdq2024", "onkopedia2024"} <= set(inactive.source_ids)


def test_wild_type_subgroup_first_options(kb: KnowledgeBase) -> None:
    first = {
        cls: recommend(metastatic(molecular=KIT_PDGFRA_WT), genotype(cls), kb=kb).recommendations[0]
        for cls in ("SDH_deficient", "NF1", "BRAF_V600E", "NTRK_fusion", "quadruple_wild_type")
    }
    assert first["SDH_deficient"].kind == "trial"
    assert first["NF1"].kind == "local"
    assert drugs(first["BRAF_V600E"]) == {"dabrafenib", "trametinib"}
    assert drugs(first["NTRK_fusion"]) <= {"larotrectinib", "entrectinib"}
    assert first["quadruple_wild_type"].kind == "trial"


@pytest.mark.parametrize("cls", ["SDH_deficient", "NF1", "quadruple_wild_type"])
def test_germline_testing_offered_beyond_sdh(kb: KnowledgeBase, cls: str) -> None:
    a = recommend(metastatic(molecular=KIT_PDGFRA_WT), genotype(cls), kb=kb)
    germline = [r for r in a.recommendations if "ermline" in r.title]
    assert germline and germline[0].kind == "diagnostic"
    assert "mskgermline2023" in germline[0].evidence.source_ids


def test_sdh_deficient_localized_nodes_and_observation(kb: KnowledgeBase) -> None:
    p = patient(primary={"site": "stomach", "size_cm": 6, "resection": "none"})
    a = recommend(p, genotype("SDH_deficient"), kb=kb)
    assert "sdh_nodes" in codes(a)
    obs = next(r for r in a.recommendations if r.rule_id == "LD-SDH")
    assert obs.kind == "surveillance" and "2B" in obs.evidence.level
    assert "imatinib" not in all_drugs(a.recommendations)  # no neoadjuvant imatinib


def test_escalation_cites_the_crossover_data(kb: KnowledgeBase) -> None:
    a = recommend(metastatic(therapy_lines=[line("imatinib", 400)]), genotype("KIT_exon11"), kb=kb)
    esc = next(r for r in a.recommendations if r.rule_id == "PR-01")
    assert "zalcberg2005" in esc.evidence.source_ids
    assert "81 days" in esc.rationale or "27%" in esc.rationale


def test_trough_level_offered_on_progression_not_first_line(kb: KnowledgeBase) -> None:
    prog = recommend(
        metastatic(therapy_lines=[line("imatinib", 400)]), genotype("KIT_exon11"), kb=kb
    )
    tdm = next(r for r in prog.recommendations if r.rule_id == "TX-TDM")
    assert "1,100 ng/mL" in tdm.title and "demetri2009" in tdm.evidence.source_ids
    assert prog.recommendations[0].kind == "systemic"  # never ahead of the treatment options
    untreated = recommend(metastatic(), genotype("KIT_exon11"), kb=kb)
    assert all(r.rule_id != "TX-TDM" for r in untreated.recommendations)


def test_d842v_observation_option_is_second(kb: KnowledgeBase) -> None:
    a = recommend(metastatic(), genotype("PDGFRA_D842V", imatinib="resistant"), kb=kb)
    assert drugs(a.recommendations[0]) == {"avapritinib"}
    kinds = [r.kind for r in a.recommendations]
    assert "surveillance" in kinds and kinds.index("surveillance") > 0


def test_after_ripretinib_ponatinib_is_offered_with_its_nccn_category(kb: KnowledgeBase) -> None:
    lines = [*THREE_LINES, line("ripretinib", 150), line("ripretinib", 300)]
    a = recommend(metastatic(therapy_lines=lines), genotype("KIT_exon11"), kb=kb)
    pona = next(r for r in a.recommendations if drugs(r) == {"ponatinib"})
    assert "category 2A" in pona.evidence.level and "useful in certain circumstances" in (
        pona.evidence.level
    )
    assert a.recommendations[0].kind == "trial"
    assert a.recommendations.index(pona) > 0
