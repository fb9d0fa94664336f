"""Drug and comedication names as the knowledge base knows them (INNs, synonyms).

Name matching only: "Gleevec 400 mg" -> imatinib, "St. John's Wort" -> the CYP3A4 agent.
Nothing clinical is decided here.
"""

from __future__ import annotations

import re

from gistcds.domain.facts import ComedicationMatch
from gistcds.domain.patient import Patient
from gistcds.knowledge.schema import therapy_drugs, therapy_interactions

__all__ = [
    "canonical_drug",
    "known_drug",
    "match_agents",
    "normalise_name",
    "with_canonical_drugs",
]


def normalise_name(text: str) -> str:
    """Lower case, punctuation dropped, single spaces: "St. John's Wort" -> "st johns wort"."""
    t = text.lower().replace("’", "").replace("'", "")
    t = re.sub(r"[^a-z0-9]+", " ", t)
    return " ".join(t.split())


def match_agents(
    comedications: list[str], table: therapy_interactions.Table
) -> list[ComedicationMatch]:
    """Comedications that name a listed CYP3A4 agent (whole-word match, synonyms included)."""
    found: list[ComedicationMatch] = []
    for med in comedications:
        words = f" {normalise_name(med)} "
        for agent in table.agents:
            names = [agent.name, *agent.synonyms]
            if any(f" {normalise_name(n)} " in words for n in names):
                found.append(
                    ComedicationMatch(comedication=med, agent=agent.name, effect=agent.effect)
                )
                break
    return found


def unmatched_comedications(
    comedications: list[str], table: therapy_interactions.Table
) -> list[str]:
    """The comedications that name no agent of the CYP3A4 table (not checked for
    interactions): said so in the output rather than passed over in silence."""
    matched = {m.comedication for m in match_agents(comedications, table)}
    return [m for m in comedications if m not in matched]


_DOSE_WORD = re.compile(r"^(\d+(\.\d+)?(mg)?|mg|tab|tabs|tablet|tablets|daily|qd|bid|od)$")


def _drug_key(name: str) -> str:
    """Normalised name without dose words: "Imatinib 400 mg daily" -> "imatinib"."""
    words = [w for w in normalise_name(name).split() if not _DOSE_WORD.match(w)]
    return " ".join(words) or normalise_name(name)


def _lookup(name: str, drugs: therapy_drugs.Table) -> str | None:
    """The INN whose name or synonym matches, as written or without dose words."""
    keys = {normalise_name(name), _drug_key(name)}
    for inn, syn in drugs.names():
        if keys & {normalise_name(inn), *(normalise_name(s) for s in syn)}:
            return inn
    return None


def known_drug(name: str, drugs: therapy_drugs.Table) -> bool:
    """True when the name is an INN or synonym listed in ``therapy_drugs.yaml``."""
    return _lookup(name, drugs) is not None


def canonical_drug(name: str, drugs: therapy_drugs.Table) -> str:
    """The INN for a drug name or synonym (brand names, research codes); unknown names are
    returned as given, lower case."""
    return _lookup(name, drugs) or name.strip().lower()


def with_canonical_drugs(patient: Patient, drugs: therapy_drugs.Table) -> Patient:
    """The patient with every therapy line's and adverse event's drug named by its INN, so
    that every engine (genotype timing, therapy, prognosis, toxicity) reads "Gleevec" or
    "imatinib 400 mg" as imatinib."""
    lines = [
        ln
        if canonical_drug(ln.drug, drugs) == ln.drug
        else ln.model_copy(update={"drug": canonical_drug(ln.drug, drugs)})
        for ln in patient.therapy_lines
    ]
    events = [
        ev
        if ev.drug is None or canonical_drug(ev.drug, drugs) == ev.drug
        else ev.model_copy(update={"drug": canonical_drug(ev.drug, drugs)})
        for ev in patient.adverse_events
    ]
    same_lines = all(a is b for a, b in zip(lines, patient.therapy_lines, strict=True))
    same_events = all(a is b for a, b in zip(events, patient.adverse_events, strict=True))
    if same_lines and same_events:
        return patient
    return patient.model_copy(update={"therapy_lines": lines, "adverse_events": events})
