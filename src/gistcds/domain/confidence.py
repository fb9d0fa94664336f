"""How well a fact was checked against its source: one vocabulary, one order.

``primary``: read in the primary source; ``secondary``: reproduced by a secondary
source (review, guideline, our reference notes); ``unverified``: not yet checked
against any source (shown to the user wherever it drives an output).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

__all__ = ["CONFIDENCE_ORDER", "Confidence", "strength", "weakest"]

Confidence = Literal["primary", "secondary", "unverified"]

CONFIDENCE_ORDER: tuple[Confidence, ...] = ("unverified", "secondary", "primary")
"""Weakest first: a statement is only as well checked as its weakest part."""


def strength(confidence: Confidence) -> int:
    """0 for ``unverified`` up to 2 for ``primary`` (sort keys: higher is better checked)."""
    return CONFIDENCE_ORDER.index(confidence)


def weakest(confidences: Iterable[Confidence]) -> Confidence:
    """The least-checked of several confidences (ValueError when there are none)."""
    return min(confidences, key=strength)
