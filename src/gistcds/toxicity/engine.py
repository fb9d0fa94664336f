"""The toxicity engine: the patient's current adverse events -> label advice, plus counselling,
monitoring and the plain-language guide for every drug the patient takes or is offered.

It reads the patient's ClinicalFacts (``history`` engine: every therapy line, the adverse
events with their drug by INN, the labs), never the record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from gistcds.domain.facts import AdverseEventFact, ClinicalFacts, LineFact
from gistcds.domain.results.toxicity import (
    CounsellingItem,
    MonitoringItem,
    PatientGuide,
    ToxicityAdvice,
)
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema.ctcae_terms import Table as Terms
from gistcds.knowledge.schema.toxicity_counselling import Table as Counselling
from gistcds.knowledge.schema.toxicity_dose_modifications import Table as DoseMods
from gistcds.knowledge.schema.toxicity_management import Table as Management
from gistcds.knowledge.schema.toxicity_monitoring import Table as Monitoring
from gistcds.toxicity.rules import EventFacts, advise_event

__all__ = ["ToxicityResult", "assess_toxicity", "current_lines"]


@dataclass(frozen=True)
class ToxicityResult:
    toxicity: list[ToxicityAdvice] = field(default_factory=list)
    counselling: list[CounsellingItem] = field(default_factory=list)
    monitoring: list[MonitoringItem] = field(default_factory=list)
    guides: list[PatientGuide] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def current_lines(facts: ClinicalFacts) -> list[LineFact]:
    """Lines still running (any setting): no end date and no stop reason."""
    return [t for t in facts.therapy_lines if t.ongoing]


def _dose_of(facts: ClinicalFacts, drug: str) -> float | None:
    """The recorded daily dose of the latest line of ``drug`` (current lines first)."""
    lines = [t for t in facts.therapy_lines if t.drug == drug]
    running = [t for t in lines if t.ongoing]
    for line in reversed(running or lines):
        if line.dose_mg_per_day is not None:
            return line.dose_mg_per_day
    return None


def _labs(facts: ClinicalFacts) -> dict[str, float]:
    """The laboratory values the label rows test, with x ULN where the upper limit is given."""
    values = {
        "alt_x_uln": facts.alt_x_uln,
        "transaminases_x_uln": facts.transaminases_x_uln,
        "bilirubin_x_uln": facts.bilirubin_x_uln,
        "platelets_10e9_per_l": facts.platelets_10e9_per_l,
        "anc_10e9_per_l": facts.neutrophils_10e9_per_l,
    }
    return {name: v for name, v in values.items() if v is not None}


def _occurrence(events: list[tuple[AdverseEventFact, str]], i: int, terms: Terms) -> int:
    """The recorded recurrence, else 1 + the earlier episodes of the same group on the same
    drug that had resolved by this onset (a recurrence follows a resolved episode: the labels'
    "recurrence" rows apply after resumption once the resumption criteria were met)."""
    ev, drug = events[i]
    if ev.recurrence is not None:
        return ev.recurrence
    group = terms.by_term(ev.term).group
    earlier = [
        e
        for j, (e, d) in enumerate(events)
        if j != i
        and d == drug
        and terms.by_term(e.term).group == group
        and e.onset is not None
        and ev.onset is not None
        and e.onset < ev.onset
        and e.resolved is not None
        and e.resolved <= ev.onset
    ]
    return 1 + len(earlier)


def _one_episode(
    events: list[tuple[AdverseEventFact, str]], terms: Terms
) -> tuple[set[int], list[str]]:
    """Ongoing events of one group on one drug are one episode recorded more than once: the
    highest grade (then the latest onset) is advised on, the others are named in a warning."""
    keys: dict[tuple[str, str], list[int]] = {}
    for i, (ev, drug) in enumerate(events):
        if ev.ongoing:
            keys.setdefault((drug, terms.by_term(ev.term).group), []).append(i)
    skip: set[int] = set()
    warnings: list[str] = []
    for (drug, _), idx in keys.items():
        if len(idx) < 2:
            continue
        keep = max(idx, key=lambda j: (events[j][0].grade, events[j][0].onset or dt.date.min, j))
        skip.update(j for j in idx if j != keep)
        named = ", ".join(f"{events[j][0].term} grade {events[j][0].grade}" for j in idx)
        warnings.append(
            f"{named} on {drug}: recorded as ongoing more than once (overlapping episodes of "
            f"one kind of event); advised once, on grade {events[keep][0].grade}; record when "
            "the earlier episode resolved if it is a recurrence"
        )
    return skip, warnings


def _line_check(i: int, ev: AdverseEventFact, drug: str, facts: ClinicalFacts) -> str | None:
    """Why the record does not support dose advice for ``drug`` (None: it does)."""
    lines = [t for t in facts.therapy_lines if t.drug == drug]
    if not lines:
        return (
            f"adverse_events[{i}] ({ev.term}) is attributed to {drug}, which no therapy line "
            "records: no dose advice; record the line or correct the drug"
        )
    starts = [t.start for t in lines if t.start is not None]
    if ev.onset is not None and starts and ev.onset < min(starts):
        return (
            f"adverse_events[{i}] ({ev.term}) began on {ev.onset.isoformat()}, before {drug} "
            f"was first started ({min(starts).isoformat()}): no dose advice; check the "
            "attribution and the dates"
        )
    return None


def _not_current(i: int, ev: AdverseEventFact, drug: str, facts: ClinicalFacts) -> str | None:
    """An ongoing event on a drug no longer taken while another drug is."""
    current = list(dict.fromkeys(t.drug for t in current_lines(facts)))
    if not ev.ongoing or not current or drug in current:
        return None
    return (
        f"adverse_events[{i}] ({ev.term} grade {ev.grade}) is recorded as ongoing on {drug}, "
        f"which is no longer taken (current: {', '.join(current)}): its advice applies only "
        f"if {drug} is restarted; if the event persists on the current drug, record it "
        "against that drug"
    )


def _attribute(facts: ClinicalFacts) -> tuple[list[tuple[AdverseEventFact, str]], list[str]]:
    """Each event with its drug (the recorded one, or the only current drug); an event whose
    drug no line records, or that began before the drug was first started, is left out."""
    current = list(dict.fromkeys(t.drug for t in current_lines(facts)))
    out: list[tuple[AdverseEventFact, str]] = []
    warnings: list[str] = []
    for i, ev in enumerate(facts.adverse_events):
        drug = ev.drug if ev.drug is not None else (current[0] if len(current) == 1 else None)
        if drug is None:
            warnings.append(
                f"adverse_events[{i}] ({ev.term}): no drug recorded and "
                f"{'no' if not current else 'more than one'} current drug: no dose advice"
            )
            continue
        problem = _line_check(i, ev, drug, facts)
        if problem is not None:
            warnings.append(problem)
            continue
        stale = _not_current(i, ev, drug, facts)
        if stale is not None:
            warnings.append(stale)
        out.append((ev, drug))
    return out, warnings


def advise_events(
    facts: ClinicalFacts, kb: KnowledgeBase
) -> tuple[list[ToxicityAdvice], list[str]]:
    """Label advice for every ongoing adverse event attributed to a drug."""
    terms = kb.get(Terms)
    mods = kb.get(DoseMods)
    management = kb.get(Management)
    events, warnings = _attribute(facts)
    repeated, repeat_warnings = _one_episode(events, terms)
    warnings += repeat_warnings
    labs = _labs(facts)
    advice: list[ToxicityAdvice] = []
    for i, (ev, drug) in enumerate(events):
        if not ev.ongoing or i in repeated:
            continue
        table = mods.for_drug(drug)
        if table is None:
            warnings.append(f"{ev.term} on {drug}: no label dose-modification table in the KB")
            continue
        recorded = _dose_of(facts, drug)
        event = EventFacts(
            term=ev.term,
            group=terms.by_term(ev.term).group,
            grade=ev.grade,
            drug=drug,
            occurrence=_occurrence(events, i, terms),
            dose_mg_per_day=recorded if recorded is not None else table.start_dose,
            dose_recorded=recorded is not None,
            labs=labs,
            metastatic=facts.setting == "metastatic",
        )
        found = advise_event(table, management, event)
        if found is None:
            warnings.append(f"{ev.term} grade {ev.grade} on {drug}: no label row found")
        else:
            advice.append(found)
    return advice, warnings


def _drugs_in_scope(facts: ClinicalFacts, offered: list[str]) -> list[tuple[str, bool]]:
    """(drug, taken now) for current drugs first, then the offered ones, each once; both
    are INNs (the facts' lines by the history engine, the offered from the KB's regimens)."""
    current = [t.drug for t in current_lines(facts)]
    seen: dict[str, bool] = {}
    for d in current:
        seen.setdefault(d, True)
    for d in offered:
        seen.setdefault(d, False)
    return list(seen.items())


def assess_toxicity(
    facts: ClinicalFacts, offered: list[str], kb: KnowledgeBase, guide_offered: int = 1
) -> ToxicityResult:
    """Advice for current adverse events; counselling and monitoring for every drug taken or
    offered; a plain guide for the drugs taken and the first ``guide_offered`` offered ones."""
    counselling = kb.get(Counselling)
    monitoring = kb.get(Monitoring)
    advice, warnings = advise_events(facts, kb)
    scope = _drugs_in_scope(facts, offered)
    items: list[CounsellingItem] = []
    checks: list[MonitoringItem] = []
    guides: list[PatientGuide] = []
    offered_guides = 0
    for drug, taken in scope:
        entry = next((c for c in counselling.drugs if c.drug == drug), None)
        checks.extend(
            MonitoringItem(
                drug=c.drug,
                test=c.test,
                when=c.when,
                source_ids=c.source_ids,
                confidence=c.confidence,
            )
            for c in monitoring.checks
            if c.drug == drug
        )
        if entry is None:
            continue
        items.extend(
            CounsellingItem(
                drug=drug,
                **e.model_dump(exclude={"source_ids", "confidence"}),
                source_ids=e.source_ids,
                confidence=e.confidence,
            )
            for e in entry.effects
        )
        if taken or offered_guides < guide_offered:
            offered_guides += 0 if taken else 1
            guides.append(
                PatientGuide(
                    drug=drug,
                    plain_name=entry.plain_name,
                    how_to_take=entry.plain_how_to_take,
                    call_team=entry.call_team,
                    current=taken,
                    source_ids=entry.source_ids,
                )
            )
    return ToxicityResult(advice, items, checks, guides, warnings)
