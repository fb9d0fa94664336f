"""Surveillance schedule from cited guideline intervals (``knowledge/followup.yaml``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gistcds.domain.facts import ClinicalFacts
    from gistcds.domain.results.therapy import FollowupVisit
    from gistcds.knowledge import KnowledgeBase

__all__ = ["plan_followup"]


def plan_followup(facts: ClinicalFacts, kb: KnowledgeBase) -> list[FollowupVisit]:
    """The coming visits, month by month, from the first schedule whose condition holds."""
    from gistcds.followup.plan import plan

    return plan(facts, kb)
