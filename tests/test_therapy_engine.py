"""Engine behaviour beyond the vignettes: progression read from imaging, intolerance,
exclusions across every scenario, interactions, pregnancy, secondary mutations."""

from __future__ import annotations

import pytest

from gistcds.domain.results.risk import RiskPanel
from gistcds.knowledge import KnowledgeBase
from gistcds.therapy import TherapyAdvice
from therapy_helpers import all_drugs, drugs, genotype, line, metastatic, recommend_for, response
from therapy_scenarios import SCENARIOS


def run(name: str, kb: KnowledgeBase) -> TherapyAdvice:
    s = SCENARIOS[name]
    return recommend_for(s.patient, s.genotype, s.risk, s.response, kb)


def test_progression_read_from_imaging_on_ongoing_line(kb: KnowledgeBase) -> None:
    p = metastatic(therapy_lines=[line("imatinib", 400, None)])
    a = recommend_for(p, genotype("KIT_exon11"), RiskPanel(), response("PD", "PD"), kb)
    assert {d for r in a.recommendations[:2] for d in drugs(r)} == {"imatinib", "sunitinib"}
    assert a.recommendations[0].regimen[0].dose_mg_per_day == 800


def test_intolerance_reduces_dose_before_switching(kb: KnowledgeBase) -> None:
    a = run("imatinib-toxicity-400", kb)
    top = a.recommendations[0]
    assert drugs(top) == {"imatinib"} and top.regimen[0].dose_mg_per_day == 300
    assert drugs(a.recommendations[1]) == {"sunitinib"}
    assert 800 not in {r.dose_mg_per_day for rec in a.recommendations for r in rec.regimen}


def test_intolerance_at_lowest_step_switches(kb: KnowledgeBase) -> None:
    a = run("regorafenib-toxicity-80", kb)
    assert drugs(a.recommendations[0]) == {"ripretinib"}


def test_sunitinib_intolerance_ripretinib_before_regorafenib(kb: KnowledgeBase) -> None:
    """NCCN v1.2023 (sunitinib intolerance): ripretinib; ESMO: regorafenib third line."""
    a = run("sunitinib-toxicity-25", kb)
    order = [next(iter(drugs(r))) for r in a.recommendations if r.regimen]
    assert order[:2] == ["ripretinib", "regorafenib"]
    assert {p.guideline.split()[0] for p in a.recommendations[0].positions} == {"NCCN", "ESMO"}


def test_stopped_tki_is_resumed(kb: KnowledgeBase) -> None:
    a = run("imatinib-stopped", kb)
    assert drugs(a.recommendations[0]) == {"imatinib"}
    assert a.recommendations[0].regimen[0].dose_mg_per_day == 400


def test_ecog_3_first_line_imatinib_sensitive_imatinib_first(kb: KnowledgeBase) -> None:
    """Issue 12 item 4: before first-line imatinib in an imatinib-sensitive genotype,
    imatinib comes first with a caution (performance status often recovers on it);
    supportive care is listed after it (rule ECOG-34-IM)."""
    a = run("ecog-3", kb)
    assert drugs(a.recommendations[0]) == {"imatinib"}
    kinds = [r.kind for r in a.recommendations]
    assert "supportive" in kinds and kinds.index("supportive") > 0
    assert "poor_performance_status_first_line" in {c.code for c in a.cautions}


def test_ecog_3_later_line_supportive_first(kb: KnowledgeBase) -> None:
    """Issue 12 item 4: supportive care first belongs to later lines (ECOG-34; the later-line
    trials enrolled ECOG 0-2, e.g. INVICTUS)."""
    a = run("ecog-3-second-line", kb)
    assert a.recommendations[0].kind == "supportive"
    assert a.recommendations[0].rule_id == "ECOG-34"
    assert "sunitinib" in all_drugs(a.recommendations)


def test_atp_pocket_secondary_note_and_no_ripretinib_second_line(kb: KnowledgeBase) -> None:
    a = run("atp-pocket-ctdna", kb)
    assert "ctdna_secondary_atp_pocket" in {c.code for c in a.cautions}
    assert "ripretinib" not in all_drugs(a.recommendations)


def test_escalation_ranked_after_switch_when_imatinib_rated_resistant(kb: KnowledgeBase) -> None:
    """A secondary mutation rated imatinib-resistant: sunitinib before imatinib 800."""
    sensitive = [drugs(r) for r in run("atp-pocket-ctdna", kb).recommendations]
    assert sensitive.index({"imatinib"}) < sensitive.index({"sunitinib"})
    resistant = run("atp-pocket-ctdna-imatinib-resistant", kb).recommendations
    order = [drugs(r) for r in resistant]
    assert order[0] == {"sunitinib"}
    assert order.index({"sunitinib"}) < order.index({"imatinib"})
    escalation = next(r for r in resistant if drugs(r) == {"imatinib"})
    assert escalation.rule_id == "PR-01-RES"
    assert escalation.regimen[0].dose_mg_per_day == 800


def test_d842v_on_imatinib_switches_to_avapritinib(kb: KnowledgeBase) -> None:
    p = metastatic(therapy_lines=[line("imatinib", 400, None)])
    a = recommend_for(p, genotype("PDGFRA_D842V"), RiskPanel(), [], kb)
    assert drugs(a.recommendations[0]) == {"avapritinib"}
    assert "imatinib" not in all_drugs(a.recommendations)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_genotype_exclusions_hold_everywhere(name: str, kb: KnowledgeBase) -> None:
    s = SCENARIOS[name]
    a = recommend_for(s.patient, s.genotype, s.risk, s.response, kb)
    cls = s.genotype.genotype_class if s.genotype else "none"
    if cls in {
        "PDGFRA_D842V",
        "SDH_deficient",
        "NF1",
        "quadruple_wild_type",
        "BRAF_V600E",
        "NTRK_fusion",
    }:
        assert "imatinib" not in all_drugs(a.recommendations)
        assert "genotype_drug_inactive" in {c.code for c in a.cautions}


@pytest.mark.parametrize(
    ("med", "drug_line", "cls", "needle"),
    [
        ("Rifampin", ("imatinib", 400, None), "KIT_exon11", "at least 50%"),
        ("St John's wort", ("imatinib", 400, None), "KIT_exon11", "strong CYP3A4 inducer"),
        ("clarithromycin", ("sunitinib", 50, None), "KIT_exon11", "37.5 mg/day"),
        ("grapefruit juice", None, "PDGFRA_D842V", "100 mg once daily"),
        ("phenytoin", None, "PDGFRA_D842V", "avoid with avapritinib"),
    ],
)
def test_cyp3a4_cautions(
    med: str, drug_line: tuple[str, float, None] | None, cls: str, needle: str, kb: KnowledgeBase
) -> None:
    lines = [line(drug_line[0], drug_line[1], None)] if drug_line else []
    p = metastatic(comedications=[med], therapy_lines=lines)
    a = recommend_for(p, genotype(cls), RiskPanel(), [], kb)
    messages = [c.message for c in a.cautions if "CYP3A4" in c.message]
    assert any(needle in m for m in messages), messages
    assert all(c.source_ids for c in a.cautions)


def test_no_interaction_caution_without_interacting_drug(kb: KnowledgeBase) -> None:
    p = metastatic(comedications=["paracetamol", "omeprazole"])
    a = recommend_for(p, genotype("KIT_exon11"), RiskPanel(), [], kb)
    assert not [c for c in a.cautions if "CYP3A4" in c.message]


def test_pregnancy_is_critical(kb: KnowledgeBase) -> None:
    p = metastatic(sex="female", pregnant=True)
    a = recommend_for(p, genotype("KIT_exon11"), RiskPanel(), [], kb)
    preg = [c for c in a.cautions if c.code == "pregnancy"]
    assert preg and preg[0].severity == "critical"
    p2 = metastatic(sex="female", pregnant=False)
    a2 = recommend_for(p2, genotype("KIT_exon11"), RiskPanel(), [], kb)
    assert "pregnancy" not in {c.code for c in a2.cautions}


def test_sdh_progression_after_first_line_is_not_guessed(kb: KnowledgeBase) -> None:
    p = metastatic(therapy_lines=[line("sunitinib", 37.5)])
    a = recommend_for(p, genotype("SDH_deficient"), RiskPanel(), [], kb)
    # the SDH screening rule is an adjunct: it does not hide the fallback
    assert [r.rule_id for r in a.recommendations] == ["fallback", "SDH-PGL"]


def test_resistant_sensitivity_from_genotype_engine_is_flagged(kb: KnowledgeBase) -> None:
    p = metastatic(therapy_lines=[line("imatinib", 400)])
    g = genotype("KIT_exon11", secondary=["KIT_activation_loop"], sunitinib="resistant")
    a = recommend_for(p, g, RiskPanel(), [], kb)
    flagged = [c for c in a.cautions if c.code == "genotype_sensitivity_resistant"]
    assert len(flagged) == 1 and "sunitinib" in flagged[0].message


def test_high_risk_untyped_tests_first_then_conditional_adjuvant(kb: KnowledgeBase) -> None:
    a = run("localized-high-untyped", kb)
    assert a.recommendations[0].kind == "diagnostic"
    adj = a.recommendations[1]
    assert drugs(adj) == {"imatinib"} and "once an imatinib-sensitive genotype" in adj.title
