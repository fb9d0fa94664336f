"""FHIR R4 Bundle (mCODE 4.0 / Genomics Reporting) -> the gistcds Patient.

``bundle_to_patient`` validates the Bundle with fhir.resources, maps every resource by
profile and code (../shared/reference/interop.md), reports what it did with every
resource and element, and validates the result as the JSON input is validated: a
problem names the Bundle path it came from and the patient field
(``entry[5].resource.component[0] (primary.size_cm): must be > 0, got -3``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gistcds.domain.patient import Patient
from gistcds.errors import InputError, Problem
from gistcds.fhir.bundle import Entry, first_date, parse_bundle, profiles
from gistcds.fhir.mapping import MappingReport
from gistcds.fhir.read_context import Ctx
from gistcds.fhir.read_facts import FACT_KEYS, read_adverse_event, read_fact
from gistcds.fhir.read_imaging import Imaging, read_lesion_observation, settle_imaging
from gistcds.fhir.read_meds import PendingLine, read_medication, settle_lines
from gistcds.fhir.read_molecular import read_region, read_sdhb, read_specimen_use, read_variant
from gistcds.fhir.read_tumour import read_conditions, read_primary_observation, read_procedure
from gistcds.fhir.terminology import concept_of
from gistcds.knowledge import KnowledgeBase

__all__ = ["bundle_to_patient"]

_PRIMARY_OBS = ("mitoses_5mm2", "mitoses_50hpf", "rupture", "residual_tumour")
_TNM = ("t_", "n_", "m_", "stage_")
_LESION_OBS = ("tumor_size", "density", "lesion_assessment")
_MEDS = ("MedicationRequest", "MedicationStatement", "MedicationAdministration")
_READ_TYPES = (
    "Patient",
    "Condition",
    "Observation",
    "Medication",
    "AdverseEvent",
    "Procedure",
    *_MEDS,
)
_DISCARDED = {"entered-in-error", "cancelled"}
_WHY_IGNORED = {
    "DiagnosticReport": "report container; its results are read one by one",
    "Practitioner": "not needed for the assessment",
    "Organization": "not needed for the assessment",
    "Encounter": "not needed for the assessment",
    "ImagingStudy": "gistcds reads the measurements, not the study",
}


def bundle_to_patient(
    bundle: Any, kb: KnowledgeBase | None = None, today: dt.date | None = None
) -> tuple[Patient, MappingReport]:
    """The Patient a FHIR Bundle describes, and the report of every mapping decision."""
    from gistcds.io.patient_json import patient_from_obj
    from gistcds.knowledge import load_kb

    index = parse_bundle(bundle)
    ctx = Ctx(index, MappingReport(), today or dt.date.today())
    _read_all(ctx, _cancer_drugs(kb or load_kb()))
    ctx.finish_elements()
    try:
        patient = patient_from_obj(ctx.doc, today, kb)
    except InputError as exc:
        raise InputError([_locate(ctx, p) for p in exc.problems]) from None
    return patient, ctx.report


def _locate(ctx: Ctx, p: Problem) -> Problem:
    """Prefix a patient-path problem with the Bundle element it came from."""
    best = max((k for k in ctx.provenance if p.path.startswith(k)), key=len, default=None)
    if best is None:
        return p
    return Problem(f"{ctx.provenance[best]} ({p.path})", p.message)


def _cancer_drugs(kb: KnowledgeBase) -> set[str]:
    from gistcds.knowledge.schema import therapy_drugs

    table = kb.get(therapy_drugs.Table)
    names: set[str] = set()
    for inn, synonyms in [(d.inn, d.synonyms) for d in table.drugs] + [
        (a.inn, a.synonyms) for a in table.other_agents
    ]:
        names.add(inn)
        names.update(s.lower() for s in synonyms)
    return names


def _read_all(ctx: Ctx, cancer_drugs: set[str]) -> None:
    index = ctx.index
    _read_patient(ctx)
    live = [e for e in index.entries if _belongs(ctx, e)]
    read_conditions(ctx, [e for e in live if e.rtype == "Condition"])
    img, pending = Imaging(), list[PendingLine]()
    specimens_used: set[str] = set()
    for e in live:
        if e.rtype == "Observation":
            _observation(ctx, img, e, specimens_used)
        elif e.rtype in _MEDS:
            read_medication(ctx, e, cancer_drugs, pending)
        elif e.rtype == "AdverseEvent":
            read_adverse_event(ctx, e)
        elif e.rtype == "Procedure":
            read_procedure(ctx, e)
    for e in live:
        if e.rtype == "Specimen":
            read_specimen_use(ctx, e, e.ref in specimens_used)
        elif e.rtype == "BodyStructure":
            if e.ref not in img.structures:
                ctx.line("ignored", e, "", "no measurement refers to this body structure")
        elif e.rtype not in _READ_TYPES:
            why = _WHY_IGNORED.get(e.rtype, f"{e.rtype} is not used by gistcds")
            ctx.line("ignored" if e.rtype in _WHY_IGNORED else "unmapped", e, "", why)
        elif e.rtype == "Medication" and e.index not in ctx.consumed:
            ctx.line("ignored", e, "", "no medication statement or order refers to it")
    settle_lines(ctx, pending)
    settle_imaging(ctx, img)
    ctx.settle()
    _check_m1(ctx)


def _read_patient(ctx: Ctx) -> None:
    patients = ctx.index.of_type("Patient")
    if not patients:
        raise InputError([Problem("entry", "the Bundle has no Patient resource")])
    if len(patients) > 1:
        raise InputError([Problem(patients[1].path, "the Bundle has more than one Patient")])
    e = patients[0]
    r = e.resource
    ctx.patient_refs = {e.ref, *(x for x in (e.full_url,) if x)}
    ctx.report.refs.patient = e.ref
    from gistcds.fhir.urls import patient_id_system

    ident = next(
        (i for i in r.get("identifier") or [] if i.get("system") == patient_id_system), None
    )
    if ident and ident.get("value"):
        ctx.put("id", str(ident["value"]), e, "identifier", reason="gistcds patient id")
    else:
        ctx.put("id", e.rid or "patient", e, "id", reason="resource id")
    if r.get("gender"):
        ctx.put("sex", r["gender"], e, "gender")
    born = first_date(r, "birthDate")
    if born is not None:
        ref = ctx.reference_date
        years = ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day))
        why = f"age on {ref.isoformat()} ({'Bundle timestamp' if ctx.index.timestamp else 'today'})"
        ctx.offer("age_years", years, e, "birthDate", None, -1, why)
    if r.get("deceasedBoolean") or r.get("deceasedDateTime"):
        ctx.line("assumed", e, "deceased[x]", "deceased patient: assessed as recorded")
        ctx.consume(e, "deceasedBoolean", "deceasedDateTime")


def _belongs(ctx: Ctx, e: Entry) -> bool:
    """False (and reported) for another patient's or an entered-in-error resource."""
    r = e.resource
    if e.rtype == "Patient":
        return False
    if r.get("status") in _DISCARDED:
        ctx.line("ignored", e, "status", f"status {r['status']}")
        return False
    ctx.consume(e, "status")
    subject = r.get("subject") or r.get("patient")
    if isinstance(subject, dict) and subject.get("reference"):
        target = ctx.index.resolve(subject)
        ref = target.ref if target else str(subject["reference"])
        if ref not in ctx.patient_refs:
            ctx.line("unmapped", e, "subject", f"refers to {ref}, not to the Bundle's patient")
            return False
    return True


def _observation(ctx: Ctx, img: Imaging, e: Entry, specimens_used: set[str]) -> None:
    key = concept_of(e.resource.get("code"))
    prof = profiles(e.resource)
    if key == "variant" or "mcode-genomic-variant" in prof:
        spec = ctx.index.resolve(e.resource.get("specimen"))
        if spec is not None:
            specimens_used.add(spec.ref)
        read_variant(ctx, e)
    elif key == "region_studied" or "mcode-genomic-region-studied" in prof:
        read_region(ctx, e)
    elif key == "sdhb_ihc":
        read_sdhb(ctx, e)
    elif key in _LESION_OBS:
        read_lesion_observation(ctx, img, e, key)
    elif key is not None and (key in _PRIMARY_OBS or key.startswith(_TNM)):
        read_primary_observation(ctx, e, key)
    elif key in FACT_KEYS:
        read_fact(ctx, e, key)
    elif "mcode-cancer-disease-status" in prof:
        ctx.line(
            "ignored",
            e,
            "",
            "disease status is a clinician's summary; gistcds computes "
            "RECIST/Choi from the measurements",
        )
    else:
        ctx.line("unmapped", e, "code", "observation code not known to gistcds")


def _check_m1(ctx: Ctx) -> None:
    """M1 without any secondary cancer condition: metastatic from the M observation's date."""
    if ctx.m1 is None:
        return
    entry, when = ctx.m1
    met = ctx.doc.get("metastatic") or {}
    if met.get("sites") or met.get("diagnosed"):
        return
    if when is None:
        ctx.line("unmapped", entry, "effectiveDateTime", "M1 without a date or metastatic site")
        return
    ctx.put(
        "metastatic.diagnosed",
        when.isoformat(),
        entry,
        "effectiveDateTime",
        "assumed",
        "M1 without a secondary cancer condition: metastatic from this date",
    )
