"""An Assessment -> FHIR resources: a rendering, never a second clinical computation.

``assessment_to_bundle`` writes RiskAssessments (NIH, modified NIH, AFIP; PFS/OS curves),
the mCODE TNM and stage-group observations, RECIST 1.1 and Choi observations per time
point, the genotype as Genomics Reporting diagnostic / therapeutic implications, the ranked
options as a RequestGroup of proposals with their citations, the cautions as
DetectedIssues and the follow-up as a CarePlan. With ``refs`` (from ``bundle_to_patient``)
the resources point at the input record; without, the record itself is written into the
same Bundle so that every reference resolves.
"""

from __future__ import annotations

from typing import Any

from gistcds.domain.assessment import Assessment
from gistcds.domain.patient import Patient
from gistcds.domain.results.risk import Ajcc8Result, RiskPanel
from gistcds.fhir.mapping import FhirRefs
from gistcds.fhir.terminology import LOCAL, codeable, coding, concepts, system
from gistcds.fhir.urls import mcode
from gistcds.fhir.write_common import BundleBuilder, obs, ref
from gistcds.fhir.write_plan import write_plan
from gistcds.fhir.write_results import write_genotype, write_prognosis, write_response
from gistcds.fhir.write_toxicity import write_toxicity
from gistcds.knowledge import KnowledgeBase

__all__ = ["assessment_to_bundle"]

_RISK_PROB = {
    "none": "negligible",
    "very_low": "low",
    "low": "low",
    "intermediate": "moderate",
    "moderate": "moderate",
    "high": "high",
}
_RISK = (
    ("nih", "risk_nih", "Recurrence after complete resection"),
    ("modified_nih", "risk_modified_nih", "Recurrence after complete resection"),
    ("afip", "risk_afip", "Progression (recurrence or metastasis) after resection"),
)


def assessment_to_bundle(
    assessment: Assessment,
    patient: Patient,
    refs: FhirRefs | None = None,
    kb: KnowledgeBase | None = None,
) -> dict[str, Any]:
    """The assessment as a FHIR R4 collection Bundle (see the module docstring)."""
    from gistcds.fhir.write_patient import write_record
    from gistcds.knowledge import load_kb

    kb = kb or load_kb()
    b = BundleBuilder(f"gistcds-assessment-{assessment.patient_id}")
    if refs is None:
        refs = FhirRefs.model_validate(write_record(b, patient))
    subject = {"reference": refs.patient}
    cond = {"reference": refs.primary_condition} if refs.primary_condition else None
    _risk(b, assessment.risk, subject, cond, refs)
    if assessment.risk.ajcc8 is not None and cond is not None:
        _staging(b, assessment.risk.ajcc8, subject, cond)
    write_response(b, assessment, subject, cond, refs)
    write_genotype(b, assessment, subject, refs, kb)
    write_prognosis(b, assessment, subject, cond, refs)
    write_plan(b, assessment, subject, cond, kb)
    write_toxicity(b, assessment, subject, kb)
    return b.bundle()


def _qualitative(category: str) -> dict[str, Any]:
    codings = [{"system": LOCAL, "code": category, "display": category.replace("_", " ")}]
    if category in _RISK_PROB:
        prob = _RISK_PROB[category]
        codings.insert(0, {"system": system("riskprob"), "code": prob})
    return {"coding": codings, "text": category.replace("_", " ")}


def _risk(b: BundleBuilder, panel: RiskPanel, subject: Any, cond: Any, refs: FhirRefs) -> None:
    for name, key, outcome in _RISK:
        result = getattr(panel, name)
        if result is None:
            continue
        prediction: dict[str, Any] = {"outcome": {"text": outcome}}
        if result.category is not None and result.category != "insufficient_data":
            prediction["qualitativeRisk"] = _qualitative(result.category)
        pct = getattr(result, "progression_pct", None)
        if pct is not None:
            prediction["probabilityDecimal"] = round(pct / 100, 4)
        if result.rationale:
            prediction["rationale"] = result.rationale
        resource: dict[str, Any] = {
            "resourceType": "RiskAssessment",
            "id": b.unique("RiskAssessment", f"risk-{name.replace('_', '-')}"),
            "status": "final",
            "method": codeable(key),
            "subject": subject,
            "prediction": [prediction],
        }
        if cond is not None:
            resource["condition"] = cond
        if refs.risk_basis:
            resource["basis"] = [{"reference": r} for r in refs.risk_basis]
        notes = [*result.notes]
        if getattr(result, "reason", None):
            notes.append(str(result.reason))
        if result.confidence == "unverified":
            notes.append("Knowledge-base facts behind this result are marked unverified.")
        if notes:
            resource["note"] = [{"text": n} for n in notes]
        b.add(resource)


def _value_key(prefix: str, value: str) -> str | None:
    """Terminology key for a TNM value (``cT3``) or stage (``stage_IV``), if any."""
    known = {c.key for c in concepts()}
    key = f"{prefix}{value}"
    return key if key in known else None


def _tnm_value(prefix: str, value: str) -> dict[str, Any]:
    key = _value_key(prefix, value)
    if key is None:
        return {
            "coding": [{"system": LOCAL, "code": f"{prefix}{value}"}],
            "text": f"{prefix}{value}",
        }
    return {"coding": [coding(key)], "text": f"{prefix}{value}"}


def _staging(b: BundleBuilder, ajcc: Ajcc8Result, subject: Any, cond: dict[str, str]) -> None:
    cls = ajcc.classification
    prefix = cls if cls in ("c", "p") else "yp"
    kind = {"c": "clinical", "p": "pathological"}.get(cls, "generic")
    members: list[dict[str, str]] = []
    parts = (
        ("t", ajcc.t, "mcode-tnm-primary-tumor-category"),
        ("n", ajcc.n, "mcode-tnm-regional-nodes-category"),
        ("m", ajcc.m, "mcode-tnm-distant-metastases-category"),
    )
    for letter, value, profile in parts:
        if value is None:
            continue
        m_prefix = "p" if letter == "m" and prefix == "p" and value == "M1" else prefix
        if letter == "m" and value == "M0":
            m_prefix = "c"  # AJCC: there is no pathological M0
        resource = obs(
            b.unique("Observation", f"tnm-{letter}"),
            f"{letter}_{kind}",
            subject,
            meta={"profile": [mcode(profile)]},
            focus=[cond],
            method=codeable("ajcc8"),
            valueCodeableConcept=_tnm_value(m_prefix if letter == "m" else prefix, value),
        )
        members.append(ref(b.add(resource)))
    if ajcc.stage is None:
        return
    group = obs(
        b.unique("Observation", "tnm-stage-group"),
        f"stage_{kind}",
        subject,
        meta={"profile": [mcode("mcode-tnm-stage-group")]},
        focus=[cond],
        method=codeable("ajcc8"),
        valueCodeableConcept=_tnm_value("stage_", ajcc.stage) | {"text": f"Stage {ajcc.stage}"},
        hasMember=members or None,
        note=[{"text": ajcc.rationale}] if ajcc.rationale else None,
    )
    b.add(group)
