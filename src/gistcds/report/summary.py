"""The summary at the top of every report (issue 19 item 1): the answer in one screen.

Risk (one line per system), genotype and what it means for the drugs, the first option
with its dose, the cautions that matter most, the response, the next follow-up. Every
line restates a part of the Assessment already arranged for its section; nothing new is
judged here (the cautions are only ordered by the severity the therapy engine gave them).
"""

from __future__ import annotations

from gistcds.domain.assessment import Assessment
from gistcds.report.views import (
    CautionView,
    FollowupView,
    GenotypeView,
    RecommendationView,
    RiskView,
    SummaryLine,
)

__all__ = ["MAX_CAUTIONS", "summary"]

MAX_CAUTIONS = 2
_SEVERITY = {"critical": 0, "warning": 1, "info": 2}


def _risk_lines(risk: RiskView | None, missing: str) -> list[SummaryLine]:
    if risk is None or not risk.rows:
        return [SummaryLine("Risk", missing)]
    out = []
    for row in risk.rows:
        name, result, detail = row.cells[0], row.cells[1], row.cells[2]
        progressed = [bit for bit in detail.split(", ") if bit.endswith("progressed")]
        extra = f" ({progressed[0]})" if progressed else ""
        out.append(SummaryLine("Risk", f"{name}: {result}{extra}", row.refs))
    if risk.disagreement:
        out.append(
            SummaryLine("Risk", risk.disagreement, risk.disagreement_refs, risk.disagreement_flag)
        )
    return out


def _genotype_line(g: GenotypeView | None, missing: str) -> SummaryLine:
    if g is None:
        return SummaryLine("Genotype", missing)
    by_level: dict[str, list[str]] = {}
    for s in g.sensitivity:
        by_level.setdefault(s.level, []).append(s.drug)
    order = ("sensitive", "intermediate", "resistant", "unknown")
    words = {
        "sensitive": "sensitive to",
        "intermediate": "intermediate sensitivity to",
        "resistant": "resistant to",
        "unknown": "no genotype data for",
    }
    parts = [f"{words[lv]} {', '.join(by_level[lv])}" for lv in order if lv in by_level]
    text = g.genotype_class + (": " + "; ".join(parts) if parts else "")
    return SummaryLine("Genotype", text, g.refs)


def _option_line(recs: list[RecommendationView]) -> SummaryLine:
    if not recs:
        return SummaryLine("First option", "none computed")
    o = recs[0]
    doses = [r.split(",")[0] for r in o.regimen]
    said = all(dose.lower() in o.title.lower() for dose in doses)
    regimen = "" if said else f" ({'; '.join(o.regimen)})"
    return SummaryLine("First option", f"{o.title}{regimen}", o.refs)


def _caution_lines(cautions: list[CautionView]) -> list[SummaryLine]:
    ranked = sorted(cautions, key=lambda c: _SEVERITY.get(c.severity, 3))
    out = []
    for c in ranked[:MAX_CAUTIONS]:
        if c.severity == "info":
            continue
        first = c.message.split(". ")[0].rstrip(".")
        head = first.split(": ")[0]
        if len(first) > 200 and len(head) >= 40:  # the claim, without its evidence
            first = head
        first += "."
        out.append(SummaryLine("Caution", first, c.refs, c.flag))
    if len(ranked) > len(out) and out:
        out.append(SummaryLine("Caution", f"{len(ranked)} cautions in all, listed below."))
    return out


def _response_line(a: Assessment, missing: str) -> SummaryLine:
    s = a.response_summary
    if not a.response or s is None:
        return SummaryLine("Response", missing)
    last = a.response[-1]
    text = f"latest CT {last.date.isoformat()}: "
    if s.latest_reading is not None:
        message = s.latest_reading.message  # a sentence, continued after the date
        lower = message[1:2].islower()  # "Read as ..." but not "RECIST ..."
        text += message[:1].lower() + message[1:] if lower else message
    else:
        text += f"RECIST {last.recist}, Choi {last.choi}"
    flag = "alert" if "PD" in (last.recist, last.choi) else ""
    return SummaryLine("Response", text, flag=flag)


def summary(
    a: Assessment,
    *,
    risk: RiskView | None,
    risk_missing: str,
    genotype: GenotypeView | None,
    genotype_missing: str,
    recommendations: list[RecommendationView],
    cautions: list[CautionView],
    response_missing: str,
    followup: FollowupView | None,
) -> list[SummaryLine]:
    """The summary lines, in reading order; citations reuse the numbers of the sections."""
    lines = _risk_lines(risk, risk_missing)
    lines.append(_genotype_line(genotype, genotype_missing))
    lines.append(_option_line(recommendations))
    lines += _caution_lines(cautions)
    lines.append(_response_line(a, response_missing))
    lines.append(
        SummaryLine("Next follow-up", followup.next_visit if followup else "no schedule proposed")
    )
    return lines
