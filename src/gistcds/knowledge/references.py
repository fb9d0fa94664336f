"""The reference pass: every id one table uses resolves in the table that defines it.

Each table's schema validates the table alone; this pass runs when all of them loaded and
reports, by file and path, every reference that does not resolve:

- a schema field marked ``ref(kind)`` holds ids of that kind (drug INNs, prognosis arms,
  factors and evidence groups, therapy rule ids); a list holds several, a mapping keys;
- every rule condition (a field named ``when``) tests ClinicalFacts fields with values
  of the field's type (genotype classes, risk categories, events...), and drug facts
  with drugs the knowledge base knows; so does every prognostic factor's condition
  (``ref("fact")``: a ClinicalFacts field, ``eq``/``in`` values of its type);
- drug classes replace hand-kept drug lists: each row of ``genomics_sensitivity.yaml``
  rates exactly the ``gist_tki`` drugs of ``therapy_drugs.yaml``, and the drugs the
  output names in ``genotype.sensitivity`` are among them;
- named groups (``groups:``) that several tables define under one name are the same list.

A new schema field that holds ids of another table is marked ``ref(kind)`` and is checked
from then on; a new kind is one entry in ``_resolvers``.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from gistcds.domain.facts import ClinicalFacts
from gistcds.knowledge.conditions import condition_facts

__all__ = ["RefKind", "check_references", "ref"]

RefKind = Literal[
    "drug", "regimen_drug", "arm_drug", "prognosis_arm", "prognosis_factor",
    "prognosis_group", "therapy_rule", "rated_drug", "fact", "clinical_fact",
]  # fmt: skip

Problem = str


def ref(kind: RefKind, **kwargs: Any) -> Any:
    """A schema field whose values are ids of ``kind`` (checked by this pass)."""
    return Field(json_schema_extra={"ref": kind}, **kwargs)


def _ref_kind(model: type[BaseModel], name: str) -> str | None:
    extra = model.model_fields[name].json_schema_extra
    kind = extra.get("ref") if isinstance(extra, dict) else None
    return kind if isinstance(kind, str) else None


def _resolvers(tables: dict[str, BaseModel]) -> dict[str, tuple[set[str], str]]:
    """For each kind: the ids that exist, and where they are defined (for messages)."""
    from gistcds.knowledge.schema import (
        prognosis_arms,
        prognosis_factors,
        therapy_drugs,
        therapy_rules,
    )

    drugs = _get(tables, "therapy_drugs", therapy_drugs.Table)
    arms = _get(tables, "prognosis_arms", prognosis_arms.Table)
    factors = _get(tables, "prognosis_factors", prognosis_factors.Table)
    rules = _get(tables, "therapy_rules", therapy_rules.Table)
    known = set(drugs.inns()) if drugs else set()
    listed = {d.inn for d in drugs.drugs} if drugs else set()
    rule_ids = (
        {r.id for r in [*rules.rules, *rules.post_cautions]} | {e.id for e in rules.exclusions}
        if rules
        else set()
    )
    return {
        "drug": (known, "therapy_drugs.yaml"),
        "regimen_drug": (listed | {"@last"}, "therapy_drugs.yaml drugs"),
        "rated_drug": (
            set(drugs.with_class("gist_tki")) if drugs else set(),
            "therapy_drugs.yaml drugs of class gist_tki",
        ),
        "arm_drug": (known | {"placebo"}, "therapy_drugs.yaml"),
        "prognosis_arm": ({a.id for a in arms.arms} if arms else set(), "prognosis_arms.yaml"),
        "prognosis_group": (
            {g.id for g in arms.groups} if arms else set(),
            "prognosis_arms.yaml groups",
        ),
        "prognosis_factor": (
            {f.id for f in factors.factors} if factors else set(),
            "prognosis_factors.yaml",
        ),
        "therapy_rule": (rule_ids, "therapy_rules.yaml"),
        "fact": (
            set(ClinicalFacts.model_fields) | set(prognosis_factors.OPTION_FIELDS),
            "ClinicalFacts (domain/facts.py) or the option's own fields",
        ),
        "clinical_fact": (set(ClinicalFacts.model_fields), "ClinicalFacts (domain/facts.py)"),
    }


T = typing.TypeVar("T", bound=BaseModel)


def _get(tables: dict[str, BaseModel], name: str, model: type[T]) -> T | None:
    table = tables.get(name)
    return table if isinstance(table, model) else None


def _walk(value: Any, path: str) -> Iterator[tuple[str, BaseModel, str, Any]]:
    """Every (path, model, field name, value) below a validated table."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            child = getattr(value, name)
            sub = f"{path}.{name}" if path else name
            yield sub, value, name, child
            yield from _walk(child, sub)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")


def _ids(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [str(k) for k in value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return []


# --- conditions ----------------------------------------------------------------------------

_THERAPY_EXTRA = {"recommended_drugs": "drug", "recommended_classes": "drug_class"}
_ANY_VALUE = (list, tuple, set, frozenset)


def _fact_type(name: str) -> tuple[Any, str | None]:
    """(annotation, ref kind) of a fact a condition may test."""
    if name in _THERAPY_EXTRA:
        return list[str], _THERAPY_EXTRA[name]
    field = ClinicalFacts.model_fields[name]
    extra = field.json_schema_extra
    kind = extra.get("ref") if isinstance(extra, dict) else None
    return field.annotation, kind if isinstance(kind, str) else None


def _element(annotation: Any) -> Any:
    """The element type of a tuple/list/dict-valued fact (the annotation otherwise)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (tuple, list) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return annotation


def _values(op: str, arg: Any) -> tuple[str, list[Any]]:
    """('scalar' | 'element' | 'number' | 'flag', values) an operator compares with."""
    if op in ("lt", "le", "gt", "ge"):
        return "number", [arg]
    if op == "is_null":
        return "flag", [arg]
    many = list(arg) if isinstance(arg, _ANY_VALUE) else [arg]
    if op in ("eq", "ne"):
        return "scalar", [arg]
    if op in ("in", "not_in"):
        return "scalar", many
    return "element", many  # contains, not_contains, contains_any/all/none


def _bad_value(value: Any, annotation: Any) -> bool:
    try:
        TypeAdapter[Any](annotation).validate_python(value)
    except ValidationError:
        return True
    return False


def _check_condition(
    cond: dict[str, Any],
    where: str,
    resolve: dict[str, tuple[set[str], str]],
    drug_classes: set[str],
) -> Iterator[Problem]:
    for path, spec in condition_facts(cond):
        name, _, key = path.partition(".")
        if name not in ClinicalFacts.model_fields and name not in _THERAPY_EXTRA:
            continue  # unknown facts are the schema's error
        annotation, kind = _fact_type(name)
        if key:
            known, table = resolve["drug"]
            if kind == "drug" and key not in known:
                yield f"{where}: {path}: {key!r} is not a drug in {table}"
            annotation, kind = _element(annotation), None
        checks = spec if isinstance(spec, dict) else {"eq": spec}
        for op, arg in checks.items():
            shape, values = _values(op, arg)
            if shape in ("number", "flag"):
                continue
            target = _element(annotation) if shape == "element" else annotation
            for v in values:
                if kind == "drug":
                    known, table = resolve["drug"]
                    if v not in known and v != "none":
                        yield f"{where}: {path}: {v!r} is not a drug in {table}"
                elif kind == "drug_class":
                    if v not in drug_classes:
                        yield f"{where}: {path}: {v!r} is not a drug class"
                elif _bad_value(v, target):
                    yield f"{where}: {path}: {v!r} is not a value of fact {name!r}"


# --- the pass --------------------------------------------------------------------------------


def _field_refs(
    file: str, table: BaseModel, resolve: dict[str, tuple[set[str], str]], drug_classes: set[str]
) -> Iterator[Problem]:
    for path, model, name, value in _walk(table, ""):
        kind = _ref_kind(type(model), name)
        if kind is not None:
            known, where = resolve[kind]
            for v in _ids(value):
                if v not in known:
                    yield f"{file}: {path}: {v!r} not found in {where}"
        if name == "when" and isinstance(value, dict):
            yield from _check_condition(value, f"{file}: {path}", resolve, drug_classes)


def _factor_values(tables: dict[str, BaseModel]) -> Iterator[Problem]:
    """The ``eq``/``in`` values of a prognostic factor's condition, and of a population
    the trials did not enrol, are values of the fact they name (``genotype: KIT_exon99``
    or ``site: stomack`` would never hold)."""
    from gistcds.knowledge.schema import prognosis_factors

    table = _get(tables, "prognosis_factors", prognosis_factors.Table)
    tests: list[tuple[str, str, str, Any]] = []  # (where, fact, op, value)
    for i, factor in enumerate(table.factors if table else []):
        for j, cond in enumerate(factor.conditions):
            where = f"factors[{i}].conditions[{j}] ({factor.id})"
            tests.append((where, cond.field, cond.op, cond.value))
    for i, state in enumerate(table.outside_trial_populations if table else []):
        tests.append(
            (f"outside_trial_populations[{i}] ({state.id})", state.fact, state.op, state.value)
        )
    for where, fact, op, value in tests:
        if op not in ("eq", "in") or fact not in ClinicalFacts.model_fields:
            continue  # names are the ref pass's; numbers are compared, not typed
        annotation = ClinicalFacts.model_fields[fact].annotation
        for v in value if isinstance(value, list) else [value]:
            if _bad_value(v, annotation):
                yield f"prognosis_factors.yaml: {where}: {v!r} is not a value of fact {fact!r}"


def _drug_lists(tables: dict[str, BaseModel]) -> Iterator[Problem]:
    """Rows of genomics_sensitivity.yaml rate exactly the gist_tki drugs; the output's
    sensitivity fields are among them."""
    from gistcds.domain.results.genotype import Sensitivity
    from gistcds.knowledge.schema import genomics_sensitivity, therapy_drugs

    drugs = _get(tables, "therapy_drugs", therapy_drugs.Table)
    sens = _get(tables, "genomics_sensitivity", genomics_sensitivity.Table)
    if drugs is None:
        return
    rated = drugs.with_class("gist_tki")
    for name in Sensitivity.model_fields:
        if name not in rated:
            yield f"therapy_drugs.yaml: {name!r} (genotype.sensitivity) is not of class gist_tki"
    if sens is None:
        return
    rows = [(f"primary.{k}", r) for k, r in sens.primary.items()]
    rows += [(f"secondary.{k}", r) for k, r in sens.secondary.items()]
    for where, row in rows:
        missing, extra = sorted(set(rated) - set(row)), sorted(set(row) - set(rated))
        if missing:
            yield f"genomics_sensitivity.yaml: {where}: no cell for gist_tki drug(s) {missing}"
        if extra:
            yield (
                f"genomics_sensitivity.yaml: {where}: {extra} not of class gist_tki in "
                "therapy_drugs.yaml"
            )


def _groups(tables: dict[str, BaseModel]) -> Iterator[Problem]:
    """A group name defined in several tables names the same list in each."""
    seen: dict[str, tuple[str, list[str]]] = {}
    for name, table in sorted(tables.items()):
        groups = getattr(table, "groups", None)
        if not isinstance(groups, dict):
            continue
        for g, values in groups.items():
            if g in seen and seen[g][1] != values:
                yield (
                    f"{name}.yaml: groups.{g}: differs from the group of that name in "
                    f"{seen[g][0]}.yaml"
                )
            seen.setdefault(g, (name, list(values)))


def check_references(tables: dict[str, BaseModel]) -> list[Problem]:
    """Every unresolved reference between the tables, by file and path (empty: all fine)."""
    from gistcds.knowledge.schema.therapy_drugs import DrugClass

    resolve = _resolvers(tables)
    classes = set(typing.get_args(DrugClass))
    problems: list[Problem] = []
    for name, table in sorted(tables.items()):
        problems.extend(_field_refs(f"{name}.yaml", table, resolve, classes))
    problems.extend(_factor_values(tables))
    problems.extend(_drug_lists(tables))
    problems.extend(_groups(tables))
    return problems
