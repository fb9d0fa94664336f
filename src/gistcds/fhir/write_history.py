"""Therapy lines, comedications and CT time points of a Patient as FHIR resources."""

from __future__ import annotations

from typing import Any

from gistcds.domain.patient import Lesion, Patient, TherapyLine
from gistcds.fhir.sites import organ_codeable
from gistcds.fhir.terminology import codeable, drug_coding
from gistcds.fhir.urls import ext, lesion_id_system, mcode
from gistcds.fhir.write_common import BundleBuilder, obs, qty, ref

__all__ = ["write_imaging", "write_lines"]

_STOP_KEY = {
    "progression": "stop_progression",
    "toxicity": "stop_toxicity",
    "completed": "stop_completed",
    "other": "stop_other",
}
_INTENT = {
    "metastatic": "intent_palliative",
    "adjuvant": "intent_curative",
    "neoadjuvant": "intent_curative",
}


def _medication(drug: str) -> dict[str, Any]:
    cc: dict[str, Any] = {"text": drug}
    codings = drug_coding(drug)
    if codings:
        cc["coding"] = codings
    return cc


def _line_resource(
    b: BundleBuilder, n: int, line: TherapyLine, subject: Any, cond: dict[str, str]
) -> dict[str, Any]:
    ended = line.end is not None or line.stop_reason is not None
    status = "active"
    if ended:
        status = "completed" if line.stop_reason in (None, "completed") else "stopped"
    repeat: dict[str, Any] = {}
    bounds = {k: v.isoformat() for k, v in (("start", line.start), ("end", line.end)) if v}
    if bounds:
        repeat["boundsPeriod"] = bounds
    dosage: dict[str, Any] = {}
    if line.dose_mg_per_day is not None:
        repeat.update({"frequency": 1, "period": 1, "periodUnit": "d"})
        dosage["text"] = f"{line.dose_mg_per_day:g} mg per day"
        dosage["doseAndRate"] = [{"doseQuantity": qty(line.dose_mg_per_day, "mg")}]
    if repeat:
        dosage["timing"] = {"repeat": repeat}
    extensions: list[dict[str, Any]] = []
    if line.setting is not None:
        extensions.append(
            {
                "url": mcode("mcode-procedure-intent"),
                "valueCodeableConcept": codeable(_INTENT[line.setting.value]),
            }
        )
        extensions.append({"url": ext("therapy-setting"), "valueCode": line.setting.value})
    if line.best_response is not None:
        extensions.append(
            {
                "url": ext("line-best-response"),
                "valueCodeableConcept": codeable(f"resp_{line.best_response.value}"),
            }
        )
    if line.progression is not None:
        extensions.append({"url": ext("progression-pattern"), "valueCode": line.progression.value})
    resource: dict[str, Any] = {
        "resourceType": "MedicationRequest",
        "id": b.unique("MedicationRequest", f"line-{n + 1}-{line.drug}"),
        "meta": {"profile": [mcode("mcode-cancer-related-medication-request")]},
        "status": status,
        "intent": "order",
        "medicationCodeableConcept": _medication(line.drug),
        "subject": subject,
        "reasonReference": [cond],
    }
    if extensions:
        resource["extension"] = extensions
    if line.stop_reason is not None:
        resource["statusReason"] = codeable(_STOP_KEY[line.stop_reason.value])
    if dosage:
        resource["dosageInstruction"] = [dosage]
    return resource


def write_lines(b: BundleBuilder, patient: Patient, subject: Any, cond: dict[str, str]) -> None:
    """One mCODE cancer-related MedicationRequest per line; a MedicationStatement per
    comedication."""
    for n, line in enumerate(patient.therapy_lines):
        b.add(_line_resource(b, n, line, subject, cond))
    for med in patient.comedications:
        b.add(
            {
                "resourceType": "MedicationStatement",
                "id": b.unique("MedicationStatement", f"comedication-{med}"),
                "status": "active",
                "medicationCodeableConcept": _medication(med),
                "subject": subject,
            }
        )


def _body_structure(b: BundleBuilder, lesion: Lesion, subject: Any) -> dict[str, str]:
    rid = f"lesion-{lesion.id}"
    for r in b.resources:
        if r["resourceType"] == "BodyStructure" and any(
            i.get("system") == lesion_id_system and i.get("value") == lesion.id
            for i in r.get("identifier", [])
        ):
            return ref(r)
    return ref(
        b.add(
            {
                "resourceType": "BodyStructure",
                "id": b.unique("BodyStructure", rid),
                "meta": {"profile": [mcode("mcode-tumor")]},
                "identifier": [{"use": "usual", "system": lesion_id_system, "value": lesion.id}],
                "location": organ_codeable(lesion.organ),
                "patient": subject,
            }
        )
    )


def _lesion_components(lesion: Lesion) -> list[dict[str, Any]]:
    comps: list[dict[str, Any]] = []
    if lesion.longest_diameter_mm is not None:
        comps.append(
            {
                "code": codeable("tumor_longest"),
                "valueQuantity": qty(lesion.longest_diameter_mm, "mm"),
            }
        )
    if lesion.short_axis_mm is not None:
        comps.append(
            {"code": codeable("short_axis"), "valueQuantity": qty(lesion.short_axis_mm, "mm")}
        )
    comps.append({"code": codeable("lesion_kind"), "valueString": lesion.kind.value})
    if lesion.status is not None:
        comps.append({"code": codeable("non_target_status"), "valueString": lesion.status.value})
    if lesion.new_nodule_in_mass is not None:
        comps.append({"code": codeable("new_nodule"), "valueBoolean": lesion.new_nodule_in_mass})
    return comps


def write_imaging(b: BundleBuilder, patient: Patient, subject: Any) -> dict[str, list[str]]:
    """Per time point and lesion: a TumorSize (or lesion assessment) and a density
    observation, each focused on the lesion's Tumor BodyStructure. Returns the
    observation references by date (for response observations' derivedFrom)."""
    by_date: dict[str, list[str]] = {}
    for tp in patient.imaging:
        day = tp.date.isoformat()
        for lesion in tp.lesions:
            focus = [_body_structure(b, lesion, subject)]
            measured = lesion.longest_diameter_mm is not None
            size = obs(
                b.unique("Observation", f"ct-{day}-{lesion.id}"),
                "tumor_size" if measured else "lesion_assessment",
                subject,
                meta={"profile": [mcode("mcode-tumor-size")]} if measured else None,
                effectiveDateTime=day,
                focus=focus,
                method=codeable("method_ct"),
                component=_lesion_components(lesion),
            )
            by_date.setdefault(day, []).append(f"Observation/{b.add(size)['id']}")
            if lesion.density_hu is not None:
                hu = obs(
                    b.unique("Observation", f"hu-{day}-{lesion.id}"),
                    "density",
                    subject,
                    effectiveDateTime=day,
                    focus=focus,
                    method=codeable("method_ct"),
                    valueQuantity=qty(lesion.density_hu, "HU", "[hnsf'U]"),
                    derivedFrom=[ref(size)],
                )
                by_date[day].append(f"Observation/{b.add(hu)['id']}")
    return by_date
