"""Ranked options (RequestGroup of proposals), cautions (DetectedIssue) and the follow-up
(CarePlan) as FHIR resources, each citing the knowledge base's sources."""

from __future__ import annotations

from typing import Any

from gistcds.domain.assessment import Assessment
from gistcds.domain.results.therapy import OptionLevel, Recommendation
from gistcds.fhir.terminology import LOCAL, drug_coding
from gistcds.fhir.urls import ext, mcode
from gistcds.fhir.write_common import BundleBuilder, qty, ref
from gistcds.followup.dates import visit_when
from gistcds.knowledge import KnowledgeBase, Source
from gistcds.report.format import plain

__all__ = ["citation", "write_plan"]

_SEVERITY = {"critical": "high", "warning": "moderate", "info": "low"}


def _url(s: Source) -> str | None:
    if s.pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{s.pmid}/"
    if s.doi:
        return f"https://doi.org/{s.doi}"
    return s.url


def citation(s: Source) -> dict[str, Any]:
    """A RelatedArtifact citing one knowledge-base source."""
    out: dict[str, Any] = {"type": "citation", "label": s.id, "citation": s.citation()}
    url = _url(s)
    if url:
        out["url"] = url
    return out


def _proposal(
    b: BundleBuilder, rec: Recommendation, n: int, subject: Any, cond: Any
) -> list[dict[str, Any]]:
    """The request resources an option proposes: a MedicationRequest per drug, or a
    ServiceRequest for a non-drug option."""
    reason = {"reasonReference": [cond]} if cond else {}
    if rec.regimen:
        out = []
        for item in rec.regimen:
            med: dict[str, Any] = {"text": item.drug}
            if drug_coding(item.drug):
                med["coding"] = drug_coding(item.drug)
            dosage: dict[str, Any] = {"text": item.schedule}
            if item.dose_mg_per_day is not None:
                dosage["extension"] = [
                    {"url": ext("daily-dose"), "valueQuantity": qty(item.dose_mg_per_day, "mg/d")}
                ]
            out.append(
                b.add(
                    {
                        "resourceType": "MedicationRequest",
                        "id": b.unique("MedicationRequest", f"option-{n}-{item.drug}"),
                        "meta": {"profile": [mcode("mcode-cancer-related-medication-request")]},
                        "status": "draft",
                        "intent": "proposal",
                        "medicationCodeableConcept": med,
                        "subject": subject,
                        **reason,
                        "dosageInstruction": [dosage],
                    }
                )
            )
        return out
    return [
        b.add(
            {
                "resourceType": "ServiceRequest",
                "id": b.unique("ServiceRequest", f"option-{n}-{rec.kind}"),
                "status": "draft",
                "intent": "proposal",
                "category": [{"coding": [{"system": LOCAL, "code": rec.kind}], "text": rec.kind}],
                "code": {"text": rec.title},
                "subject": subject,
                **reason,
            }
        )
    ]


def _level_extension(lv: OptionLevel) -> dict[str, Any]:
    """One level of evidence on an option: system, drug, value ("not captured" kept)."""
    parts: list[dict[str, Any]] = [
        {"url": "system", "valueCode": lv.system},
        {"url": "value", "valueString": lv.value},
    ]
    if lv.drug:
        parts.append({"url": "drug", "valueString": lv.drug})
    if lv.genotype:
        parts.append({"url": "genotype", "valueString": lv.genotype})
    if lv.context:
        parts.append({"url": "context", "valueString": lv.context})
    parts += [{"url": "source", "valueString": i} for i in lv.source_ids]
    return {"url": ext("level-of-evidence"), "extension": parts}


def _level_citations(rec: Recommendation, kb: KnowledgeBase) -> list[dict[str, Any]]:
    """Citations of the levels' sources not already cited, and the registry records of a
    trial option."""
    seen = set(rec.evidence.source_ids)
    ids = [i for lv in rec.levels for i in lv.source_ids if i not in seen]
    out = [citation(s) for s in kb.cite(list(dict.fromkeys(ids)))]
    out += [
        {
            "type": "documentation",
            "label": t,
            "display": f"registry record {t}",
            "url": f"https://clinicaltrials.gov/study/{t}",
        }
        for t in rec.trial_ids
    ]
    return out


def _action(
    b: BundleBuilder, rec: Recommendation, n: int, subject: Any, cond: Any, kb: KnowledgeBase
) -> dict[str, Any]:
    level = rec.evidence.level
    if rec.evidence.confidence == "unverified":
        level += " (not re-read in the source: unverified)"
    action: dict[str, Any] = {
        "prefix": str(n),
        "title": rec.title,
        "description": f"{plain(rec.rationale)} Evidence: {level}.",
        "code": [{"coding": [{"system": LOCAL, "code": rec.kind}], "text": rec.kind}],
        "documentation": [citation(s) for s in kb.cite(rec.evidence.source_ids)],
    }
    action["documentation"] += _level_citations(rec, kb)
    if rec.levels:
        action["extension"] = [_level_extension(lv) for lv in rec.levels]
    resources = _proposal(b, rec, n, subject, cond)
    if len(resources) == 1:
        action["resource"] = ref(resources[0])
    else:
        action["selectionBehavior"] = "all"
        action["action"] = [
            {"title": r["medicationCodeableConcept"]["text"], "resource": ref(r)} for r in resources
        ]
    if not action["documentation"]:
        del action["documentation"]
    return action


def write_plan(b: BundleBuilder, a: Assessment, subject: Any, cond: Any, kb: KnowledgeBase) -> None:
    notes = [
        a.disclaimer,
        f"gistcds {a.gistcds_version}; knowledge base {a.knowledge_base_version}",
        *a.warnings,
    ]
    if a.recommendations:
        b.add(
            {
                "resourceType": "RequestGroup",
                "id": b.unique("RequestGroup", "options"),
                "status": "draft",
                "intent": "proposal",
                "subject": subject,
                "action": [
                    _action(b, rec, n, subject, cond, kb)
                    for n, rec in enumerate(a.recommendations, start=1)
                ],
                "note": [{"text": t} for t in notes],
            }
        )
    for c in a.cautions:
        issue: dict[str, Any] = {
            "resourceType": "DetectedIssue",
            "id": b.unique("DetectedIssue", f"caution-{c.code}"),
            "status": "final",
            "code": {"coding": [{"system": LOCAL, "code": c.code}], "text": c.code},
            "severity": _SEVERITY[c.severity],
            "patient": subject,
            "detail": plain(c.message),
        }
        sources = kb.cite(c.source_ids)
        if sources and _url(sources[0]):
            issue["reference"] = _url(sources[0])
        if sources:
            issue["evidence"] = [{"detail": [{"display": s.citation()} for s in sources]}]
        b.add(issue)
    if a.followup:
        b.add(
            {
                "resourceType": "CarePlan",
                "id": b.unique("CarePlan", "followup"),
                "status": "draft",
                "intent": "proposal",
                "title": "GIST follow-up (gistcds)",
                "subject": subject,
                "activity": [
                    {
                        "detail": {
                            "kind": "ServiceRequest",
                            "code": {"text": v.exam},
                            "status": "not-started",
                            "scheduledString": visit_when(a.followup_from, v.month),
                            "description": v.exam,
                        }
                    }
                    for v in a.followup
                ],
            }
        )
