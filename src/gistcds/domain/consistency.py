"""Cross-field checks of the patient record: dates in order, nothing before birth, lesion
ids unique. Each problem names its JSON path (pydantic error details), so the CLI can print
``path: message, got value``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pydantic import ValidationInfo
from pydantic_core import InitErrorDetails, PydanticCustomError

if TYPE_CHECKING:
    from gistcds.domain.patient import ImagingTimepoint, Patient, PrimaryTumor, TherapyLine

__all__ = [
    "before_birth",
    "imaging_order",
    "line_order",
    "problem",
    "resection_order",
    "today_of",
]


def today_of(info: ValidationInfo) -> dt.date:
    ctx = info.context or {}
    today = ctx.get("today") if isinstance(ctx, dict) else None
    return today if isinstance(today, dt.date) else dt.date.today()


def problem(loc: tuple[str | int, ...], message: str, value: Any) -> InitErrorDetails:
    return InitErrorDetails(
        type=PydanticCustomError("value_error", message),
        loc=loc,
        input=value,
    )


def before_birth(p: Patient, today: dt.date) -> list[InitErrorDetails]:
    """Dates earlier than the patient can have been born (age in whole years, so a year of
    slack: age 30 today means born at the earliest 31 years ago)."""
    if p.age_years is None:
        return []
    earliest = today - dt.timedelta(days=round(365.25 * (p.age_years + 1)))
    return [
        problem(
            loc,
            f"is before the patient was born (age {p.age_years:g} on {today.isoformat()}); "
            "check the date or age_years",
            d.isoformat(),
        )
        for loc, d in p.dated()
        if d < earliest
    ]


def line_order(lines: list[TherapyLine]) -> list[InitErrorDetails]:
    problems = []
    previous_start: dt.date | None = None
    for i, line in enumerate(lines):
        if line.start and line.end and line.end < line.start:
            problems.append(
                problem(
                    ("therapy_lines", i, "end"),
                    f"must not be before start ({line.start.isoformat()})",
                    line.end.isoformat(),
                )
            )
        if line.start and previous_start and line.start < previous_start:
            problems.append(
                problem(
                    ("therapy_lines", i, "start"),
                    "therapy lines must be oldest first; this line starts before "
                    f"the previous one ({previous_start.isoformat()})",
                    line.start.isoformat(),
                )
            )
        previous_start = line.start or previous_start
    return problems


def imaging_order(imaging: list[ImagingTimepoint]) -> list[InitErrorDetails]:
    problems = []
    for i, tp in enumerate(imaging):
        if i and tp.date <= imaging[i - 1].date:
            problems.append(
                problem(
                    ("imaging", i, "date"),
                    "imaging time points must be in date order, each after the previous "
                    f"({imaging[i - 1].date.isoformat()})",
                    tp.date.isoformat(),
                )
            )
        seen: set[str] = set()
        for j, lesion in enumerate(tp.lesions):
            if lesion.id in seen:
                problems.append(
                    problem(
                        ("imaging", i, "lesions", j, "id"),
                        "lesion id repeated within one time point",
                        lesion.id,
                    )
                )
            seen.add(lesion.id)
    return problems


def resection_order(
    primary: PrimaryTumor | None, lines: list[TherapyLine]
) -> list[InitErrorDetails]:
    """A resection date needs a resection, and adjuvant therapy starts after it."""
    if primary is None or primary.resection_date is None:
        return []
    day = primary.resection_date
    if primary.resection is not None and primary.resection.value == "none":
        return [
            problem(
                ("primary", "resection_date"),
                'contradicts resection "none"; give the R classification of the resection '
                "or remove the date",
                day.isoformat(),
            )
        ]
    return [
        problem(
            ("therapy_lines", i, "start"),
            f"adjuvant therapy must not start before the resection ({day.isoformat()})",
            line.start.isoformat(),
        )
        for i, line in enumerate(lines)
        if line.setting is not None
        and line.setting.value == "adjuvant"
        and line.start is not None
        and line.start < day
    ]
