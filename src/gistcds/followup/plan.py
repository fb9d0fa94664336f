"""Expand the first matching schedule of ``followup.yaml`` into visits.

The conditions test the patient's ClinicalFacts (so "high risk" is defined once, in
``history.yaml``); this module only selects and expands, and says what the months count
from (the schedule's ``counts_from``, dated by the facts' resection date or adjuvant end).
"""

from __future__ import annotations

from gistcds.domain.facts import ClinicalFacts
from gistcds.domain.results.therapy import FollowupAnchor, FollowupVisit
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.conditions import matches
from gistcds.knowledge.schema import followup as schema

__all__ = ["anchor", "plan", "schedule"]


def _visits(rule: schema.ScheduleRule) -> list[FollowupVisit]:
    def visit(month: float, exam: str) -> FollowupVisit:
        return FollowupVisit(
            month=month,
            exam=exam,
            source_ids=list(rule.source_ids),
            rule_id=rule.id,
            confidence=rule.confidence,
        )

    visits = [visit(v.month, v.exam) for v in rule.visits]
    for seg in rule.segments:
        month = seg.from_month
        while month <= seg.to_month + 1e-9:
            visits.append(visit(month, seg.exam))
            month += seg.every_months
    return sorted(visits, key=lambda v: v.month)


def schedule(facts: ClinicalFacts, kb: KnowledgeBase) -> schema.ScheduleRule | None:
    """The first schedule whose condition holds."""
    for rule in kb.get(schema.Table).schedules:
        if matches(rule.when, facts.view):
            return rule
    return None


def plan(facts: ClinicalFacts, kb: KnowledgeBase) -> list[FollowupVisit]:
    """The visits of the first schedule whose condition holds (none: no visits)."""
    rule = schedule(facts, kb)
    return _visits(rule) if rule is not None else []


def anchor(rule: schema.ScheduleRule, facts: ClinicalFacts) -> FollowupAnchor:
    """The event the schedule counts from, with its date when the record gives one."""
    day = None
    if rule.counts_from == "surgery":
        day = facts.resection_date
    elif rule.counts_from == "adjuvant_end":
        day = facts.adjuvant_end
    return FollowupAnchor(event=rule.counts_from, date=day)
