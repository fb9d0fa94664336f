"""Calendar arithmetic shared by the engines and the outputs: one length of a month."""

from __future__ import annotations

import calendar
import datetime as dt

__all__ = ["DAYS_PER_MONTH", "add_months", "months_between"]

DAYS_PER_MONTH = 365.25 / 12  # 30.4375: the mean Gregorian month, as survival curves count


def months_between(start: dt.date, end: dt.date) -> float:
    """Months from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    return (end - start).days / DAYS_PER_MONTH


def add_months(start: dt.date, months: float) -> dt.date:
    """Calendar arithmetic only: ``months`` after ``start`` (whole months by the calendar,
    the day clamped to the month's last; a fraction as its share of an average month)."""
    whole = int(months)
    y, m = divmod(start.month - 1 + whole, 12)
    year, month = start.year + y, m + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    out = dt.date(year, month, day)
    frac = months - whole
    return out + dt.timedelta(days=round(frac * DAYS_PER_MONTH)) if frac else out
