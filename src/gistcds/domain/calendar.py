"""Calendar arithmetic shared by the engines and the outputs: one length of a month."""

from __future__ import annotations

import datetime as dt

__all__ = ["DAYS_PER_MONTH", "months_between"]

DAYS_PER_MONTH = 365.25 / 12  # 30.4375: the mean Gregorian month, as survival curves count


def months_between(start: dt.date, end: dt.date) -> float:
    """Months from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    return (end - start).days / DAYS_PER_MONTH
