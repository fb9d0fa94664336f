"""Rule-table invariants: every rule fires in some scenario; tables are consistent."""

from __future__ import annotations

from conftest import ROOT
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema import therapy_drugs, therapy_interactions, therapy_rules
from gistcds.therapy.engine import advise
from therapy_helpers import facts_of
from therapy_scenarios import SCENARIOS


def test_every_rule_fires_in_some_scenario(kb: KnowledgeBase) -> None:
    table = kb.table("therapy_rules", therapy_rules.Table)
    fired: set[str] = set()
    for s in SCENARIOS.values():
        a = advise(facts_of(s.patient, s.genotype, s.risk, s.response, kb), kb)
        fired |= {r.rule_id for r in a.recommendations}
        fired |= {c.rule_id for c in a.cautions if c.rule_id}
    ids = {r.id for r in [*table.rules, *table.post_cautions]} | {e.id for e in table.exclusions}
    assert ids - fired == set()


def test_fallback_when_nothing_matches(kb: KnowledgeBase) -> None:
    s = SCENARIOS["no-data"]  # no setting at all: no rule applies
    a = advise(facts_of(s.patient, s.genotype, s.risk, s.response, kb), kb)
    assert [r.rule_id for r in a.recommendations] == ["fallback"]
    assert "tumour board" in a.recommendations[0].title


def test_regimen_drugs_have_schedules(kb: KnowledgeBase) -> None:
    table = kb.table("therapy_rules", therapy_rules.Table)
    drugs = {d.inn: d for d in kb.table("therapy_drugs", therapy_drugs.Table).drugs}
    for rule in table.rules:
        for opt in rule.options:
            for item in opt.regimen:
                if item.drug == "@last":
                    continue
                assert item.drug in drugs, (rule.id, item.drug)
                if item.dose_mg_per_day is not None and item.schedule is None:
                    doses = {s.dose_mg_per_day for s in drugs[item.drug].schedules}
                    assert item.dose_mg_per_day in doses, (rule.id, item.drug)


def test_interaction_messages_name_cyp3a4(kb: KnowledgeBase) -> None:
    table = kb.table("therapy_interactions", therapy_interactions.Table)
    assert all("CYP3A4" in r.message for r in table.label_rules)
    names = [a.name for a in table.agents]
    assert len(names) == len(set(names))


def test_docs_list_every_unverified_rule(kb: KnowledgeBase) -> None:
    """docs/therapy.md names every rule whose option evidence or caution is unverified."""
    table = kb.table("therapy_rules", therapy_rules.Table)
    doc = (ROOT / "docs" / "therapy.md").read_text()
    unverified = {
        r.id
        for r in [*table.rules, *table.post_cautions]
        if r.confidence == "unverified"
        or any(o.evidence.confidence == "unverified" for o in r.options)
        or any(c.confidence == "unverified" for c in r.cautions)
    }
    missing = sorted(i for i in unverified if f"`{i}`" not in doc)
    assert missing == []
