"""The researchers' view: no ids, dates shifted per patient, no free text (``api.deid``)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gistcds.api.deid import (
    date_shift_days,
    deidentify_input,
    deidentify_output,
    deidentify_record,
    subject_pseudonym,
)
from gistcds.store import StoredAssessment
from service_helpers import example

SECRET = bytes(range(32))
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _dates(value: Any) -> list[str]:
    return DATE.findall(json.dumps(value))


def test_research_listing_is_deidentified(api: Any) -> None:
    doc = example("progression-after-imatinib.json")
    doc["metastatic"]["sites"].append("seen by Dr Who at St Elsewhere")
    ids = [
        api.post("/api/v1/assessments", json=doc, headers=api.clinician).json()["id"]
        for _ in range(2)
    ]
    r = api.get("/api/v1/research/assessments", headers=api.researcher)
    assert r.status_code == 200
    items = r.json()["items"]
    assert len(items) == 2
    text = json.dumps(items)
    for secret in (*ids, doc["id"], "Dr Who", "St Elsewhere"):
        assert secret not in text
    assert all("id" not in item["patient"] for item in items)
    assert "patient_id" not in items[0]["assessment"]
    assert items[0]["subject"] == items[1]["subject"]
    assert items[0]["patient"] == items[1]["patient"]
    days = date_shift_days(api.store.secret("deidentification"), doc["id"])
    assert sorted(_dates(items[0]["patient"])) == sorted(_shift(d, days) for d in _dates(doc))
    assert _dates(doc) and days < 0
    stored = json.loads(api.store.get_assessment(ids[0]).output_json)
    shown = _dates(items[0]["assessment"])
    assert shown and set(shown) <= {_shift(d, days) for d in _dates(stored)}


def test_dates_move_by_one_shift_per_patient() -> None:
    doc = example("progression-after-imatinib.json")
    out, dropped = deidentify_input(doc, SECRET)
    days = date_shift_days(SECRET, doc["id"])
    assert -365 <= days <= -1
    before = [dt.date.fromisoformat(d) for d in _dates(doc)]
    after = [dt.date.fromisoformat(d) for d in _dates(out)]
    assert len(before) == len(after)
    assert {(a - b).days for a, b in zip(after, before, strict=True)} == {days}
    assert dropped == set()
    assert out["therapy_lines"] == [
        {**line, "start": _shift(line["start"], days), "end": _shift(line.get("end"), days)}
        if line.get("end")
        else {**line, "start": _shift(line["start"], days)}
        for line in doc["therapy_lines"]
    ]


def _shift(text: str | None, days: int) -> str | None:
    return (dt.date.fromisoformat(text) + dt.timedelta(days=days)).isoformat() if text else None


def test_pseudonyms_differ_between_patients_and_keys() -> None:
    assert subject_pseudonym(SECRET, "a") == subject_pseudonym(SECRET, "a")
    assert subject_pseudonym(SECRET, "a") != subject_pseudonym(SECRET, "b")
    assert subject_pseudonym(SECRET, "a") != subject_pseudonym(bytes(32), "a")


def test_ages_over_89_are_grouped_and_sentences_lose_quoted_free_text() -> None:
    doc = {"id": "p-77", "age_years": 97, "comedications": ["st john's wort tea"]}
    out, dropped = deidentify_input(doc, SECRET)
    assert out == {"age_years": 90, "comedications": []}
    days = date_shift_days(SECRET, "p-77")
    output = {
        "patient_id": "p-77",
        "warnings": ["started 2024-05-10", "interaction with st john's wort tea", "p-77 seen"],
        "x": {"date": "2024-05-10"},
    }
    result = deidentify_output(output, "p-77", dropped, SECRET)
    assert result == {
        "warnings": [f"started {_shift('2024-05-10', days)}"],
        "x": {"date": _shift("2024-05-10", days)},
    }


def test_an_echoed_short_free_text_is_dropped_whole() -> None:
    """The record echo (Assessment.record) quotes input strings whole: a dropped free-text
    string of one or two characters goes too, without blanking sentences that contain it."""
    doc = {"id": "p-78", "comedications": ["é ", "imatinib"]}
    out, dropped = deidentify_input(doc, SECRET)
    assert out == {"comedications": ["imatinib"]} and dropped == {"é "}
    output = {"record": {"comedications": ["é ", "imatinib"]}, "notes": ["café closed"]}
    result = deidentify_output(output, "p-78", dropped, SECRET)
    assert result == {"record": {"comedications": ["imatinib"]}, "notes": ["café closed"]}


WORDS = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]), max_size=30
)
DOCS = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), WORDS, st.dates().map(str)),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["site", "drug", "note", "x"]), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(
    pid=st.from_regex(r"[a-z]{2}[a-z0-9-]{1,10}", fullmatch=True),
    body=DOCS,
    when=st.dates(min_value=dt.date(1900, 1, 1)),
)
def test_no_identifier_survives_in_any_document(pid: str, body: Any, when: dt.date) -> None:
    """Whatever the documents hold, the patient id never reaches a researcher, and every
    date a researcher sees is a stored date moved by the patient's shift."""
    document = {"id": pid, "body": body, "on": when.isoformat()}
    output = {"patient_id": pid, "echo": [pid, f"about {pid}!", body], "on": when.isoformat()}
    record = StoredAssessment(
        seq=1,
        id="rec-1",
        created=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        patient_id=pid,
        input_sha256="0" * 64,
        knowledge_base_version="kb",
        gistcds_version="v",
        account_id=1,
        input_json=json.dumps(document),
        output_json=json.dumps(output),
    )
    seen = deidentify_record(record, SECRET)
    text = json.dumps(seen, ensure_ascii=False)
    assert _strings_containing(seen, pid) == []
    days = date_shift_days(SECRET, pid)
    assert seen["patient"]["on"] == (when + dt.timedelta(days=days)).isoformat()
    assert seen["assessment"]["on"] == seen["patient"]["on"]
    assert "rec-1" not in text


def _strings_containing(value: Any, needle: str) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings_containing(v, needle)]
    if isinstance(value, list):
        return [s for v in value for s in _strings_containing(v, needle)]
    return [value] if isinstance(value, str) and needle in value else []
