"""Build one adverse event on one drug and run the label lookup (tests only)."""

from __future__ import annotations

from typing import Any

from gistcds.domain.results.toxicity import ToxicityAdvice
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema.ctcae_terms import Table as Terms
from gistcds.knowledge.schema.toxicity_dose_modifications import Table as DoseMods
from gistcds.knowledge.schema.toxicity_management import Table as Management
from gistcds.toxicity import advise_event
from gistcds.toxicity.rules import EventFacts


def lookup(
    kb: KnowledgeBase,
    drug: str,
    term: str,
    grade: int,
    dose: float,
    occurrence: int = 1,
    labs: dict[str, float] | None = None,
) -> ToxicityAdvice:
    table = kb.table("toxicity_dose_modifications", DoseMods).for_drug(drug)
    assert table is not None
    group = kb.table("ctcae_terms", Terms).by_term(term).group
    facts = EventFacts(term, group, grade, drug, occurrence, dose, True, labs or {})
    advice = advise_event(table, kb.table("toxicity_management", Management), facts)
    assert advice is not None, (drug, term, grade, occurrence)
    return advice


def patient(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"schema_version": "1", "id": "tox-test"}
    base.update(extra)
    return base
