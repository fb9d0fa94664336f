"""Values that are valid but implausible: warned about, never refused, never changed.

These are data-entry checks, not clinical rules: each range flags the likely mistake (a unit
mixed up, a decimal point lost) next to the hard limits of ``patient.py``, which refuse what
is impossible. The assessment goes ahead on the value as given; the warning names the JSON
path so the record can be checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from gistcds.domain.patient import Patient, Setting, Sex

__all__ = ["PLAUSIBLE", "implausible_values"]


class Range(NamedTuple):
    low: float | None
    high: float | None
    hint: str


PLAUSIBLE: dict[str, Range] = {
    "primary.size_cm": Range(0.1, 40, "check the unit: centimetres, not millimetres"),
    "primary.mitoses.count": Range(None, 200, "check the count and the area it was counted in"),
    "labs.hemoglobin_g_per_dl": Range(4, 20, "check the unit: g/dL, not g/L"),
    "labs.albumin_g_per_l": Range(15, 60, "check the unit: g/L, not g/dL"),
    "labs.neutrophils_10e9_per_l": Range(None, 50, "check the unit: 10^9/L"),
    "imaging.lesions.longest_diameter_mm": Range(None, 400, "check the unit: millimetres"),
    "imaging.lesions.short_axis_mm": Range(None, 200, "check the unit: millimetres"),
    "imaging.lesions.density_hu": Range(-100, 400, "check the value: soft-tissue HU on CT"),
    "pregnant.age_years": Range(10, 60, "check age_years and pregnant"),
}


def _values(p: Patient) -> Iterator[tuple[str, str, float | None]]:
    """(rule key, JSON path, value) for every value a rule above covers."""
    if p.primary is not None:
        yield "primary.size_cm", "primary.size_cm", p.primary.size_cm
        if p.primary.mitoses is not None:
            yield "primary.mitoses.count", "primary.mitoses.count", p.primary.mitoses.count
    if p.labs is not None:
        for name in ("hemoglobin_g_per_dl", "albumin_g_per_l", "neutrophils_10e9_per_l"):
            yield f"labs.{name}", f"labs.{name}", getattr(p.labs, name)
    for i, tp in enumerate(p.imaging):
        for j, lesion in enumerate(tp.lesions):
            for name in ("longest_diameter_mm", "short_axis_mm", "density_hu"):
                path = f"imaging[{i}].lesions[{j}].{name}"
                yield f"imaging.lesions.{name}", path, getattr(lesion, name)
    if p.pregnant is True and p.sex is not Sex.male:
        yield "pregnant.age_years", "age_years", p.age_years


def _open_before_last(p: Patient) -> Iterator[str]:
    """A line other than the latest still open (no end date, no stop reason): two TKIs at
    once, or an earlier line whose end was not recorded (review U-04)."""
    lines = p.therapy_lines
    for i, line in enumerate(lines[:-1]):
        if line.end is None and line.stop_reason is None:
            later = len(lines) - 1
            yield (
                f"therapy_lines[{i}]: {line.drug} is recorded as ongoing (no end date, no stop "
                f"reason) although a later line follows (therapy_lines[{later}], "
                f"{lines[later].drug}); if both drugs are given together (a combination), "
                "nothing is wrong; otherwise record how the earlier line ended. Assessed with "
                "the latest line as the current one."
            )


def _metastatic_line_before_diagnosis(p: Patient) -> Iterator[str]:
    """A metastatic-setting line started before the recorded date of metastatic diagnosis."""
    diagnosed = p.metastatic.diagnosed if p.metastatic is not None else None
    if diagnosed is None:
        return
    for i, line in enumerate(p.therapy_lines):
        if line.setting is Setting.metastatic and line.start is not None and line.start < diagnosed:
            yield (
                f"therapy_lines[{i}].start: {line.start.isoformat()} is before "
                f"metastatic.diagnosed ({diagnosed.isoformat()}) although the line's setting is "
                "metastatic; check the dates or the setting (adjuvant, neoadjuvant). Assessed "
                "as given."
            )


def implausible_values(p: Patient) -> list[str]:
    """One plain sentence per implausible value or contradictory record, starting with its
    JSON path."""
    out = [*_open_before_last(p), *_metastatic_line_before_diagnosis(p)]
    for key, path, value in _values(p):
        if value is None:
            continue
        r = PLAUSIBLE[key]
        if (r.low is not None and value < r.low) or (r.high is not None and value > r.high):
            bounds = " to ".join(f"{b:g}" for b in (r.low, r.high) if b is not None)
            side = "usual range" if r.low is not None and r.high is not None else "usual maximum"
            out.append(
                f"{path}: {value:g} is outside the {side} ({bounds}); {r.hint}. Assessed as given."
            )
    return out
