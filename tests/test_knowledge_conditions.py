"""The generic condition language (gistcds.knowledge.conditions) and its schema checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gistcds.domain.facts import ClinicalFacts
from gistcds.knowledge.conditions import check_condition, lookup, matches

FACTS = {
    "genotype": "KIT_exon11",
    "drugs_received": ["imatinib", "sunitinib"],
    "max_dose": {"imatinib": 400.0},
    "ecog": None,
    "rupture": True,
}


@pytest.mark.parametrize(
    ("cond", "expected"),
    [
        ({}, True),
        ({"genotype": "KIT_exon11"}, True),
        ({"genotype": {"in": ["KIT_exon9", "KIT_exon11"]}}, True),
        ({"genotype": {"not_in": ["KIT_exon11"]}}, False),
        ({"max_dose.imatinib": {"lt": 800}}, True),
        ({"max_dose.imatinib": {"ge": 800}}, False),
        ({"max_dose.sunitinib": {"lt": 800}}, False),  # missing never satisfies a comparison
        ({"ecog": {"ge": 3}}, False),
        ({"ecog": {"is_null": True}}, True),
        ({"drugs_received": {"contains": "imatinib", "not_contains": "regorafenib"}}, True),
        ({"drugs_received": {"contains_all": ["imatinib", "regorafenib"]}}, False),
        ({"drugs_received": {"contains_any": ["regorafenib", "sunitinib"]}}, True),
        ({"drugs_received": {"contains_none": ["sunitinib"]}}, False),
        ({"any_of": [{"genotype": "NF1"}, {"rupture": True}]}, True),
        ({"all_of": [{"genotype": "NF1"}, {"rupture": True}]}, False),
        ({"not": {"genotype": "NF1"}}, True),
    ],
)
def test_matchers(cond: dict[str, object], expected: bool) -> None:
    assert matches(cond, FACTS) is expected


def test_lookup_dotted() -> None:
    assert lookup(FACTS, "max_dose.imatinib") == 400.0
    assert lookup(FACTS, "max_dose.x.y") is None


@pytest.mark.parametrize(
    "cond",
    [{"genotyp": "x"}, {"genotype": {"inn": ["x"]}}, {"any_of": []}, {"not": "x"}],
)
def test_schema_rejects_unknown_fact_or_operator(cond: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        check_condition(cond, ClinicalFacts.names())


@given(st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=4), st.sampled_from("abcd"))
def test_contains_and_not_contains_are_complements(items: list[str], x: str) -> None:
    facts = {"drugs_received": items}
    assert matches({"drugs_received": {"contains": x}}, facts) != matches(
        {"drugs_received": {"not_contains": x}}, facts
    )


@given(st.one_of(st.none(), st.integers(-5, 5), st.floats(-5, 5, allow_nan=False)))
def test_lt_ge_partition_numbers_and_exclude_missing(v: float | None) -> None:
    lt = matches({"ecog": {"lt": 1}}, {"ecog": v})
    ge = matches({"ecog": {"ge": 1}}, {"ecog": v})
    assert (lt or ge) is (v is not None)
    assert not (lt and ge)
