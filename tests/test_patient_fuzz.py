"""Property: any JSON-like value is either a valid Patient or a clean InputError."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gistcds.domain.patient import Patient
from gistcds.errors import InputError
from gistcds.io.patient_json import parse_json, patient_from_obj
from tests.conftest import TODAY, example

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)

BASE = example("progression-after-imatinib.json")
_STEP = r'(?:\.[A-Za-z_]\w*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])'
PATH_LINE = re.compile(
    rf'^(?:[A-Za-z_]\w*|\[\d+\]|\["(?:[^"\\]|\\.)*"\]){_STEP}*: .+$|^expected a JSON object'
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


ALL_PATHS = _paths(BASE)


def _check(doc: Any) -> None:
    try:
        patient = patient_from_obj(doc, today=TODAY)
    except InputError as exc:
        assert exc.problems
        for problem in exc.problems:
            line = str(problem)
            assert "\n" not in line and "Traceback" not in line
            assert PATH_LINE.match(line), line
    else:
        assert isinstance(patient, Patient)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_arbitrary_json_values(value: Any) -> None:
    _check(value)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ALL_PATHS), json_values)
def test_one_field_of_a_real_patient_replaced(path: tuple[Any, ...], value: Any) -> None:
    doc = copy.deepcopy(BASE)
    node: Any = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    _check(doc)


@settings(max_examples=200)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_parse_or_fail_cleanly(data: bytes) -> None:
    try:
        parse_json(data)
    except InputError as exc:
        assert exc.problems


def test_round_trip_of_a_valid_patient() -> None:
    patient = patient_from_obj(BASE, today=TODAY)
    again = patient_from_obj(json.loads(patient.model_dump_json(exclude_none=True)), today=TODAY)
    assert again == patient
