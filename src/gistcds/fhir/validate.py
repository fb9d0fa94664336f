"""Checks for every Bundle gistcds writes (issue 16, item 3).

1. Structure: the Bundle and every resource parse with fhir.resources (R4B models).
2. Required bindings: fhir.resources does not check codes, so the code elements gistcds
   writes whose binding is *required* in the base spec are checked against their value sets.
3. Profile rules: the mCODE / Genomics Reporting constraints that the profiles state
   (``must-have-focus-or-specimen``, ``mcode-reason-required``, cardinalities 1..1 of TNM
   method and focus, the longest-dimension component of TumorSize, ``derivedFrom`` 1..* and
   no value on implications), evaluated with fhirpathpy on the resources claiming them.
4. Terminology honesty: no coding under a standard system carries a code that the
   terminology table does not mark verified or corroborated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from gistcds.fhir.terminology import concept

__all__ = ["REQUIRED_BINDINGS", "check_bundle", "check_resource", "codings"]

# (resource type, FHIRPath, allowed codes): required bindings of the base spec (R4).
REQUIRED_BINDINGS: list[tuple[str, str, set[str]]] = [
    (
        "Bundle",
        "type",
        {
            "document",
            "message",
            "transaction",
            "transaction-response",
            "batch",
            "batch-response",
            "history",
            "searchset",
            "collection",
        },
    ),
    (
        "Observation",
        "status",
        {
            "registered",
            "preliminary",
            "final",
            "amended",
            "corrected",
            "cancelled",
            "entered-in-error",
            "unknown",
        },
    ),
    (
        "RiskAssessment",
        "status",
        {
            "registered",
            "preliminary",
            "final",
            "amended",
            "corrected",
            "cancelled",
            "entered-in-error",
            "unknown",
        },
    ),
    (
        "MedicationRequest",
        "status",
        {
            "active",
            "on-hold",
            "cancelled",
            "completed",
            "entered-in-error",
            "stopped",
            "draft",
            "unknown",
        },
    ),
    (
        "MedicationRequest",
        "intent",
        {
            "proposal",
            "plan",
            "order",
            "original-order",
            "reflex-order",
            "filler-order",
            "instance-order",
            "option",
        },
    ),
    (
        "MedicationRequest",
        "dosageInstruction.timing.repeat.periodUnit",
        {"s", "min", "h", "d", "wk", "mo", "a"},
    ),
    (
        "MedicationStatement",
        "status",
        {
            "active",
            "completed",
            "entered-in-error",
            "intended",
            "stopped",
            "on-hold",
            "unknown",
            "not-taken",
        },
    ),
    (
        "ServiceRequest",
        "status",
        {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"},
    ),
    (
        "ServiceRequest",
        "intent",
        {
            "proposal",
            "plan",
            "directive",
            "order",
            "original-order",
            "reflex-order",
            "filler-order",
            "instance-order",
            "option",
        },
    ),
    (
        "RequestGroup",
        "status",
        {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"},
    ),
    (
        "RequestGroup",
        "intent",
        {
            "proposal",
            "plan",
            "directive",
            "order",
            "original-order",
            "reflex-order",
            "filler-order",
            "instance-order",
            "option",
        },
    ),
    (
        "RequestGroup",
        "action.selectionBehavior",
        {"any", "all", "all-or-none", "exactly-one", "at-most-one", "one-or-more"},
    ),
    (
        "RequestGroup",
        "action.documentation.type",
        {
            "documentation",
            "justification",
            "citation",
            "predecessor",
            "successor",
            "derived-from",
            "depends-on",
            "composed-of",
        },
    ),
    (
        "DetectedIssue",
        "status",
        {
            "registered",
            "preliminary",
            "final",
            "amended",
            "corrected",
            "cancelled",
            "entered-in-error",
            "unknown",
        },
    ),
    ("DetectedIssue", "severity", {"high", "moderate", "low"}),
    (
        "CarePlan",
        "status",
        {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"},
    ),
    ("CarePlan", "intent", {"proposal", "plan", "order", "option"}),
    (
        "CarePlan",
        "activity.detail.status",
        {
            "not-started",
            "scheduled",
            "in-progress",
            "on-hold",
            "completed",
            "cancelled",
            "stopped",
            "unknown",
            "entered-in-error",
        },
    ),
    ("AdverseEvent", "actuality", {"actual", "potential"}),
    (
        "AdverseEvent",
        "outcome.coding.code",
        {"resolved", "recovering", "ongoing", "resolvedWithSequelae", "fatal", "unknown"},
    ),
    ("Patient", "gender", {"male", "female", "other", "unknown"}),
    ("Specimen", "status", {"available", "unavailable", "unsatisfactory", "entered-in-error"}),
    (
        "DiagnosticReport",
        "status",
        {
            "registered",
            "partial",
            "preliminary",
            "final",
            "amended",
            "corrected",
            "appended",
            "cancelled",
            "entered-in-error",
            "unknown",
        },
    ),
]

_LONGEST = "component.where(code.coding.where(system='http://loinc.org' and code='33728-7')"
# profile id -> [(rule name, FHIRPath that must be true)]
PROFILE_RULES: dict[str, list[tuple[str, str]]] = {
    "mcode-tumor-size": [
        (
            "must-have-focus-or-specimen",
            "(focus.exists() or specimen.exists())"
            " and (focus.exists() and specimen.exists()).not()",
        ),
        ("tumorLongestDimension 1..1", _LONGEST + ".exists()).count() = 1"),
    ],
    "mcode-tnm-primary-tumor-category": [
        ("method and focus 1..1", "method.exists() and focus.count() = 1")
    ],
    "mcode-tnm-regional-nodes-category": [
        ("method and focus 1..1", "method.exists() and focus.count() = 1")
    ],
    "mcode-tnm-distant-metastases-category": [
        ("method and focus 1..1", "method.exists() and focus.count() = 1")
    ],
    "mcode-tnm-stage-group": [("method and focus 1..1", "method.exists() and focus.count() = 1")],
    "mcode-cancer-related-medication-request": [
        ("mcode-reason-required", "reasonCode.exists() or reasonReference.exists()"),
    ],
    "mcode-genomic-variant": [("code 69548-6", "code.coding.where(code='69548-6').exists()")],
    "mcode-genomic-region-studied": [
        ("code 53041-0", "code.coding.where(code='53041-0').exists()")
    ],
    "mcode-tumor": [
        ("location 1..1, identifier 1..*", "location.exists() and identifier.exists()")
    ],
    "mcode-primary-cancer-condition": [("code and subject", "code.exists() and subject.exists()")],
    "mcode-secondary-cancer-condition": [
        ("code and subject", "code.exists() and subject.exists()")
    ],
    "mcode-ecog-performance-status": [("valueInteger", "valueInteger.exists()")],
    "therapeutic-implication": [
        ("derivedFrom 1..*, value 0..0", "derivedFrom.exists() and value.empty()")
    ],
    "diagnostic-implication": [
        ("derivedFrom 1..*, value 0..0", "derivedFrom.exists() and value.empty()")
    ],
}


def codings(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every Coding-shaped dict (with system and code) under a JSON node, with its path."""
    if isinstance(node, dict):
        if "system" in node and "code" in node and isinstance(node.get("code"), str):
            yield path, node
        for k, v in node.items():
            yield from codings(v, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from codings(v, f"{path}[{i}]")


@cache
def _compiled(expr: str) -> Callable[..., list[Any]]:
    """A FHIRPath expression compiled once (fhirpathpy parses on every ``evaluate``)."""
    from fhirpathpy import compile as fp_compile

    return fp_compile(expr)


def _evaluate(resource: dict[str, Any], expr: str) -> list[Any]:
    return _compiled(expr)(resource, {})


@cache
def _unconfirmed_standard_codes() -> dict[tuple[str, str], str]:
    from gistcds.fhir.terminology import concepts, drug_entries, system

    out: dict[tuple[str, str], str] = {}
    for c in concepts():
        if c.candidate_system and c.candidate_code:
            out[(c.candidate_system, c.candidate_code)] = c.key
        if c.system and c.code and not c.confirmed:
            out[(c.system, c.code)] = c.key
    for inn, e in drug_entries().items():
        if e.get("status") not in ("verified", "corroborated"):
            for code in (e.get("code"), e.get("candidate")):
                if code:
                    out[(system("rxnorm"), code)] = inn
    return out


def check_resource(resource: dict[str, Any], where: str = "", codes: bool = True) -> list[str]:
    """Binding, profile-rule and terminology problems of one resource (empty when fine)."""
    problems: list[str] = []
    rtype = resource.get("resourceType", "")
    for btype, expr, allowed in REQUIRED_BINDINGS:
        if btype != rtype:
            continue
        for value in _evaluate(resource, expr):
            if value not in allowed:
                problems.append(f"{where}{rtype}.{expr}: {value!r} not in the required value set")
    for profile in (resource.get("meta") or {}).get("profile") or []:
        for name, expr in PROFILE_RULES.get(str(profile).rsplit("/", 1)[-1], []):
            if _evaluate(resource, expr) != [True]:
                problems.append(
                    f"{where}{rtype}/{resource.get('id')}: {profile} rule {name!r} fails"
                )
    bad = _unconfirmed_standard_codes() if codes else {}
    for path, cd in codings(resource) if codes else ():
        key = bad.get((str(cd["system"]), str(cd["code"])))
        if key is not None:
            problems.append(
                f"{where}{path}: {cd['code']} is not confirmed ({key}); write it as a local code"
            )
    return problems


def check_bundle(bundle: dict[str, Any]) -> list[str]:
    """Every problem of a Bundle gistcds wrote: structure, bindings, profiles, codes."""
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    from gistcds.io.validation import problems_from

    try:
        Bundle.model_validate(bundle)
    except ValidationError as exc:
        return [str(p) for p in problems_from(exc)]
    problems = check_resource(bundle, codes=False)
    for i, entry in enumerate(bundle.get("entry") or []):
        problems += check_resource(entry["resource"], f"entry[{i}].resource: ")
    concept("gist")  # the terminology table loads
    return problems
