"""Generic condition matching over a fact mapping (the language is described in
``gistcds.knowledge.schema.therapy_rules``). No clinical content here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

_MISSING = object()


def lookup(facts: Mapping[str, Any], path: str) -> Any:
    """The fact at a dotted path, or None when any part is missing."""
    value: Any = facts
    for part in path.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        else:
            return None
    return value


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return [value]


def _num(op: Callable[[float, float], bool]) -> Callable[[Any, Any], bool]:
    def check(value: Any, arg: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return op(float(value), float(arg))

    return check


OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda v, a: bool(v == a),
    "ne": lambda v, a: bool(v != a),
    "in": lambda v, a: v in _as_list(a),
    "not_in": lambda v, a: v not in _as_list(a),
    "lt": _num(lambda x, y: x < y),
    "le": _num(lambda x, y: x <= y),
    "gt": _num(lambda x, y: x > y),
    "ge": _num(lambda x, y: x >= y),
    "contains": lambda v, a: a in _as_list(v),
    "not_contains": lambda v, a: a not in _as_list(v),
    "contains_any": lambda v, a: any(x in _as_list(v) for x in _as_list(a)),
    "contains_all": lambda v, a: all(x in _as_list(v) for x in _as_list(a)),
    "contains_none": lambda v, a: not any(x in _as_list(v) for x in _as_list(a)),
    "is_null": lambda v, a: (v is None) == bool(a),
}


def matches(cond: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    """True when every entry of the condition holds for the facts (empty: always)."""
    for key, spec in cond.items():
        if key == "any_of":
            if not any(matches(sub, facts) for sub in spec):
                return False
        elif key == "all_of":
            if not all(matches(sub, facts) for sub in spec):
                return False
        elif key == "not":
            if matches(spec, facts):
                return False
        else:
            value = lookup(facts, key)
            checks = spec if isinstance(spec, Mapping) else {"eq": spec}
            for op, arg in checks.items():
                if not OPS[op](value, arg):
                    return False
    return True
