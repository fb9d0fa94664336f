"""One confidence vocabulary with one order (issue 13, item 4)."""

from __future__ import annotations

import pytest

from gistcds.domain.confidence import CONFIDENCE_ORDER, strength, weakest


def test_weakest_picks_the_least_checked() -> None:
    assert weakest(["primary", "unverified", "secondary"]) == "unverified"
    assert weakest(["primary", "secondary"]) == "secondary"
    assert weakest(iter(["primary"])) == "primary"


def test_strength_orders_weakest_first() -> None:
    assert [strength(c) for c in CONFIDENCE_ORDER] == [0, 1, 2]
    assert strength("primary") > strength("secondary") > strength("unverified")


def test_weakest_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError):
        weakest([])
