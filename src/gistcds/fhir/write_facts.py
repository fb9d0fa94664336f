"""Single patient facts as FHIR: age, ECOG, labs (with upper limits of normal), cardiac
function, pregnancy, breastfeeding, hepatic impairment, and CTCAE adverse events."""

from __future__ import annotations

from typing import Any

from gistcds.domain.patient import Patient
from gistcds.fhir.terminology import codeable
from gistcds.fhir.urls import ext, mcode
from gistcds.fhir.write_common import BundleBuilder, local_code, obs, qty

__all__ = ["LAB_FIELDS", "ULN_FIELDS", "write_facts"]

# patient lab field -> (concept, UCUM unit, the field holding its upper limit of normal)
LAB_FIELDS: dict[str, tuple[str, str, str | None]] = {
    "neutrophils_10e9_per_l": ("neutrophils", "10*9/L", None),
    "hemoglobin_g_per_dl": ("hemoglobin", "g/dL", None),
    "albumin_g_per_l": ("albumin", "g/L", None),
    "platelets_10e9_per_l": ("platelets", "10*9/L", None),
    "alt_u_per_l": ("alt", "U/L", "alt_uln_u_per_l"),
    "ast_u_per_l": ("ast", "U/L", "ast_uln_u_per_l"),
    "bilirubin_umol_per_l": ("bilirubin", "umol/L", "bilirubin_uln_umol_per_l"),
    "tsh_mu_per_l": ("tsh", "m[IU]/L", None),
}
ULN_FIELDS = {uln: name for name, (_, _, uln) in LAB_FIELDS.items() if uln}
_ABSENT = {
    "coding": [
        {"system": "http://terminology.hl7.org/CodeSystem/data-absent-reason", "code": "unknown"}
    ]
}


def _labs(b: BundleBuilder, patient: Patient, subject: Any) -> None:
    if patient.labs is None:
        return
    values = patient.labs.model_dump(exclude_none=True)
    for name, (key, unit, uln_field) in LAB_FIELDS.items():
        uln = values.get(uln_field) if uln_field else None
        if name not in values and uln is None:
            continue
        extra: dict[str, Any] = {}
        if name in values:
            extra["valueQuantity"] = qty(values[name], unit)
        else:
            extra["dataAbsentReason"] = _ABSENT  # only the upper limit of normal was given
        if uln is not None:
            extra["referenceRange"] = [{"high": qty(uln, unit)}]
        b.add(obs(b.unique("Observation", key), key, subject, **extra))


def _cardiac(b: BundleBuilder, patient: Patient, subject: Any) -> None:
    c = patient.cardiac
    if c is None:
        return
    if c.lvef_pct is not None:
        b.add(
            obs(
                b.unique("Observation", "lvef"), "lvef", subject, valueQuantity=qty(c.lvef_pct, "%")
            )
        )
    if c.qtc_ms is not None:
        b.add(
            obs(b.unique("Observation", "qtc"), "qtc", subject, valueQuantity=qty(c.qtc_ms, "ms"))
        )


def _renal(b: BundleBuilder, patient: Patient, subject: Any) -> None:
    renal = getattr(patient, "renal", None)  # the field lands with issue 13 (renovate)
    value = getattr(renal, "creatinine_clearance_ml_min", None)
    if value is not None:
        b.add(
            obs(
                b.unique("Observation", "creatinine-clearance"),
                "creatinine_clearance",
                subject,
                valueQuantity=qty(value, "mL/min"),
            )
        )


def _adverse_events(b: BundleBuilder, patient: Patient, subject: Any) -> None:
    for n, ae in enumerate(patient.adverse_events):
        extensions: list[dict[str, Any]] = [{"url": ext("ctcae-grade"), "valueInteger": ae.grade}]
        if ae.resolved is not None:
            extensions.append({"url": ext("resolved-date"), "valueDate": ae.resolved.isoformat()})
        if ae.recurrence is not None:
            extensions.append({"url": ext("recurrence"), "valueInteger": ae.recurrence})
        resource: dict[str, Any] = {
            "resourceType": "AdverseEvent",
            "id": b.unique("AdverseEvent", f"adverse-event-{n + 1}"),
            "extension": extensions,
            "actuality": "actual",
            "event": {"text": ae.term},
            "subject": subject,
        }
        if ae.onset is not None:
            resource["date"] = ae.onset.isoformat()
        if ae.resolved is not None:
            resource["outcome"] = {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/adverse-event-outcome",
                        "code": "resolved",
                    }
                ]
            }
        if ae.drug is not None:
            resource["suspectEntity"] = [{"instance": {"display": ae.drug}}]
        b.add(resource)


def _statuses(b: BundleBuilder, patient: Patient, subject: Any) -> None:
    """Pregnancy and breastfeeding status, each as a coded Observation when recorded."""
    for flag, key, code, yes, no in (
        (patient.pregnant, "pregnancy", "pregnancy_status", "pregnant", "not_pregnant"),
        (
            patient.breastfeeding,
            "breastfeeding",
            "breastfeeding_status",
            "breastfeeding",
            "not_breastfeeding",
        ),
    ):
        if flag is not None:
            b.add(
                obs(
                    b.unique("Observation", key),
                    code,
                    subject,
                    valueCodeableConcept=codeable(yes if flag else no),
                )
            )


def write_facts(b: BundleBuilder, patient: Patient, subject: Any, refs: dict[str, Any]) -> None:
    if patient.age_years is not None:
        b.add(
            obs(
                b.unique("Observation", "age"),
                "age",
                subject,
                valueQuantity=qty(patient.age_years, "a"),
            )
        )
    if patient.ecog is not None:
        e = b.add(
            obs(
                b.unique("Observation", "ecog"),
                "ecog",
                subject,
                meta={"profile": [mcode("mcode-ecog-performance-status")]},
                valueInteger=patient.ecog,
            )
        )
        refs["ecog"] = f"Observation/{e['id']}"
    _labs(b, patient, subject)
    _cardiac(b, patient, subject)
    _renal(b, patient, subject)
    _statuses(b, patient, subject)
    if patient.hepatic_impairment is not None:
        b.add(
            obs(
                b.unique("Observation", "hepatic"),
                "hepatic_impairment",
                subject,
                valueCodeableConcept=local_code(patient.hepatic_impairment.value),
            )
        )
    _adverse_events(b, patient, subject)
