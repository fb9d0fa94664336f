"""The codes gistcds reads and writes in FHIR, with how well each was confirmed.

``terminology.yaml`` holds one entry per concept. A writer asks for a concept by key and
gets the standard coding only when the code is ``verified`` or ``corroborated``; an
unconfirmed code is written as a gistcds local code with ``text`` (issue 16: never shipped
as if verified). A reader asks which concept a coding means and accepts the standard code,
an unconfirmed candidate code, or the local code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

__all__ = [
    "LOCAL",
    "Concept",
    "codeable",
    "coding",
    "concept",
    "concept_of",
    "concepts",
    "drug_by_rxnorm",
    "drug_coding",
    "system",
]

CONFIRMED = ("verified", "corroborated")


@dataclass(frozen=True)
class Concept:
    """One concept: its key, display, status and the codes it may arrive under."""

    key: str
    display: str
    status: str
    system: str | None = None
    code: str | None = None
    candidate_system: str | None = None
    candidate_code: str | None = None
    evidence: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def confirmed(self) -> bool:
        return self.status in CONFIRMED and self.system is not None

    @property
    def local_code(self) -> str:
        return self.key.replace("_", "-")


@dataclass(frozen=True)
class _Table:
    local_system: str
    systems: dict[str, str]
    concepts: dict[str, Concept]
    by_code: dict[tuple[str, str], str]
    drugs: dict[str, dict[str, str]]


def _concept(key: str, raw: dict[str, Any], systems: dict[str, str]) -> Concept:
    cand = raw.get("candidate") or {}
    return Concept(
        key=key,
        display=str(raw["display"]),
        status=str(raw["status"]),
        system=systems[raw["system"]] if "system" in raw else None,
        code=str(raw["code"]) if "code" in raw else None,
        candidate_system=systems[cand["system"]] if cand else None,
        candidate_code=str(cand["code"]) if cand else None,
        evidence=str(raw.get("evidence", "")),
        aliases=tuple(str(a) for a in raw.get("aliases", ())),
    )


@cache
def _table() -> _Table:
    raw = yaml.safe_load(files("gistcds.fhir").joinpath("terminology.yaml").read_text("utf-8"))
    systems = {k: str(v) for k, v in raw["systems"].items()}
    local = str(raw["local_system"])
    concepts = {k: _concept(k, v, systems) for k, v in raw["codes"].items()}
    by_code: dict[tuple[str, str], str] = {}
    for c in concepts.values():
        by_code[(local, c.local_code)] = c.key
        for alias in c.aliases:
            by_code[(local, alias)] = c.key
        if c.system and c.code:
            by_code[(c.system, c.code)] = c.key
        if c.candidate_system and c.candidate_code:
            by_code[(c.candidate_system, c.candidate_code)] = c.key
    drugs = {k: {kk: str(vv) for kk, vv in v.items()} for k, v in raw["drugs"].items()}
    return _Table(local, systems, concepts, by_code, drugs)


LOCAL = "http://example.org/gistcds/CodeSystem/local"


def system(name: str) -> str:
    """URI of a code system by its short name (``loinc``, ``sct``...)."""
    return _table().systems[name]


def concept(key: str) -> Concept:
    return _table().concepts[key]


def concepts() -> list[Concept]:
    return list(_table().concepts.values())


def coding(key: str) -> dict[str, str]:
    """The coding to write for a concept: standard when confirmed, else local."""
    c = concept(key)
    if c.confirmed:
        assert c.system is not None and c.code is not None
        return {"system": c.system, "code": c.code, "display": c.display}
    return {"system": _table().local_system, "code": c.local_code, "display": c.display}


def codeable(key: str, text: str | None = None) -> dict[str, Any]:
    """A CodeableConcept with the concept's coding and a text (always present)."""
    return {"coding": [coding(key)], "text": text or concept(key).display}


def concept_of(cc: Any) -> str | None:
    """Key of the first coding of a CodeableConcept (dict) that gistcds knows, else None."""
    if not isinstance(cc, dict):
        return None
    by_code = _table().by_code
    for cd in cc.get("coding") or []:
        key = by_code.get((str(cd.get("system", "")), str(cd.get("code", ""))))
        if key is not None:
            return key
    return None


def drug_coding(inn: str) -> list[dict[str, str]]:
    """RxNorm coding for a drug when its id is confirmed; otherwise none (text only)."""
    entry = _table().drugs.get(inn)
    if entry and entry.get("status") in CONFIRMED and "code" in entry:
        return [{"system": system("rxnorm"), "code": entry["code"], "display": inn}]
    return []


def drug_by_rxnorm(code: str) -> str | None:
    """INN for an RxNorm ingredient id gistcds knows (confirmed or candidate)."""
    for inn, entry in _table().drugs.items():
        if code in (entry.get("code"), entry.get("candidate")):
            return inn
    return None


def drug_entries() -> dict[str, dict[str, str]]:
    return dict(_table().drugs)
