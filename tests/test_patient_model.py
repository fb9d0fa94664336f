"""The patient input model, field by field (CONTRACT.md schema 1)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from gistcds.errors import InputError
from gistcds.io.patient_json import patient_from_obj
from tests.conftest import TODAY, example

BASE = example("progression-after-imatinib.json")


def with_change(path: str, value: Any) -> dict[str, Any]:
    """A copy of BASE with the value at a dotted path replaced (``[i]`` for indices)."""
    doc = copy.deepcopy(BASE)
    parts = path.replace("]", "").replace("[", ".").split(".")
    node: Any = doc
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return doc


def problems(doc: dict[str, Any]) -> list[str]:
    with pytest.raises(InputError) as info:
        patient_from_obj(doc, today=TODAY)
    return [str(p) for p in info.value.problems]


def test_every_example_is_valid() -> None:
    from tests.conftest import EXAMPLES

    for path in sorted(EXAMPLES.glob("*.json")):
        patient = patient_from_obj(example(path.name), today=TODAY)
        assert patient.id


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("primary.size_cm", -3, "primary.size_cm: must be > 0, got -3"),
        ("primary.size_cm", 0, "primary.size_cm: must be > 0, got 0"),
        ("primary.size_cm", 100.5, "primary.size_cm: must be <= 100, got 100.5"),
        ("primary.size_cm", "big", 'primary.size_cm: must be a number, got "big"'),
        ("primary.mitoses.count", -1, "primary.mitoses.count: must be >= 0, got -1"),
        ("primary.mitoses.count", 1001, "primary.mitoses.count: must be <= 1000, got 1001"),
        ("primary.mitoses.per", "10hpf", "primary.mitoses.per: must be one of 5mm2 or 50hpf"),
        ("primary.site", "brain", "primary.site: must be one of stomach"),
        ("primary.resection", "R3", "primary.resection: must be one of none, R0, R1 or R2"),
        ("primary.nodes", "N2", "primary.nodes: must be one of N0, N1 or NX"),
        ("primary.rupture", "perhaps", "primary.rupture: must be true or false"),
        ("ecog", 5, "ecog: must be <= 4, got 5"),
        ("ecog", -1, "ecog: must be >= 0, got -1"),
        ("ecog", 1.5, "ecog: "),
        ("sex", "f", "sex: must be one of female, male, other or unknown"),
        ("age_years", 130, "age_years: must be <= 120, got 130"),
        ("therapy_lines[1].dose_mg_per_day", 0, "therapy_lines[1].dose_mg_per_day: must be > 0"),
        ("therapy_lines[1].setting", "palliative", "therapy_lines[1].setting: must be one of"),
        ("therapy_lines[1].best_response", "MR", "therapy_lines[1].best_response: must be one of"),
        ("therapy_lines[1].stop_reason", "cost", "therapy_lines[1].stop_reason: must be one of"),
        ("therapy_lines[1].progression", "mixed", "therapy_lines[1].progression: must be one of"),
        ("therapy_lines[1].start", "2022-02-30", "therapy_lines[1].start: must be a date"),
        ("molecular.variants[0].source", "blood", "molecular.variants[0].source: must be one of"),
        ("molecular.variants[0].hgvs_p", "", "molecular.variants[0].hgvs_p: must not be empty"),
        ("molecular.sdhb_ihc", "weak", "molecular.sdhb_ihc: must be one of retained, lost"),
        ("labs.hemoglobin_g_per_dl", 0, "labs.hemoglobin_g_per_dl: must be > 0, got 0"),
        ("imaging[0].lesions[0].kind", "main", "imaging[0].lesions[0].kind: must be one of"),
        ("imaging[0].lesions[0].longest_diameter_mm", -2, "longest_diameter_mm: must be >= 0"),
        ("schema_version", "2", 'schema_version: must be "1", got "2"'),
        ("comedications", "rifampicin", "comedications: must be a list"),
    ],
)
def test_field_rules(path: str, value: Any, expected: str) -> None:
    found = problems(with_change(path, value))
    assert any(expected in line for line in found), found


def test_unknown_field_is_an_error_that_names_it() -> None:
    doc = copy.deepcopy(BASE)
    doc["primary"]["grade"] = "G2"
    assert problems(doc) == ['primary.grade: unknown field, got "G2"']


def test_id_is_required() -> None:
    doc = copy.deepcopy(BASE)
    del doc["id"]
    assert problems(doc) == ["id: required"]


def test_every_problem_is_reported_not_only_the_first() -> None:
    doc = with_change("primary.size_cm", -3)
    doc["ecog"] = 9
    doc["sex"] = "x"
    assert len(problems(doc)) == 3


def test_line_ending_before_it_starts() -> None:
    doc = with_change("therapy_lines[1].end", "2022-01-01")
    assert problems(doc) == [
        'therapy_lines[1].end: must not be before start (2022-02-15), got "2022-01-01"'
    ]


def test_lines_must_be_oldest_first() -> None:
    doc = copy.deepcopy(BASE)
    doc["therapy_lines"].reverse()
    assert any("oldest first" in p for p in problems(doc))


def test_imaging_out_of_order() -> None:
    doc = with_change("imaging[1].date", "2025-01-01")
    assert any(
        p.startswith("imaging[1].date: imaging time points must be in date order")
        for p in problems(doc)
    )


def test_imaging_same_date_twice_is_refused() -> None:
    doc = with_change("imaging[1].date", BASE["imaging"][0]["date"])
    assert any(p.startswith("imaging[1].date:") for p in problems(doc))


def test_lesion_ids_unique_per_time_point() -> None:
    doc = copy.deepcopy(BASE)
    doc["imaging"][2]["lesions"][1]["id"] = "L1"
    assert problems(doc) == [
        'imaging[2].lesions[1].id: lesion id repeated within one time point, got "L1"'
    ]


@pytest.mark.parametrize(
    "path",
    [
        "metastatic.diagnosed",
        "therapy_lines[0].start",
        "molecular.variants[1].date",
        "imaging[2].date",
    ],
)
def test_no_dates_after_today(path: str) -> None:
    found = problems(with_change(path, "2026-11-27"))
    assert any(p.startswith(f"{path}: must not be after today (2026-11-26)") for p in found), found


def test_today_itself_is_accepted() -> None:
    doc = with_change("imaging[2].date", "2026-11-26")
    assert patient_from_obj(doc, today=TODAY).imaging[2].date == TODAY


def test_values_are_normalised() -> None:
    doc = with_change("therapy_lines[0].drug", " Imatinib ")
    doc["molecular"]["variants"][0]["gene"] = "kit"
    doc["comedications"] = ["Omeprazole"]
    patient = patient_from_obj(doc, today=TODAY)
    assert patient.therapy_lines[0].drug == "imatinib"
    assert patient.molecular is not None and patient.molecular.variants[0].gene == "KIT"
    assert patient.comedications == ["omeprazole"]


def test_mitoses_units_both_accepted() -> None:
    for unit in ("5mm2", "50hpf"):
        patient = patient_from_obj(with_change("primary.mitoses.per", unit), today=TODAY)
        assert patient.primary is not None and patient.primary.mitoses is not None
        assert patient.primary.mitoses.per.value == unit


def test_minimal_patient() -> None:
    patient = patient_from_obj({"id": "x"}, today=TODAY)
    assert patient.primary is None and patient.therapy_lines == [] and not patient.is_metastatic
