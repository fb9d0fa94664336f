"""The schedule's months as dates, and what they count from, in words: one wording for the
report, the FHIR CarePlan and the CDS Hooks cards, so that no output says "month 6" without
saying from when (``Assessment.followup_from``), and none words it its own way.

Calendar arithmetic and wording only; which schedule applies and what it counts from is
decided in ``plan.py`` from the knowledge base.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from gistcds.domain.calendar import add_months
from gistcds.domain.results.therapy import FollowupAnchor, FollowupVisit

__all__ = ["EVENT_NAMES", "coming", "counted_from", "start_date", "visit_label", "visit_when"]

EVENT_NAMES = {"surgery": "surgery", "adjuvant_end": "the end of adjuvant therapy"}


def counted_from(anchor: FollowupAnchor | None) -> str:
    """``from surgery on 2025-03-02``: the dated event the months count from; "" when they
    count from the day of the assessment (the schedule starts now, or the record does not
    date the event)."""
    if anchor is None or anchor.event == "now" or anchor.date is None:
        return ""
    return f"from {EVENT_NAMES[anchor.event]} on {anchor.date.isoformat()}"


def start_date(anchor: FollowupAnchor | None, today: dt.date) -> dt.date:
    """The date month 0 falls on: the event's recorded date, else ``today``."""
    return anchor.date if anchor is not None and anchor.date is not None else today


def coming(
    visits: Iterable[FollowupVisit], anchor: FollowupAnchor | None, today: dt.date
) -> list[FollowupVisit]:
    """The visits not yet past on ``today``, in order."""
    start = start_date(anchor, today)
    ordered = sorted(visits, key=lambda v: v.month)
    return [v for v in ordered if add_months(start, v.month) >= today]


def visit_when(anchor: FollowupAnchor | None, month: float) -> str:
    """One visit, worded without needing today's date: ``2025-09-02 (month 6 from surgery
    on 2025-03-02)``; ``month 6 from surgery (its date is not recorded)``; ``month 3 from
    the date of the assessment``."""
    since = counted_from(anchor)
    if anchor is not None and anchor.date is not None and since:
        return f"{add_months(anchor.date, month).isoformat()} (month {month:g} {since})"
    if anchor is not None and anchor.event != "now":
        return f"month {month:g} from {EVENT_NAMES[anchor.event]} (its date is not recorded)"
    return f"month {month:g} from the date of the assessment"


def visit_label(anchor: FollowupAnchor | None, month: float) -> str:
    """:func:`visit_when` in few words, for a button: ``2025-09-02``, ``month 6 from
    surgery``, ``month 3 from the assessment``."""
    if anchor is not None and anchor.date is not None and anchor.event != "now":
        return add_months(anchor.date, month).isoformat()
    if anchor is not None and anchor.event != "now":
        return f"month {month:g} from {EVENT_NAMES[anchor.event]}"
    return f"month {month:g} from the assessment"
