"""Validation messages in one voice (issue 19 item 9), as properties over mutated patients:
one "got" at most, no regular expression, no Python or pydantic wording, and ``null``
accepted alike for every optional object and list."""

from __future__ import annotations

import copy
import re
import types
import typing
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from gistcds.domain.patient import Patient
from gistcds.errors import InputError
from gistcds.io.patient_json import parse_json, patient_from_obj
from tests.conftest import TODAY, example

BASE = example("progression-after-imatinib.json")

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**300, max_value=10**1200)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["", " ", "kit", "2025-02-30", "NaN", "x" * 200, "\u202e", "R3"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)

# what a message must never contain: Python/pydantic wording, regexes, type names
FORBIDDEN = [
    re.compile(p)
    for p in (
        r"Input should",
        r"Value error",
        r"sys\.",
        r"set_int_max_str_digits",
        r"pydantic",
        r"<class ",
        r"\bNone\b",
        r"\^\[|\]\{|\$\b|\\d|\[A-Z",
        r"instance of",
        r"Traceback",
        r"\bdict\b|\bstr\b|\bint\b|\bfloat\b",
        r"at least 1 items",
    )
]


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


def _messages(doc: Any) -> list[str]:
    try:
        patient_from_obj(doc, today=TODAY)
    except InputError as exc:
        return [p.message for p in exc.problems]
    return []


def _check_voice(message: str) -> None:
    """The words before ", got VALUE" (the value is the user's own, repeated back)."""
    words = message.split(", got ", 1)[0]
    assert "got " not in words, message
    assert words and not words.endswith((",", ";", " ")), message
    for pattern in FORBIDDEN:
        assert not pattern.search(words), (pattern.pattern, message)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(_paths(BASE)), values)
def test_one_field_replaced_gives_messages_in_the_house_voice(
    path: tuple[Any, ...], value: Any
) -> None:
    doc = copy.deepcopy(BASE)
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    for message in _messages(doc):
        _check_voice(message)


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"id": ""}, "id: must not be empty"),
        ({"id": "x", "schema_version": "2"}, 'schema_version: must be "1", got "2"'),
        (
            {"id": "x", "molecular": {"variants": [{"gene": "KIT!", "hgvs_p": "D842V"}]}},
            "molecular.variants[0].gene: gene symbols are upper-case letters and digits, "
            'e.g. KIT, got "KIT!"',
        ),
        ({"id": "x", "ecog": 10**5000}, "ecog: must be <= 4, got a number of 5001 digits"),
        (
            {"id": "x", "primary": {"size_cm": 10**5000}},
            "primary.size_cm: must be a smaller number, got a number of 5001 digits",
        ),
    ],
)
def test_messages_for_known_mistakes(doc: dict[str, Any], expected: str) -> None:
    try:
        patient_from_obj(doc, today=TODAY)
    except InputError as exc:
        assert [str(p) for p in exc.problems] == [expected]
    else:  # pragma: no cover - the failure message
        pytest.fail(f"accepted: {doc}")


def test_a_number_too_long_for_python_is_refused_without_python_hints() -> None:
    with pytest.raises(InputError) as caught:
        parse_json(b'{"id": "x", "ecog": ' + b"9" * 5000 + b"}", "p.json")
    (problem,) = caught.value.problems
    assert str(problem) == "p.json: a number has more than 4300 digits"


def _optional_models_and_lists(model: type[BaseModel]) -> list[tuple[str, ...]]:
    """Every field path whose value may be an object or a list and is not required."""
    out: list[tuple[str, ...]] = []
    for name, field in model.model_fields.items():
        if field.is_required():
            continue
        annotation = field.annotation
        if typing.get_origin(annotation) in (typing.Union, types.UnionType):
            inner = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = inner[0] if len(inner) == 1 else annotation
        target = annotation
        if typing.get_origin(target) is list or field.default_factory is list:
            out.append((name,))  # a list: null means empty; its items are not optional
        elif isinstance(target, type) and issubclass(target, BaseModel):
            out.append((name,))
            out += [(name, *p) for p in _optional_models_and_lists(target)]
    return out


OPTIONAL = _optional_models_and_lists(Patient)


def test_the_walk_finds_the_optional_objects() -> None:
    assert {("primary",), ("molecular",), ("renal",), ("cardiac",), ("labs",)} <= set(OPTIONAL)
    assert ("primary", "mitoses") in OPTIONAL and ("therapy_lines",) in OPTIONAL


@pytest.mark.parametrize("path", OPTIONAL, ids=".".join)
def test_null_is_accepted_for_every_optional_object_and_list(path: tuple[str, ...]) -> None:
    """``null`` means "not recorded" wherever a value is optional: an absent object, or an
    empty list -- never an error for one optional object and not another."""
    doc: dict[str, Any] = {"id": "n"}
    target = doc
    for step in path[:-1]:
        target = target.setdefault(step, {})
    target[path[-1]] = None
    assert _messages(doc) == []
