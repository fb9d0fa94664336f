"""Issue 12 item 7: contradictory or implausible input is refused (exit 2, the field named) or
warned about, never silently coerced or assessed as if it were right.

Rules: numbers are numbers and flags are booleans (CONTRACT.md, additions to schema 1); a
contradiction is invalid input; identifiers and free text carry no control or invisible
formatting characters; implausible values are warned about with their JSON path. Messages
are in one voice: "path: what is expected, got value", no regular expression, no Python.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gistcds.assess import assess
from gistcds.domain.patient import Patient
from gistcds.errors import InputError
from gistcds.io.patient_json import patient_from_obj
from tests.conftest import TODAY, example

GISTCDS = str(Path(sys.executable).parent / "gistcds")
BASE = example("progression-after-imatinib.json")


def problems(doc: dict[str, Any]) -> list[str]:
    try:
        patient_from_obj(doc, today=TODAY)
    except InputError as exc:
        return [str(p) for p in exc.problems]
    return []


def with_field(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    node: Any = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("primary", "size_cm"), True, "primary.size_cm: must be a number, got true"),
        (("age_years",), "58", 'age_years: must be a number, got "58"'),
        (("ecog",), "1", 'ecog: must be a whole number, got "1"'),
        (("ecog",), 1.5, "ecog: must be a whole number, got 1.5"),
        (("primary", "rupture"), 0, "primary.rupture: must be true or false, got 0"),
        (("primary", "mitoses", "count"), "12", "primary.mitoses.count: must be a number"),
        (("therapy_lines", 0, "dose_mg_per_day"), "400", "dose_mg_per_day: must be a number"),
    ],
)
def test_strings_and_booleans_are_not_coerced_into_numbers(
    path: tuple[Any, ...], value: Any, expected: str
) -> None:
    """``"size_cm": true`` was read as 1 cm and ``"age_years": "58"`` as 58: strict types."""
    found = problems(with_field(path, value))
    assert len(found) == 1 and expected in found[0], found


def test_whole_valued_decimal_is_a_whole_number() -> None:
    assert patient_from_obj(with_field(("ecog",), 1.0), today=TODAY).ecog == 1


def test_male_patient_marked_pregnant_is_refused_on_the_command_line(tmp_path: Path) -> None:
    """A male patient marked pregnant got a pregnancy caution: the record contradicts itself,
    so it is refused with exit 2 and the field named."""
    doc = {**BASE, "sex": "male", "pregnant": True}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    run = subprocess.run(
        [GISTCDS, "assess", str(path)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "pregnant: contradicts sex male; correct one of the two, got true"
    ]


def test_date_before_birth_is_refused() -> None:
    """Age 30 with a metastatic diagnosis in 1980: a date before the patient was born."""
    found = problems({**BASE, "age_years": 30, "metastatic": {"diagnosed": "1980-01-01"}})
    assert found and found[0].startswith("metastatic.diagnosed: is before the patient was born")


def test_age_rounded_down_does_not_refuse_a_date_within_the_year_of_birth() -> None:
    """Age is given in years: a 30-year-old may have been born up to 31 years ago."""
    d = TODAY.replace(year=TODAY.year - 30).isoformat()
    assert problems({**BASE, "age_years": 30, "metastatic": {"diagnosed": d}}) == []


@pytest.mark.parametrize("char", ["\u202e", "\x00", "\u200b", "\u2066", "\x1b", "\ufeff"])
@pytest.mark.parametrize(
    "path",
    [("id",), ("imaging", 0, "lesions", 0, "id"), ("comedications",), ("therapy_lines", 0, "drug")],
)
def test_control_characters_are_refused_in_ids_and_free_text(
    char: str, path: tuple[Any, ...]
) -> None:
    """U+202E (right-to-left override) or NUL in an id passed into reports, where it can
    reorder or hide text. Refused; the message escapes the character instead of printing it."""
    value: Any = ["rifampicin" + char] if path == ("comedications",) else "L" + char + "1"
    found = problems(with_field(path, value))
    assert len(found) == 1, found
    assert "control or invisible formatting characters" in found[0]
    assert char not in found[0]
    assert f"U+{ord(char):04X}" in found[0]


def test_null_means_not_recorded_for_every_optional_field() -> None:
    """``null`` was accepted for optional objects but refused for optional lists."""
    doc = {"id": "n"}
    for name, field in Patient.model_fields.items():
        if name not in ("id", "schema_version") and not field.is_required():
            doc[name] = None
    p = patient_from_obj(doc, today=TODAY)
    assert p.therapy_lines == [] and p.imaging == [] and p.primary is None


def test_gene_symbol_message_has_no_regular_expression() -> None:
    doc = {"id": "g", "molecular": {"variants": [{"gene": "kit!", "hgvs_p": "p.V559D"}]}}
    (found,) = problems(doc)
    assert "gene symbols are upper-case letters and digits, e.g. KIT" in found
    assert "^" not in found and "$" not in found


def test_implausible_values_are_assessed_with_a_warning(kb: Any) -> None:
    """85 cm (millimetres typed as centimetres) and albumin 3.9 (g/dL typed as g/L): valid,
    implausible; the assessment says so with the path and goes ahead on the value given."""
    doc = copy.deepcopy(BASE)
    doc["primary"]["size_cm"] = 85
    doc["labs"] = {"albumin_g_per_l": 3.9}
    a = assess(patient_from_obj(doc, today=TODAY), kb)
    warnings = [w for w in a.warnings if w.startswith(("primary.size_cm", "labs.albumin"))]
    assert len(warnings) == 2
    assert "centimetres" in warnings[0] and "g/L" in warnings[1]


# --- properties -----------------------------------------------------------------------------

NUMBER_PATHS = [
    ("age_years",),
    ("primary", "size_cm"),
    ("primary", "mitoses", "count"),
    ("therapy_lines", 0, "dose_mg_per_day"),
    ("imaging", 0, "lesions", 0, "longest_diameter_mm"),
]
not_numbers = st.one_of(
    st.booleans(),
    st.text(max_size=6),
    st.integers(0, 90).map(str),
    st.lists(st.integers(0, 5), max_size=2),
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(NUMBER_PATHS), not_numbers)
def test_a_non_number_where_a_number_belongs_is_refused(path: tuple[Any, ...], value: Any) -> None:
    found = problems(with_field(path, value))
    assert found, f"{path} accepted {value!r}"
    assert any("must be a number" in f for f in found)


invisible = st.characters(
    codec="utf-8", categories=["Cc", "Cf"], exclude_characters="\t\n\r\x0b\x0c \x1c\x1d\x1e\x1f\x85"
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="ABC123-", min_size=1, max_size=8), invisible, st.integers(0, 8))
def test_any_control_or_format_character_in_an_id_is_refused(
    text: str, char: str, where: int
) -> None:
    value = text[:where] + char + text[where:]
    found = problems(with_field(("id",), value))
    assert found and all(char not in f for f in found)
    assert unicodedata.category(char) in ("Cc", "Cf")


# generated text never says "got" itself, nor holds a regex fragment, which a message may
# echo back: the message's own "got" and its own wording are what is checked
_WORDS = st.text(max_size=8).filter(
    lambda s: "got" not in s.lower() and "^[" not in s and "]{" not in s
)
MESSAGE_TEXT = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5000) | st.floats(-10, 1e4) | _WORDS,
    lambda c: st.lists(c, max_size=3) | st.dictionaries(_WORDS, c, max_size=3),
    max_leaves=8,
)
ALL_PATHS: list[tuple[Any, ...]] = []


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> None:
    if prefix:
        ALL_PATHS.append(prefix)
    if isinstance(doc, dict):
        for k, v in doc.items():
            _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            _paths(v, (*prefix, i))


_paths(BASE)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ALL_PATHS), MESSAGE_TEXT)
def test_messages_are_in_one_voice(path: tuple[Any, ...], value: Any) -> None:
    """No doubled "got", no regex, no Python wording in any message."""
    for line in problems(with_field(path, value)):
        assert line.count("got ") <= 1, line
        for python in ("Input should", "instance of", "NoneType", "Value error", "dict_type"):
            assert python not in line, line
        assert "^[" not in line and "]{" not in line, line
