"""Shared state of one Bundle -> Patient mapping: the patient JSON being built, where each
value came from, the report, and single-valued candidates still to be settled."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from gistcds.fhir.bundle import BundleIndex, Entry
from gistcds.fhir.mapping import MappingReport, Status

__all__ = ["Ctx", "Offer"]

# Top-level elements that only structure a resource; never reported on their own.
STRUCTURAL = {"resourceType", "id", "meta"}

# Why an element present in a mapped resource is not used, by element name.
IGNORED_WHY = {
    "text": "narrative; gistcds reads the coded elements",
    "identifier": "business identifier; not needed for the assessment",
    "name": "identifying data; not needed for the assessment",
    "telecom": "identifying data; not needed for the assessment",
    "address": "identifying data; not needed for the assessment",
    "category": "category; the resource is recognised by its profile and code",
    "clinicalStatus": "not used: gistcds reads the cancer record as given",
    "verificationStatus": "not used: gistcds reads the cancer record as given",
    "recordedDate": "recording date; not needed",
    "issued": "issue time; the effective date is used",
    "requester": "prescriber; not needed",
    "performer": "performer; not needed",
    "route": "route; the GIST drugs gistcds knows are oral",
    "note": "free-text note; not interpreted",
    "encounter": "encounter; not needed",
    "authoredOn": "order date; the dosage bounds give the line dates",
    "reasonReference": "the condition treated; gistcds assesses the GIST",
    "reasonCode": "the condition treated; gistcds assesses the GIST",
    "collection": "collection details; not needed",
    "onsetDateTime": "onset of the primary; not needed",
    "derivedFrom": "provenance of the value; not needed",
    "dosageInstruction": "dosage; read only for cancer drugs",
}


@dataclass
class Offer:
    """A candidate value for a single-valued patient field; the highest rank wins."""

    value: Any
    rank: tuple[int, int, int]
    entry: Entry
    element: str
    status: Status = "mapped"
    reason: str = ""


@dataclass
class Ctx:
    """The mapping in progress."""

    index: BundleIndex
    report: MappingReport
    today: dt.date
    doc: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)
    consumed: dict[int, set[str]] = field(default_factory=dict)
    offers: dict[str, list[Offer]] = field(default_factory=dict)
    patient_refs: set[str] = field(default_factory=set)
    m1: tuple[Entry, dt.date | None] | None = None

    @property
    def reference_date(self) -> dt.date:
        """Date ages are counted to: the Bundle timestamp, else today."""
        return self.index.timestamp or self.today

    def consume(self, entry: Entry, *elements: str) -> None:
        self.consumed.setdefault(entry.index, set()).update(elements)

    def line(
        self,
        status: Status,
        entry: Entry,
        element: str,
        reason: str = "",
        target: str | None = None,
    ) -> None:
        self.report.add(status, entry.ref, entry.at(element), reason, target)

    def put(
        self,
        target: str,
        value: Any,
        entry: Entry,
        element: str,
        status: Status = "mapped",
        reason: str = "",
    ) -> None:
        """Set ``target`` (dotted path) in the patient JSON and record where it came from."""
        node = self.doc
        parts = target.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
        self.provenance[target] = entry.at(element)
        self.consume(entry, element.split(".", 1)[0].split("[", 1)[0])
        self.line(status, entry, element, reason, target)

    def append(self, target: str, value: Any, entry: Entry, element: str, reason: str = "") -> int:
        """Append to a list at ``target``; returns the new item's index."""
        node = self.doc
        parts = target.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        items = node.setdefault(parts[-1], [])
        items.append(value)
        i = len(items) - 1
        self.provenance[f"{target}[{i}]"] = entry.at(element)
        self.consume(entry, element.split(".", 1)[0].split("[", 1)[0])
        self.line("mapped", entry, element, reason, f"{target}[{i}]")
        return i

    def offer(
        self,
        target: str,
        value: Any,
        entry: Entry,
        element: str,
        when: dt.date | None,
        priority: int = 0,
        reason: str = "",
        status: Status = "mapped",
    ) -> None:
        """Propose a value for a single-valued field; ``settle`` keeps the best (latest)."""
        day = when.toordinal() if when else 0
        rank = (priority, day, entry.index)
        self.offers.setdefault(target, []).append(
            Offer(value, rank, entry, element, status, reason)
        )
        self.consume(entry, element.split(".", 1)[0].split("[", 1)[0])

    def settle(self) -> None:
        """Keep the highest-ranked offer per field; report the others as superseded."""
        for target, offers in self.offers.items():
            best = max(offers, key=lambda o: o.rank)
            self.put(target, best.value, best.entry, best.element, best.status, best.reason)
            for o in offers:
                if o is not best:
                    self.line(
                        "ignored",
                        o.entry,
                        o.element,
                        f"superseded by {best.entry.ref} for {target}",
                        target,
                    )

    def finish_elements(self) -> None:
        """Report every present, unconsumed element of a resource that was used at all."""
        for e in self.index.entries:
            used = self.consumed.get(e.index)
            if used is None:
                continue
            for name in e.resource:
                if name in STRUCTURAL or name in used:
                    continue
                why = IGNORED_WHY.get(name, "element not used by gistcds")
                self.line("ignored", e, name, why)
