"""The condition language of the rule tables: its grammar (checked when the knowledge
base is built) and its meaning (matched against a fact mapping). No clinical content.

::

    when:
      genotype: {in: [KIT_exon11, KIT_exon13]}   # fact -> matcher
      setting: metastatic                         # a bare value means {eq: value}
      max_dose.imatinib: {lt: 800}                # dotted paths index mappings
      any_of: [{...}, {...}]                      # at least one sub-condition holds
      all_of: [{...}, {...}]                      # every sub-condition holds
      not: {...}                                  # the sub-condition does not hold

Matcher operators: eq, ne, in, not_in, lt, le, gt, ge (numbers; a missing value never
satisfies them), contains, not_contains, contains_any, contains_all, contains_none (list
facts), is_null (true/false). Fact names are the fields of
:class:`gistcds.domain.facts.ClinicalFacts`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

__all__ = [
    "COMBINATORS",
    "OPERATORS",
    "Condition",
    "check_condition",
    "condition_facts",
    "lookup",
    "matches",
]

Condition = dict[str, Any]


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
OPERATORS = frozenset(OPS)
COMBINATORS = frozenset({"any_of", "all_of", "not"})


def check_condition(cond: Any, known: frozenset[str], where: str = "when") -> None:
    """Raise ValueError naming the first unknown fact or operator in a condition."""
    if not isinstance(cond, dict):
        raise ValueError(f"{where}: a condition must be a mapping, got {cond!r}")
    for key, spec in cond.items():
        if key in ("any_of", "all_of"):
            if not isinstance(spec, list) or not spec:
                raise ValueError(f"{where}.{key}: must be a non-empty list of conditions")
            for i, sub in enumerate(spec):
                check_condition(sub, known, f"{where}.{key}[{i}]")
            continue
        if key == "not":
            check_condition(spec, known, f"{where}.not")
            continue
        if key.split(".")[0] not in known:
            raise ValueError(f"{where}: unknown fact {key!r}")
        if isinstance(spec, dict):
            bad = set(spec) - OPERATORS
            if bad:
                raise ValueError(f"{where}.{key}: unknown operator(s) {sorted(bad)}")


def condition_facts(cond: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every (fact path, matcher spec) a condition tests, combinators unfolded."""
    for key, spec in cond.items():
        if key in ("any_of", "all_of"):
            for sub in spec:
                yield from condition_facts(sub)
        elif key == "not":
            yield from condition_facts(spec)
        else:
            yield key, spec


def lookup(facts: Mapping[str, Any], path: str) -> Any:
    """The fact at a dotted path, or None when any part is missing."""
    value: Any = facts
    for part in path.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        else:
            return None
    return value


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
