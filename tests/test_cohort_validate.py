"""Property tests: the vectorised validation says what the patient model says, cell by cell."""

from __future__ import annotations

import math

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from gistcds.cohort.validate import duplicate_rows, validate_table
from gistcds.domain.patient import Mitoses, PrimaryTumor

SITES = ["stomach", "Stomach", "jejunum_ileum", "colon", "stomack", "", " rectum ", "other"]
NUMBERS = ["3", "0", "-1", "0.5", "100", "100.5", "1e1", "abc", "", " 7 ", "1,5", "nan", "2."]
UNITS = ["5mm2", "50hpf", "50HPF", "hpf", ""]
BOOLS = ["true", "False", "yes", "N", "1", "0", "maybe", ""]
NODES = ["N0", "N1", "NX", "n1", "N2", ""]


def _model_site(v: str) -> bool:
    try:
        PrimaryTumor.model_validate({"site": v})
    except ValidationError:
        return False
    return True


def _number_ok(v: str, field: str) -> bool:
    text = v.strip()
    if not text:
        return True
    try:
        x = float(text)
    except ValueError:
        return False
    if not math.isfinite(x) or text.lower() in {"nan", "inf"}:
        return False
    try:
        if field == "size_cm":
            PrimaryTumor.model_validate({"size_cm": x})
        else:
            Mitoses.model_validate({"count": x, "per": "5mm2"})
    except ValidationError:
        return False
    return True


rows = st.lists(
    st.tuples(
        st.sampled_from(SITES),
        st.sampled_from(NUMBERS),
        st.sampled_from(NUMBERS),
        st.sampled_from(UNITS),
        st.sampled_from(BOOLS),
        st.sampled_from(NODES),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(rows)
def test_each_cell_is_judged_as_the_patient_model_judges_it(cells: list[tuple[str, ...]]) -> None:
    n = len(cells)
    site, size, mit, per, rup, nodes = (list(c) for c in zip(*cells, strict=True))
    table = pa.table(
        {
            "id": [f"r{i}" for i in range(n)],
            "site": site,
            "size_cm": size,
            "mitoses": mit,
            "mitoses_per": per,
            "rupture": rup,
            "nodes": nodes,
            "metastatic": rup,
        }
    )
    checked = validate_table(table, first_row=2)
    flagged = {(p.row, p.column) for p in checked.problems}
    for i in range(n):
        row = i + 2  # the header is row 1
        s = site[i].strip()
        assert ((row, "site") in flagged) == (bool(s) and not _model_site(s))
        assert ((row, "size_cm") in flagged) == (not _number_ok(size[i], "size_cm"))
        assert ((row, "mitoses") in flagged) == (not _number_ok(mit[i], "mitoses"))
        valid_bool = {v.lower() for v in BOOLS if v != "maybe"}
        assert ((row, "rupture") in flagged) == (rup[i].lower() not in valid_bool)
        if _number_ok(size[i], "size_cm") and size[i].strip():
            assert checked.frame["size_cm"].iloc[i] == float(size[i])
        assert checked.bad[i] == any(r == row for r, _ in flagged)


@given(st.lists(st.sampled_from(["a", "b", "c", "", " a"]), min_size=1, max_size=40))
def test_repeated_ids_are_every_later_occurrence(ids: list[str]) -> None:
    found = {p.row for p in duplicate_rows(pa.array(ids), first_row=2)}
    seen: set[str] = set()
    for i, v in enumerate(ids):
        key = v.strip()
        assert ((i + 2) in found) == (bool(key) and key in seen)
        seen.add(key)
