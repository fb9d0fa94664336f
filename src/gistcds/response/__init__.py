"""Response over serial CT: RECIST 1.1 and Choi, with the GIST pitfalls handled.

``assess_response`` gives the CONTRACT.md ``response[]`` list (one item per time point
after baseline); ``summarise_response`` gives the cross-time-point ``ResponseSummary``
(best overall response, first progression, baseline problems, spider/waterfall data).
Both are deterministic functions of (patient, knowledge base); bad or incomplete
lesion records become NE and plain-word warnings, never an exception.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gistcds.domain.patient import Patient
    from gistcds.domain.results.response import ResponseSummary, TimepointResponse
    from gistcds.knowledge import KnowledgeBase


def assess_response(patient: Patient, kb: KnowledgeBase) -> list[TimepointResponse]:
    """One entry per imaging time point after baseline (empty without follow-up CT)."""
    from gistcds.response.engine import evaluate

    series = evaluate(patient, kb)
    return series.timepoints if series is not None else []


def summarise_response(patient: Patient, kb: KnowledgeBase) -> ResponseSummary | None:
    """Best response, first progression, warnings and plot data; None without imaging."""
    from gistcds.response.engine import evaluate, rules
    from gistcds.response.summary import summarise

    series = evaluate(patient, kb)
    return summarise(series, rules(kb)) if series is not None else None


def assess_response_with_summary(
    patient: Patient, kb: KnowledgeBase
) -> tuple[list[TimepointResponse], ResponseSummary | None]:
    """Both of the above from one evaluation of the series (what the orchestrator uses)."""
    if not patient.imaging:
        return [], None
    from gistcds.response.engine import evaluate, rules
    from gistcds.response.summary import summarise

    series = evaluate(patient, kb)
    if series is None:
        return [], None
    return series.timepoints, summarise(series, rules(kb))


__all__ = ["assess_response", "assess_response_with_summary", "summarise_response"]
