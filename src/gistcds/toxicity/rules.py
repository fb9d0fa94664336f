"""One adverse event on one drug -> the label's action and dose (the table lookup itself).

The row is the first one of the drug's table whose event group, grade, occurrence, current
dose and laboratory criteria all match; the dose then follows the drug's label dose levels.
"""

from __future__ import annotations

from typing import NamedTuple

from gistcds.domain.results.toxicity import ToxicityAdvice
from gistcds.knowledge.schema.toxicity_dose_modifications import (
    Action,
    DrugTable,
    LabCondition,
    Rule,
)
from gistcds.knowledge.schema.toxicity_management import Table as Management

__all__ = ["GRADE5_FLAG", "EventFacts", "advise_event", "next_level"]


class EventFacts(NamedTuple):
    """What the table lookup needs to know about one event (already canonical)."""

    term: str
    group: str
    grade: int
    drug: str
    occurrence: int
    dose_mg_per_day: float | None
    dose_recorded: bool
    labs: dict[str, float]
    metastatic: bool = False


_DEATH_GRADE = 5
GRADE5_FLAG = (
    "grade 5 is death related to the adverse event (CTCAE v5.0): check the record; "
    "if the patient has died, no treatment advice applies"
)


def next_level(levels: list[float], dose: float) -> float | None:
    """The label's next lower dose level below ``dose``; None below the lowest."""
    lower = [x for x in levels if x < dose]
    return max(lower) if lower else None


def _lab_ok(cond: LabCondition, labs: dict[str, float]) -> bool:
    value = labs.get(cond.test)
    if value is None:
        return False
    if cond.above is not None:
        return value > cond.above
    return cond.below is not None and value < cond.below


def _matches(rule: Rule, ev: EventFacts) -> bool:
    if "*" not in rule.groups and ev.group not in rule.groups:
        return False
    if ev.grade not in rule.grades or ev.occurrence < rule.occurrence_min:
        return False
    if rule.occurrence_max is not None and ev.occurrence > rule.occurrence_max:
        return False
    if rule.doses is not None and (
        ev.dose_mg_per_day is None or ev.dose_mg_per_day not in rule.doses
    ):
        return False
    return all(_lab_ok(c, ev.labs) for c in rule.labs)


def find_rule(table: DrugTable, ev: EventFacts) -> Rule | None:
    """First matching row; a group with rows of its own never falls to the ``*`` rows
    unless none of its rows covers this grade."""
    own = [r for r in table.rules if ev.group in r.groups]
    other = [r for r in table.rules if "*" in r.groups]
    return next((r for r in [*own, *other] if _matches(r, ev)), None)


def _fmt(dose: float) -> str:
    return f"{dose:g}"


def _dose(table: DrugTable, rule: Rule, ev: EventFacts) -> tuple[Action, float | None, list[str]]:
    """(action, dose, flags) after applying the row's resumption dose to the label levels."""
    flags: list[str] = []
    current = ev.dose_mg_per_day
    action: Action = rule.action
    if current is not None and current < table.levels[-1]:
        flags.append(f"current dose {_fmt(current)} mg/day: {table.below_lowest_text}")
    if rule.resume_dose == "none":
        return action, None, flags
    if current is None:
        flags.append("current dose not recorded: no dose can be given")
        return action, None, flags
    if rule.resume_dose == "same":
        return action, current, flags
    lower = next_level(table.levels, current)
    if lower is not None:
        return action, lower, flags
    flags.append(table.below_lowest_text)
    if table.below_lowest == "discontinue":
        return "discontinue", None, flags
    return action, None, flags


def advise_event(table: DrugTable, management: Management, ev: EventFacts) -> ToxicityAdvice | None:
    """The label's advice for one event, or None when no row covers it."""
    rule = find_rule(table, ev)
    if rule is None:
        return None
    action, dose, flags = _dose(table, rule, ev)
    if not ev.dose_recorded and ev.dose_mg_per_day is not None:
        flags.append(
            f"dose not recorded: the label starting dose ({_fmt(ev.dose_mg_per_day)} mg) is assumed"
        )
    caution = table.interruption_caution
    if ev.grade >= _DEATH_GRADE:
        flags.append(GRADE5_FLAG)
    elif caution is not None and ev.metastatic and action in ("hold", "discontinue"):
        flags.append(caution.text)
    measures = [
        m
        for m in management.measures
        if ev.group in m.groups
        and ("*" in m.drugs or ev.drug in m.drugs)
        and m.min_grade <= ev.grade <= m.max_grade
    ]
    cited = [*rule.source_ids, *(s for m in measures for s in m.source_ids)]
    if caution is not None and caution.text in flags:
        cited += caution.source_ids
    sources = list(dict.fromkeys(cited))
    return ToxicityAdvice(
        event=ev.term,
        grade=ev.grade,
        drug=ev.drug,
        action=action,
        dose_mg_per_day=dose,
        schedule=table.schedule.get(_fmt(dose)) if dose is not None else None,
        resume_when=rule.resume_when if action == "hold" else None,
        management=[
            m.text + (" (unverified)" if m.confidence == "unverified" else "") for m in measures
        ],
        evidence=rule.evidence,
        confidence=rule.confidence,
        source_ids=sources,
        rule_id=rule.id,
        occurrence=ev.occurrence,
        label_text=rule.text,
        flags=flags,
    )
