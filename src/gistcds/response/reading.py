"""The one reading of a time point, and the progression pattern that only a progression
reading carries (``response_criteria.yaml`` ``readings`` and ``progression_pattern``).

RECIST 1.1 and Choi can disagree on the same images; the reading says what the images mean
for a treatment decision (RA-06: growth with falling density is response; RA-07: a nodule
inside a treated lesion is progression; RA-08: a "new" lesion while the known ones turn
hypodense needs review), so that no time point says "do not switch" and "focal progression"
at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from gistcds.domain.patient import Lesion
from gistcds.domain.results.response import (
    ProgressionPatternName,
    ReadingCode,
    TimepointReading,
)
from gistcds.knowledge.schema.response_criteria import Table
from gistcds.response.discordance import Findings
from gistcds.response.recist import meets_increase

__all__ = ["Reading", "progression", "read_timepoint"]


@dataclass(frozen=True)
class Reading:
    code: ReadingCode
    recist: str
    choi: str
    reason: str
    table: Table
    pattern: ProgressionPatternName | None = None
    lesions: tuple[str, ...] = ()

    @property
    def source_ids(self) -> list[str]:
        return list(self.table.readings.messages[self.code].source_ids)

    def with_pattern(self, pattern: ProgressionPatternName | None, lesions: list[str]) -> Reading:
        return replace(self, pattern=pattern, lesions=tuple(lesions))

    def model(self) -> TimepointReading:
        msg = self.table.readings.messages[self.code]
        text = " ".join(msg.text.split()).format(
            recist=self.recist,
            choi=self.choi,
            pattern=self.pattern or "",
            lesions=", ".join(self.lesions) or "the target sum as a whole",
            reason=self.reason or "data missing",
        )
        return TimepointReading(
            code=self.code, severity=msg.severity, message=text, source_ids=list(msg.source_ids)
        )


def read_timepoint(
    f: Findings, discordance_kind: str | None, note_kinds: list[str], table: Table
) -> Reading:
    """The reading from the two criteria, their disagreement and the engine's notes."""
    rules = table.readings
    reasons = f.recist_reasons if f.recist == "NE" else f.choi_reasons if f.choi == "NE" else []
    code: ReadingCode
    if discordance_kind is None:
        code = rules.agreement[f.recist]
    else:
        mapped = rules.discordance[discordance_kind]  # type: ignore[index]
        if mapped == "evaluable":
            code = (
                rules.agreement[f.recist]
                if f.recist != "NE"
                else rules.choi_alone_pd
                if f.choi == "PD"
                else rules.agreement[f.choi]
            )
        else:
            code = mapped
    if code == "progression" and f.target != "PD" and not f.nodules:
        for kind in note_kinds:
            override = rules.note_overrides.get(kind)  # type: ignore[call-overload]
            if override is not None:
                code = override
    return Reading(code, f.recist, f.choi, "; ".join(reasons), table)


def progression(
    targets: list[Lesion],
    values: list[float | None],
    history: dict[str, list[float | None]],
    nt_progressing: list[str],
    f: Findings,
    table: Table,
) -> tuple[ProgressionPatternName | None, list[str]]:
    """Focal or generalized, and the lesions that progress on their own (at any PD)."""
    if "PD" not in (f.recist, f.choi):
        return None, []
    pp = table.progression_pattern
    growing: list[str] = []
    for t, v in zip(targets, values, strict=True):
        before = [x for x in history[t.id][:-1] if x is not None]
        if (
            v is not None
            and before
            and meets_increase(v, min(before), pp.lesion_growth_pct, pp.lesion_growth_mm)
        ):
            growing.append(t.id)
    ordered: list[str] = []
    for lesion_id in [*f.new_lesions, *f.nodules, *nt_progressing, *growing]:
        if lesion_id not in ordered:
            ordered.append(lesion_id)
    focal = 0 < len(ordered) <= pp.focal_max_progressing_lesions
    return ("focal" if focal else "generalized"), ordered
