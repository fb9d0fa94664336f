"""ClinicalFacts from the inputs: names, lines, comedication matching (gistcds.history)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gistcds.domain.facts import ClinicalFacts
from gistcds.domain.results.risk import RiskPanel
from gistcds.history import clinical_facts
from gistcds.history.names import match_agents, normalise_name
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema import therapy_drugs, therapy_interactions
from therapy_helpers import line, metastatic, patient


def test_normalise_name() -> None:
    assert normalise_name("St. John’s Wort") == "st johns wort"


def test_comedication_synonyms_and_doses(kb: KnowledgeBase) -> None:
    table = kb.table("therapy_interactions", therapy_interactions.Table)
    meds = ["Rifampin 600 mg", "St John's wort", "grapefruit juice", "paracetamol", "tegretol"]
    found = {m.comedication: m.agent for m in match_agents(meds, table)}
    assert found == {
        "Rifampin 600 mg": "rifampicin",
        "St John's wort": "st john's wort",
        "grapefruit juice": "grapefruit",
        "tegretol": "carbamazepine",
    }


def test_no_partial_word_match(kb: KnowledgeBase) -> None:
    table = kb.table("therapy_interactions", therapy_interactions.Table)
    assert match_agents(["phenytoinx"], table) == []


def test_label_reduction_steps(kb: KnowledgeBase) -> None:
    drugs = kb.table("therapy_drugs", therapy_drugs.Table)
    assert drugs.reduced_dose("imatinib", 400) == 300
    assert drugs.reduced_dose("imatinib", 300) is None
    assert drugs.reduced_dose("regorafenib", 160) == 120
    assert drugs.reduced_dose("avapritinib", 300) == 200
    assert drugs.reduced_dose("ripretinib", 100) is None


def test_line_facts(kb: KnowledgeBase) -> None:
    p = metastatic(
        therapy_lines=[line("Gleevec", 400), line("imatinib", 800), line("sunitinib", 50, None)]
    )
    f = clinical_facts(p, None, RiskPanel(), [], kb)
    assert f.n_lines == 2  # escalation of the same drug is the same line
    assert f.drugs_received == ("imatinib", "sunitinib")
    assert f.max_dose == {"imatinib": 800, "sunitinib": 50}
    assert f.last_stop == "ongoing" and f.event == "on_treatment"
    assert f.genotype == "none"


def test_relapse_on_adjuvant_joins_the_advanced_history(kb: KnowledgeBase) -> None:
    """history.yaml advanced_lines: an adjuvant line that ended in progression, in a
    patient with metastases, is progression on that drug (review R-05)."""
    adj = line("imatinib", 400, setting="adjuvant")
    f = clinical_facts(metastatic(therapy_lines=[adj]), None, RiskPanel(), [], kb)
    assert f.drugs_progressed == ("imatinib",) and f.n_lines == 1 and f.event == "progression"
    assert [x.drug for x in f.lines] == ["imatinib"]
    completed = line("imatinib", 400, "completed", setting="adjuvant")
    g = clinical_facts(metastatic(therapy_lines=[completed]), None, RiskPanel(), [], kb)
    assert g.n_lines == 0 and g.event == "untreated" and g.adjuvant_last_stop == "completed"


def test_line_without_setting_counts_only_with_metastases(kb: KnowledgeBase) -> None:
    unset = {"drug": "imatinib", "dose_mg_per_day": 400}
    f = clinical_facts(metastatic(therapy_lines=[unset]), None, RiskPanel(), [], kb)
    assert f.n_lines == 1 and f.last_stop == "ongoing" and f.advanced_disease
    localized = patient(primary={"site": "stomach", "size_cm": 3}, therapy_lines=[unset])
    g = clinical_facts(localized, None, RiskPanel(), [], kb)
    assert g.n_lines == 0 and g.setting == "localized" and not g.advanced_disease
    assert g.site == "stomach" and g.size_cm == 3


@pytest.mark.parametrize("grade", ["none", "mild", "moderate", "severe"])
def test_hepatic_class_is_the_recorded_grade(grade: str, kb: KnowledgeBase) -> None:
    f = clinical_facts(metastatic(hepatic_impairment=grade), None, RiskPanel(), [], kb)
    assert f.hepatic_impairment == grade and f.hepatic_class == grade


def test_organ_function_and_person_carried(kb: KnowledgeBase) -> None:
    p = metastatic(renal={"creatinine_clearance_ml_min": 35}, ecog=3, pregnant=False)
    f = clinical_facts(p, None, RiskPanel(), [], kb)
    assert f.creatinine_clearance_ml_min == 35 and f.frail is True and f.pregnant is False
    assert f.hepatic_class == "unknown"
    assert (
        clinical_facts(metastatic(), None, RiskPanel(), [], kb).creatinine_clearance_ml_min is None
    )


def test_renal_clearance_must_be_positive() -> None:
    with pytest.raises(ValidationError, match="creatinine_clearance_ml_min"):
        metastatic(renal={"creatinine_clearance_ml_min": 0})


def test_facts_are_frozen_and_typed(kb: KnowledgeBase) -> None:
    f = clinical_facts(metastatic(), None, RiskPanel(), [], kb)
    with pytest.raises(ValidationError):
        f.n_lines = 3  # type: ignore[misc]
    with pytest.raises(ValidationError):
        ClinicalFacts(genotype="KIT_exon99")  # type: ignore[arg-type]
    assert ClinicalFacts.derived_names() == {
        "event",
        "high_risk",
        "adjuvant_candidate",
        "frail",
        "hepatic_class",
        "morbid_resection_site",
        "small_gist",
    }
