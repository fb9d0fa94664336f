"""The follow-up schedule as dates: from the event the schedule counts from (surgery on the
record's resection date, the end of adjuvant therapy) or from the date of the report; past
visits left out, identical examinations at regular intervals collapsed into one row."""

from __future__ import annotations

import datetime as dt
import itertools

from gistcds.domain.assessment import Assessment
from gistcds.domain.results.therapy import FollowupAnchor, FollowupVisit
from gistcds.followup.dates import EVENT_NAMES, coming, counted_from, start_date
from gistcds.report.citations import Citations
from gistcds.report.format import add_months, month_text
from gistcds.report.views import FollowupView, Row

__all__ = ["followup"]


def _groups(visits: list[FollowupVisit]) -> list[list[FollowupVisit]]:
    """Consecutive visits with the same examination, sources and confidence, by month."""

    def key(v: FollowupVisit) -> tuple[str, tuple[str, ...], str]:
        return v.exam, tuple(v.source_ids), v.confidence

    out: list[list[FollowupVisit]] = []
    for v in sorted(visits, key=lambda v: v.month):
        if out and key(out[-1][-1]) == key(v):
            out[-1].append(v)
        else:
            out.append([v])
    return out


def _day(start: dt.date, month: float, today: dt.date) -> str:
    day = add_months(start, month)
    return "now" if day == today and month == 0 else day.isoformat()


def _when(months: list[float], start: dt.date, today: dt.date) -> str:
    dates = [add_months(start, m) for m in months]
    if len(dates) == 1:
        return _day(start, months[0], today)
    steps = {round(b - a, 6) for a, b in itertools.pairwise(months)}
    if len(steps) == 1 and len(dates) >= 3:
        step = steps.pop()
        unit = "month" if step == 1 else f"{step:g} months"
        return f"every {unit} from {dates[0].isoformat()} until {month_text(dates[-1])}"
    return ", ".join(d.isoformat() for d in dates)


def _start(anchor: FollowupAnchor | None, today: dt.date) -> tuple[dt.date, str, str]:
    """The date the months count from, the sentence saying so, and the short form for the
    summary ("" when the dates count from the report)."""
    report = f"Dates count from {today.isoformat()}, the date of this report"
    if anchor is None or anchor.event == "now":
        return today, f"{report} (the schedule starts now).", ""
    event = EVENT_NAMES[anchor.event]
    short = counted_from(anchor)  # the CarePlan and the cards say it the same way
    if short:
        return start_date(anchor, today), f"Dates count {short}.", short
    where = "date of resection" if anchor.event == "surgery" else "adjuvant line's end date"
    return (
        today,
        f"{report}: the schedule counts from {event}, whose date is not recorded (give the "
        f"{where}); if it was earlier, so are the visits.",
        "",
    )


def followup(a: Assessment, cites: Citations, today: dt.date) -> FollowupView | None:
    """The coming visits as dates (calendar arithmetic only)."""
    if not a.followup:
        return None
    start, anchor_text, short = _start(a.followup_from, today)
    visits = sorted(a.followup, key=lambda v: v.month)
    ahead = coming(visits, a.followup_from, today)
    past = len(visits) - len(ahead)
    if past and ahead:
        verb = "visits of the schedule are" if past > 1 else "visit of the schedule is"
        anchor_text += f" {past} earlier {verb} past and not listed."
    shown = ahead or visits
    rows = [
        Row(
            [_when([v.month for v in group], start, today), group[0].exam],
            cites.cite([sid for v in group for sid in v.source_ids]),
            unverified=any(v.confidence == "unverified" for v in group),
        )
        for group in _groups(shown)
    ]
    if not ahead:
        last = add_months(start, visits[-1].month).isoformat()
        anchor_text += f" Every visit of the schedule is past (the last on {last})."
        return FollowupView(anchor_text, rows, f"none left: the schedule ended on {last}")
    first = ahead[0]
    when = _day(start, first.month, today)
    return FollowupView(
        anchor=anchor_text,
        rows=rows,
        next_visit=f"{when} ({short}): {first.exam}" if short else f"{when}: {first.exam}",
    )
