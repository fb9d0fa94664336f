"""Parse an input Bundle with fhir.resources (R4B models, R4 content) and index its entries.

The Bundle is validated as a whole by ``fhir.resources`` (unknown elements, missing
required elements and wrong types are refused, each with its JSON path); the mappers then
read the validated JSON, so every line of the mapping report can name the exact path
(``entry[5].resource.component[0].valueQuantity``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from gistcds.errors import InputError, Problem

__all__ = ["BundleIndex", "Entry", "first_date", "parse_bundle", "profiles", "quantity"]

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"


@dataclass
class Entry:
    """One entry of the Bundle: its position, resource JSON and how others refer to it."""

    index: int
    resource: dict[str, Any]
    full_url: str | None

    @property
    def rtype(self) -> str:
        return str(self.resource.get("resourceType", ""))

    @property
    def rid(self) -> str | None:
        rid = self.resource.get("id")
        return str(rid) if rid is not None else None

    @property
    def ref(self) -> str:
        if self.rid:
            return f"{self.rtype}/{self.rid}"
        return self.full_url or f"{self.rtype}#{self.index}"

    @property
    def path(self) -> str:
        return f"entry[{self.index}].resource"

    def at(self, element: str) -> str:
        return f"{self.path}.{element}" if element else self.path


@dataclass
class BundleIndex:
    """Entries by reference (``Type/id`` and fullUrl), in Bundle order."""

    entries: list[Entry]
    timestamp: dt.date | None
    by_ref: dict[str, Entry] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for e in self.entries:
            if e.rid:
                self.by_ref[f"{e.rtype}/{e.rid}"] = e
            if e.full_url:
                self.by_ref[e.full_url] = e

    def resolve(self, reference: Any) -> Entry | None:
        """The entry a Reference (dict) points at: ``Type/id``, fullUrl or an absolute URL."""
        if not isinstance(reference, dict):
            return None
        ref = str(reference.get("reference") or "")
        if not ref:
            return None
        if ref in self.by_ref:
            return self.by_ref[ref]
        parts = ref.rstrip("/").split("/")
        if len(parts) >= 2:
            return self.by_ref.get(f"{parts[-2]}/{parts[-1]}")
        return None

    def of_type(self, *types: str) -> list[Entry]:
        return [e for e in self.entries if e.rtype in types]


def parse_bundle(obj: Any) -> BundleIndex:
    """Validate with fhir.resources R4B and index; InputError names every structural fault."""
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    from gistcds.io.validation import problems_from

    if not isinstance(obj, dict) or obj.get("resourceType") != "Bundle":
        kind = obj.get("resourceType") if isinstance(obj, dict) else type(obj).__name__
        raise InputError([Problem("resourceType", f"expected a FHIR Bundle, got {kind!r}")])
    try:
        Bundle.model_validate(obj)
    except ValidationError as exc:
        raise InputError(problems_from(exc)) from None
    entries = [
        Entry(i, e["resource"], e.get("fullUrl"))
        for i, e in enumerate(obj.get("entry") or [])
        if isinstance(e, dict) and isinstance(e.get("resource"), dict)
    ]
    return BundleIndex(entries, _date(obj.get("timestamp")))


def profiles(resource: dict[str, Any]) -> set[str]:
    """mCODE/GR profile ids claimed in meta.profile (the part after the last slash)."""
    meta = resource.get("meta") or {}
    return {str(p).rsplit("/", 1)[-1].split("|")[0] for p in meta.get("profile") or []}


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def first_date(resource: dict[str, Any], *elements: str) -> dt.date | None:
    """The first full date among the named elements (dateTime, Period.start, instant)."""
    for name in elements:
        value = resource.get(name)
        if isinstance(value, dict):
            value = value.get("start")
        d = _date(value)
        if d is not None:
            return d
    return None


def date_of(value: Any) -> dt.date | None:
    return _date(value)


def quantity(q: Any) -> tuple[float, str] | None:
    """(value, UCUM code or unit) of a Quantity dict, or None."""
    if not isinstance(q, dict) or not isinstance(q.get("value"), int | float):
        return None
    if isinstance(q.get("value"), bool):
        return None
    return float(q["value"]), str(q.get("code") or q.get("unit") or "")
