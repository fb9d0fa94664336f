"""Facts from the inputs: names, lines, comedication matching (gistcds.therapy.facts)."""

from __future__ import annotations

from gistcds.domain.results.risk import RiskPanel
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema import therapy_drugs, therapy_interactions
from gistcds.therapy.engine import load_tables, patient_facts
from gistcds.therapy.facts import match_agents, normalise_name, reduced_dose
from therapy_helpers import line, metastatic


def test_normalise_name() -> None:
    assert normalise_name("St. John’s Wort") == "st johns wort"


def test_comedication_synonyms_and_doses(kb: KnowledgeBase) -> None:
    table = kb.table("therapy_interactions", therapy_interactions.Table)
    meds = ["Rifampin 600 mg", "St John's wort", "grapefruit juice", "paracetamol", "tegretol"]
    found = {m.comedication: m.agent.name for m in match_agents(meds, table)}
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
    assert reduced_dose("imatinib", 400, drugs) == 300
    assert reduced_dose("imatinib", 300, drugs) is None
    assert reduced_dose("regorafenib", 160, drugs) == 120
    assert reduced_dose("avapritinib", 300, drugs) == 200
    assert reduced_dose("ripretinib", 100, drugs) is None


def test_line_facts(kb: KnowledgeBase) -> None:
    p = metastatic(
        therapy_lines=[line("Gleevec", 400), line("imatinib", 800), line("sunitinib", 50, None)]
    )
    f = patient_facts(p, None, RiskPanel(), [], load_tables(kb))
    assert f["n_lines"] == 2  # escalation of the same drug is the same line
    assert f["drugs_received"] == ["imatinib", "sunitinib"]
    assert f["max_dose"] == {"imatinib": 800, "sunitinib": 50}
    assert f["last_stop"] == "ongoing" and f["event"] == "on_treatment"
    assert f["genotype"] == "none"
