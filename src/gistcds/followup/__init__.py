"""Surveillance schedule from cited guideline intervals (``knowledge/followup.yaml``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gistcds.domain.facts import ClinicalFacts
    from gistcds.domain.results.therapy import FollowupAnchor, FollowupVisit
    from gistcds.knowledge import KnowledgeBase

__all__ = ["plan_followup", "plan_followup_from"]


def plan_followup(facts: ClinicalFacts, kb: KnowledgeBase) -> list[FollowupVisit]:
    """The coming visits, month by month, from the first schedule whose condition holds."""
    from gistcds.followup.plan import plan

    return plan(facts, kb)


def plan_followup_from(
    facts: ClinicalFacts, kb: KnowledgeBase
) -> tuple[list[FollowupVisit], FollowupAnchor | None]:
    """The visits and what their months count from (surgery on the record's resection
    date, the end of adjuvant therapy, or now); no schedule: no visits, no anchor."""
    from gistcds.followup.plan import anchor, plan, schedule

    rule = schedule(facts, kb)
    if rule is None:
        return [], None
    return plan(facts, kb), anchor(rule, facts)
