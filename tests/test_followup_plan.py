"""Follow-up schedules (knowledge/followup.yaml) against Joensuu 2015 (PMID 26022432) and
the ESMO/NCCN interval for advanced disease (FU-01..FU-06 of reference/guidelines.md)."""

from __future__ import annotations

import itertools

from gistcds.domain.results.therapy import FollowupVisit
from gistcds.knowledge import KnowledgeBase
from therapy_helpers import followup_for
from therapy_scenarios import SCENARIOS


def plan(name: str, kb: KnowledgeBase) -> list[FollowupVisit]:
    s = SCENARIOS[name]
    return followup_for(s.patient, s.risk, s.genotype, kb)


def months(visits: list[FollowupVisit]) -> list[float]:
    return [v.month for v in visits]


def test_metastatic_every_3_months(kb: KnowledgeBase) -> None:
    v = plan("V01", kb)
    assert months(v) == [3, 6, 9, 12, 15, 18, 21, 24]
    assert {x.rule_id for x in v} == {"FU-06"} and v[0].confidence == "unverified"


def test_high_risk_adjuvant_schedule_joensuu2015(kb: KnowledgeBase) -> None:
    """6-monthly during 3 years of imatinib, 3-monthly for 2 years after, 6-monthly to 10 y."""
    m = months(plan("V21", kb))
    assert m[:6] == [6, 12, 18, 24, 30, 36]
    assert m[6:14] == [39, 42, 45, 48, 51, 54, 57, 60]
    assert m[14] == 66 and m[-1] == 120
    assert all(b > a for a, b in itertools.pairwise(m))


def test_low_risk_annual_for_5_years(kb: KnowledgeBase) -> None:
    assert months(plan("localized-low", kb)) == [12, 24, 36, 48, 60]


def test_very_low_risk_no_routine_imaging(kb: KnowledgeBase) -> None:
    v = plan("localized-very-low", kb)
    assert len(v) == 1 and "No routine imaging" in v[0].exam
    assert v[0].source_ids == ["joensuu2015"]


def test_high_risk_insensitive_genotype_unverified_schedule(kb: KnowledgeBase) -> None:
    v = plan("V22", kb)
    assert v[0].month == 3 and v[-1].month == 120
    assert {x.rule_id for x in v} == {"FU-HIGH-NO-ADJUVANT"}
    # evidence pass 3: NCI PDQ (imaging every 3-6 months after resection) supports the interval
    assert v[0].confidence == "secondary"


def test_rupture_counts_as_high_risk(kb: KnowledgeBase) -> None:
    assert {x.rule_id for x in plan("localized-rupture", kb)} == {"FU-03-04"}


def test_unresected_localized_gets_the_preoperative_plan(kb: KnowledgeBase) -> None:
    """Issue 12 item 5: every patient gets a follow-up plan (was: none before surgery)."""
    v = plan("localized-unresected-kit11", kb)
    assert [x.rule_id for x in v] == ["FU-PREOP"] and "risk group" in v[0].exam


def test_risk_unknown_says_so(kb: KnowledgeBase) -> None:
    v = plan("localized-risk-unknown", kb)
    assert len(v) == 1 and v[0].rule_id == "FU-RISK-UNKNOWN" and "No schedule" in v[0].exam


def test_every_schedule_is_used_by_some_scenario(kb: KnowledgeBase) -> None:
    from gistcds.knowledge.schema import followup

    table = kb.table("followup", followup.Table)
    used = {v.rule_id for name in SCENARIOS for v in plan(name, kb)}
    assert {s.id for s in table.schedules} - used == set()
