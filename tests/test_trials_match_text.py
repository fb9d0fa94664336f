"""Trial-matching reasons read as clinical English (no "line(s)")."""

from __future__ import annotations

import pytest

from gistcds.trials.match import _prior_lines_text


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "no prior line for advanced disease"),
        (1, "1 prior line for advanced disease"),
        (3, "3 prior lines for advanced disease"),
    ],
)
def test_prior_lines_are_counted_in_words(n: int, text: str) -> None:
    assert _prior_lines_text(n) == text
