"""The derived facts: the rules of ``history.yaml`` applied to the read facts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gistcds.knowledge.conditions import matches
from gistcds.knowledge.schema.history import Derived

__all__ = ["apply_derived"]


def apply_derived(derived: Sequence[Derived], facts: dict[str, Any]) -> dict[str, Any]:
    """Set each derived fact from the first of its entries whose condition holds, in table
    order (a condition sees the derived facts set before it); None where none holds."""
    out = dict(facts)
    done: set[str] = set()
    view = _json_view(out)
    for d in derived:
        if d.name in done:
            continue
        if matches(d.when, view):
            out[d.name] = view[d.name] = d.value
            done.add(d.name)
    for d in derived:
        out.setdefault(d.name, None)
    return out


def _json_view(facts: dict[str, Any]) -> dict[str, Any]:
    """The read facts as the plain values conditions are matched against."""
    from gistcds.domain.facts import ClinicalFacts

    return ClinicalFacts.model_validate(facts).view.copy()
