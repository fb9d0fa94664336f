"""An Assessment as CDS Hooks 2.0 ``patient-view`` cards: a rendering, nothing decided here.

Cards, most important first (the spec's guidance: few, short, actionable):
1. the first ranked option with its dose, evidence and the response behind it (``info``),
   with suggestions to order it and the first follow-up examination;
2. one card per key caution (``critical`` stays critical; ``warning`` stays warning;
   ``info`` cautions are left to the full report);
3. the tests still missing before the genotype can be called (``warning``);
4. every card links to the full report when the caller gives its URL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from gistcds.domain.assessment import Assessment
from gistcds.domain.results.therapy import FollowupVisit, Recommendation
from gistcds.followup.dates import coming, visit_label, visit_when
from gistcds.report.format import label as plain_label
from gistcds.report.format import plain

__all__ = [
    "CARD_TOPIC",
    "Uuid",
    "card_source",
    "deterministic_uuid",
    "label",
    "patient_view_cards",
]

CARD_TOPIC = "http://example.org/gistcds/CodeSystem/card-topic"
OVERRIDE = "http://example.org/gistcds/CodeSystem/override-reason"
MAX_SUMMARY = 139  # the spec: fewer than 140 characters
_RESPONSE = {
    "CR": "complete response",
    "PR": "partial response",
    "SD": "stable disease",
    "PD": "progression",
    "NE": "not evaluable",
}
_RECIST_SHORT = {
    "CR": "complete response",
    "PR": "partial response",
    "SD": "stable",
    "PD": "progressive",
    "NE": "not evaluable",
}
_OVERRIDES = [
    {"system": OVERRIDE, "code": "mdt-decision", "display": "Different plan agreed at sarcoma MDT"},
    {"system": OVERRIDE, "code": "patient-preference", "display": "Patient preference"},
]

Uuid = Callable[[str], str]


def deterministic_uuid(seed: str) -> Uuid:
    """Card and suggestion uuids derived from a seed (e.g. the hookInstance) and a key, so
    the same call gives the same uuids and tests can fix them."""
    ns = uuid.uuid5(uuid.NAMESPACE_URL, f"gistcds:{seed}")
    return lambda key: str(uuid.uuid5(ns, key))


def card_source(topic: str, display: str, url: str | None = None) -> dict[str, Any]:
    src: dict[str, Any] = {
        "label": "gistcds (GIST guideline decision support)",
        "topic": {"system": CARD_TOPIC, "code": topic, "display": display},
    }
    if url:
        src["url"] = url
    return src


def label(text: str, limit: int = 80) -> str:
    """A suggestion label cut at a word boundary (with an ellipsis) to ``limit`` characters."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:(") + "…"


def _short(text: str) -> str:
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 1].rstrip() + "…"


def _genotype_phrase(a: Assessment) -> str:
    g = a.genotype
    if g is None or g.genotype_class in ("not_tested", "unclassified"):
        return "GIST"
    return f"{plain_label(g.genotype_class)} GIST"


def _current_drug(a: Assessment) -> str | None:
    """The drug of the latest line still running, as the assessment's record summary says."""
    lines = a.record.therapy_lines if a.record is not None else []
    ongoing = [t for t in lines if t.ongoing]
    return ongoing[-1].drug if ongoing else None


def _response_phrase(a: Assessment) -> str | None:
    if not a.response:
        return None
    tp = a.response[-1]
    if tp.choi != tp.recist:
        return f"Choi {_RESPONSE[tp.choi]} (RECIST {_RECIST_SHORT[tp.recist]})"
    return f"{_RESPONSE[tp.recist]} (RECIST and Choi)"


def _option_phrase(rec: Recommendation) -> str:
    doses = [f"{r.drug} {r.schedule}" for r in rec.regimen]
    return f"{rec.title} ({'; '.join(doses)})" if doses else rec.title


def _next_visit(a: Assessment, today: dt.date) -> FollowupVisit | None:
    """The first visit not yet past, as the report's "next follow-up" picks it."""
    ahead = coming(a.followup, a.followup_from, today)
    return ahead[0] if ahead else None


def _detail(a: Assessment, rec: Recommendation, visit: FollowupVisit | None) -> str:
    parts = []
    g = a.genotype
    if g is not None:
        driver = f" {g.primary_driver}" if g.primary_driver else ""
        parts.append(f"**Genotype:** {plain_label(g.genotype_class)}{driver}.")
    if a.response and a.response_summary is not None:
        tp = a.response[-1]
        figures = []
        if tp.change_from_baseline_pct is not None:
            figures.append(
                f"sum of diameters {tp.change_from_baseline_pct:+.1f}% (RECIST 1.1 {tp.recist})"
            )
        if tp.density_change_pct is not None:
            figures.append(f"density {tp.density_change_pct:+.1f}% (Choi {tp.choi})")
        base = a.response_summary.baseline_date.isoformat()
        parts.append(
            f"**Response (CT {tp.date.isoformat()} vs {base}):** " + "; ".join(figures) + "."
        )
    level = rec.evidence.level + (
        " (unverified)" if rec.evidence.confidence == "unverified" else ""
    )
    rationale = plain(rec.rationale)
    parts.append(f"**Option 1:** {_option_phrase(rec)}. {rationale} Evidence: {level}.")
    if visit is not None:
        when = visit_when(a.followup_from, visit.month)
        parts.append(f"**Follow-up, {when}:** {visit.exam}.")
    parts.append(f"_{a.disclaimer}_")
    return "\n\n".join(parts)


def _suggestions(
    a: Assessment,
    rec: Recommendation,
    visit: FollowupVisit | None,
    patient_ref: str,
    new_uuid: Uuid,
) -> list[dict[str, Any]]:
    out = []
    if rec.regimen:
        actions = [
            {
                "type": "create",
                "description": f"Propose {r.drug} {r.schedule}",
                "resource": {
                    "resourceType": "MedicationRequest",
                    "status": "draft",
                    "intent": "proposal",
                    "subject": {"reference": patient_ref},
                    "medicationCodeableConcept": {"text": r.drug},
                    "dosageInstruction": [{"text": r.schedule}],
                },
            }
            for r in rec.regimen
        ]
        out.append(
            {
                "label": label(f"Order: {_option_phrase(rec)}"),
                "uuid": new_uuid("order-option-1"),
                "isRecommended": True,
                "actions": actions,
            }
        )
    if visit is not None:
        v = visit
        short = visit_label(a.followup_from, v.month)
        exam = label(v.exam.split(":")[0], 80 - len(f"Order  ({short})"))  # the date stays
        out.append(
            {
                "label": f"Order {exam} ({short})",
                "uuid": new_uuid("order-followup"),
                "isRecommended": not rec.regimen,
                "actions": [
                    {
                        "type": "create",
                        "description": f"Propose {v.exam}; due "
                        + visit_when(a.followup_from, v.month),
                        "resource": {
                            "resourceType": "ServiceRequest",
                            "status": "draft",
                            "intent": "proposal",
                            "subject": {"reference": patient_ref},
                            "code": {"text": v.exam},
                        },
                    }
                ],
            }
        )
    return out


def _links(report_url: str | None, app_context: str | None = None) -> list[dict[str, Any]]:
    """The link to the full report: an absolute URL, or a SMART app launch (``type: smart``)
    when an ``appContext`` is given."""
    if not report_url:
        return []
    link: dict[str, Any] = {
        "label": "Open the full GIST assessment (curves, evidence)",
        "url": report_url,
        "type": "smart" if app_context is not None else "absolute",
    }
    if app_context is not None:
        link["appContext"] = app_context
    return [link]


def patient_view_cards(
    a: Assessment,
    patient_ref: str,
    new_uuid: Uuid,
    report_url: str | None = None,
    source_url: str | None = None,
    app_context: str | None = None,
    today: dt.date | None = None,
) -> list[dict[str, Any]]:
    """The patient-view cards for one assessment (see the module docstring); with
    ``app_context`` the report link is a SMART app link to ``report_url``. The follow-up
    suggested is the first visit not past on ``today`` (default: the date of the call)."""
    cards: list[dict[str, Any]] = []
    links = _links(report_url, app_context)
    if a.recommendations:
        rec = a.recommendations[0]
        visit = _next_visit(a, today or dt.date.today())
        on = _current_drug(a)
        head = _genotype_phrase(a) + (f" on {on}" if on else "")
        resp = _response_phrase(a)
        summary = f"{head}: {resp + '; ' if resp else ''}{_option_phrase(rec)}"
        card: dict[str, Any] = {
            "uuid": new_uuid("option-1"),
            "summary": _short(summary),
            "detail": _detail(a, rec, visit),
            "indicator": "info",
            "source": card_source("therapy-option", "Ranked therapy option", source_url),
            "overrideReasons": _OVERRIDES,
        }
        suggestions = _suggestions(a, rec, visit, patient_ref, new_uuid)
        if suggestions:
            card["suggestions"] = suggestions
            card["selectionBehavior"] = "any"
        if links:
            card["links"] = links
        cards.append(card)
    for i, c in enumerate(x for x in a.cautions if x.severity in ("critical", "warning")):
        message = plain(c.message)
        cards.append(
            {
                "uuid": new_uuid(f"caution-{i}-{c.code}"),
                "summary": _short(
                    message.split(": ", 1)[0] if len(message) > MAX_SUMMARY else message
                ),
                "detail": message,
                "indicator": c.severity,
                "source": card_source("caution", "Caution", source_url),
                **({"links": links} if links else {}),
            }
        )
    g = a.genotype
    if g is not None and g.missing_tests:
        cards.append(
            {
                "uuid": new_uuid("missing-tests"),
                "summary": _short(
                    "Missing before a TKI can be chosen: " + "; ".join(map(plain, g.missing_tests))
                ),
                "detail": "\n".join(f"- {plain(t)}" for t in g.missing_tests),
                "indicator": "warning",
                "source": card_source("missing-test", "Missing test", source_url),
                **({"links": links} if links else {}),
            }
        )
    return cards
