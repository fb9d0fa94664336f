"""The gistcds Patient -> a FHIR R4 Bundle (mCODE 4.0 / Genomics Reporting profiles).

``patient_to_bundle`` writes every field of the patient so that ``bundle_to_patient``
reads back the same record (the round trip is a property test over the shared cases).
Standard profiles and codes where the reference gives them; gistcds local codes (with
text) where no confirmed code exists.
"""

from __future__ import annotations

import re
from typing import Any

from gistcds.domain.patient import Patient, PrimaryTumor, Variant
from gistcds.fhir.sites import organ_codeable, primary_site_codeables
from gistcds.fhir.terminology import codeable, coding
from gistcds.fhir.urls import CONDITION_RELATED, mcode, patient_id_system
from gistcds.fhir.write_common import BundleBuilder, local_code, obs, qty, ref
from gistcds.fhir.write_facts import write_facts
from gistcds.fhir.write_history import write_imaging, write_lines

__all__ = ["RecordRefs", "patient_to_bundle", "write_record"]

_HGVS_P = re.compile(r"^(N[MP]_\d+(\.\d+)?:)?p\.")

RecordRefs = dict[str, Any]


def patient_to_bundle(patient: Patient) -> dict[str, Any]:
    """The patient's record as a FHIR collection Bundle."""
    b = BundleBuilder(f"gistcds-record-{patient.id}")
    write_record(b, patient)
    return b.bundle()


def write_record(b: BundleBuilder, patient: Patient) -> RecordRefs:
    """Add the record's resources to ``b``; returns references for an output Bundle."""
    pt: dict[str, Any] = {
        "resourceType": "Patient",
        "id": b.unique("Patient", patient.id),
        "meta": {"profile": [mcode("mcode-cancer-patient")]},
        "identifier": [{"system": patient_id_system, "value": patient.id}],
    }
    if patient.sex is not None:
        pt["gender"] = patient.sex.value
    b.add(pt)
    subject = ref(pt)
    refs: RecordRefs = {"patient": subject["reference"], "risk_basis": [], "variants": []}
    cond = _primary_condition(b, patient, subject)
    refs["primary_condition"] = cond["reference"]
    if patient.primary is not None:
        refs["risk_basis"] = _primary_facts(b, patient.primary, subject, cond)
    _molecular(b, patient, subject, refs)
    _metastatic(b, patient, subject, cond)
    write_facts(b, patient, subject, refs)
    write_lines(b, patient, subject, cond)
    refs["imaging"] = write_imaging(b, patient, subject)
    return refs


def _primary_condition(b: BundleBuilder, patient: Patient, subject: Any) -> dict[str, str]:
    cond: dict[str, Any] = {
        "resourceType": "Condition",
        "id": b.unique("Condition", "primary"),
        "meta": {"profile": [mcode("mcode-primary-cancer-condition")]},
        "extension": [
            {
                "url": mcode("mcode-histology-morphology-behavior"),
                "valueCodeableConcept": codeable("gist_morphology"),
            }
        ],
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "active",
                }
            ]
        },
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                        "code": "problem-list-item",
                    }
                ]
            }
        ],
        "code": codeable("gist"),
        "subject": subject,
    }
    if patient.primary is not None and patient.primary.site is not None:
        cond["bodySite"] = primary_site_codeables(patient.primary.site.value)
    return ref(b.add(cond))


def _primary_facts(
    b: BundleBuilder, p: PrimaryTumor, subject: Any, cond: dict[str, str]
) -> list[str]:
    out: list[str] = []
    focus = [cond]
    if p.size_cm is not None:
        tumour = b.add(
            {
                "resourceType": "BodyStructure",
                "id": b.unique("BodyStructure", "primary-tumour"),
                "meta": {"profile": [mcode("mcode-tumor")]},
                "extension": [{"url": mcode("mcode-related-condition"), "valueReference": cond}],
                "identifier": [{"use": "usual", "value": "primary"}],
                "location": (
                    primary_site_codeables(p.site.value) if p.site else [{"text": "primary"}]
                )[0],
                "patient": subject,
            }
        )
        resected = p.resection is not None and p.resection.value != "none"
        size = obs(
            b.unique("Observation", "size-primary"),
            "tumor_size",
            subject,
            meta={"profile": [mcode("mcode-tumor-size")]},
            focus=[ref(tumour)],
            method=codeable("method_gross") if resected else None,
            component=[{"code": codeable("tumor_longest"), "valueQuantity": qty(p.size_cm, "cm")}],
        )
        out.append(f"Observation/{b.add(size)['id']}")
    if p.mitoses is not None:
        key = "mitoses_5mm2" if p.mitoses.per.value == "5mm2" else "mitoses_50hpf"
        unit = "per 5 mm2" if key == "mitoses_5mm2" else "per 50 HPF"
        m = obs(
            b.unique("Observation", "mitoses"),
            key,
            subject,
            focus=focus,
            valueQuantity={"value": p.mitoses.count, "unit": unit},
        )
        out.append(f"Observation/{b.add(m)['id']}")
    if p.rupture is not None:
        r = obs(
            b.unique("Observation", "rupture"),
            "rupture",
            subject,
            focus=focus,
            valueBoolean=p.rupture,
        )
        out.append(f"Observation/{b.add(r)['id']}")
    _resection(b, p, subject, cond)
    if p.nodes is not None:
        b.add(
            obs(
                b.unique("Observation", "nodes"),
                "n_generic",
                subject,
                focus=focus,
                meta={"profile": [mcode("mcode-tnm-regional-nodes-category")]},
                method=codeable("ajcc8"),
                valueCodeableConcept=local_code(p.nodes.value),
            )
        )
    return out


def _resection(b: BundleBuilder, p: PrimaryTumor, subject: Any, cond: dict[str, str]) -> None:
    """The R classification (an observation) and the date of the resection (an mCODE
    cancer-related surgical procedure for the primary)."""
    if p.resection is not None:
        value = p.resection.value
        b.add(
            obs(
                b.unique("Observation", "resection"),
                "residual_tumour",
                subject,
                focus=[cond],
                valueCodeableConcept=local_code(value),
            )
        )
    if p.resection_date is not None:
        b.add(
            {
                "resourceType": "Procedure",
                "id": b.unique("Procedure", "resection"),
                "meta": {"profile": [mcode("mcode-cancer-related-surgical-procedure")]},
                "status": "completed",
                "code": {"text": "Resection of the primary tumour"},
                "subject": subject,
                "performedDateTime": p.resection_date.isoformat(),
                "reasonReference": [cond],
            }
        )


def _variant_resource(b: BundleBuilder, v: Variant, subject: Any, spec: Any) -> dict[str, Any]:
    change: dict[str, Any] = {"text": v.hgvs_p}
    if _HGVS_P.match(v.hgvs_p):
        change["coding"] = [{"system": "http://varnomen.hgvs.org", "code": v.hgvs_p}]
    return obs(
        b.unique("Observation", f"variant-{v.gene}"),
        "variant",
        subject,
        meta={"profile": [mcode("mcode-genomic-variant")]},
        effectiveDateTime=v.date.isoformat() if v.date else None,
        valueCodeableConcept=codeable("present"),
        specimen=spec,
        component=[
            {"code": codeable("gene_studied"), "valueCodeableConcept": _gene(v.gene)},
            {"code": codeable("protein_hgvs"), "valueCodeableConcept": change},
        ],
    )


def _gene(symbol: str) -> dict[str, Any]:
    try:
        return codeable(f"gene_{symbol}", text=symbol)
    except KeyError:
        return {"text": symbol}


def _specimen(b: BundleBuilder, kind: str, subject: Any) -> dict[str, str]:
    key = "specimen_ctdna" if kind == "ctdna" else "specimen_tissue"
    rid = f"specimen-{kind}"
    if f"Specimen/{rid}" not in b.ids:
        b.add(
            {
                "resourceType": "Specimen",
                "id": b.unique("Specimen", rid),
                "meta": {"profile": [mcode("mcode-human-specimen")]},
                "type": codeable(key),
                "subject": subject,
            }
        )
    return {"reference": f"Specimen/{rid}"}


def _molecular(b: BundleBuilder, patient: Patient, subject: Any, refs: RecordRefs) -> None:
    m = patient.molecular
    if m is None:
        return
    results: list[dict[str, str]] = []
    if m.tested_genes:
        region = obs(
            b.unique("Observation", "genes-studied"),
            "region_studied",
            subject,
            meta={"profile": [mcode("mcode-genomic-region-studied")]},
            component=[
                {"code": codeable("gene_studied"), "valueCodeableConcept": _gene(g)}
                for g in m.tested_genes
            ],
        )
        results.append(ref(b.add(region)))
        refs["regions_studied"] = [results[-1]["reference"]]
    for v in m.variants:
        res = b.add(_variant_resource(b, v, subject, _specimen(b, v.source.value, subject)))
        results.append(ref(res))
        refs["variants"].append(results[-1]["reference"])
    for f in m.fusions:
        fusion = obs(
            b.unique("Observation", "fusion-" + "-".join(f.genes)),
            "variant",
            subject,
            meta={"profile": [mcode("mcode-genomic-variant")]},
            valueCodeableConcept=codeable("present"),
            component=[
                {"code": codeable("gene_studied"), "valueCodeableConcept": _gene(g)}
                for g in f.genes
            ],
        )
        results.append(ref(b.add(fusion)))
        refs["variants"].append(results[-1]["reference"])
    if m.sdhb_ihc is not None:
        key = {"retained": "ihc_positive", "lost": "ihc_negative"}.get(
            m.sdhb_ihc.value, "ihc_unknown"
        )
        value = {"coding": [coding(key)], "text": m.sdhb_ihc.value}
        b.add(
            obs(
                b.unique("Observation", "sdhb-ihc"),
                "sdhb_ihc",
                subject,
                meta={"profile": [mcode("mcode-tumor-marker-test")]},
                valueCodeableConcept=value,
            )
        )
    if results:
        b.add(
            {
                "resourceType": "DiagnosticReport",
                "id": b.unique("DiagnosticReport", "genomics"),
                "meta": {"profile": [mcode("mcode-genomics-report")]},
                "status": "final",
                "code": codeable("genomics_report"),
                "subject": subject,
                "result": results,
            }
        )


def _metastatic(b: BundleBuilder, patient: Patient, subject: Any, cond: dict[str, str]) -> None:
    m = patient.metastatic
    if m is None or (not m.sites and m.diagnosed is None):
        return
    sites: list[str | None] = list(m.sites) or [None]
    for site in sites:
        c: dict[str, Any] = {
            "resourceType": "Condition",
            "id": b.unique("Condition", f"metastasis-{site or 'site-unknown'}"),
            "meta": {"profile": [mcode("mcode-secondary-cancer-condition")]},
            "extension": [{"url": CONDITION_RELATED, "valueReference": cond}],
            "code": codeable("secondary_neoplasm"),
            "subject": subject,
        }
        if site is not None:
            c["bodySite"] = [organ_codeable(site)]
        if m.diagnosed is not None:
            c["onsetDateTime"] = m.diagnosed.isoformat()
        b.add(c)
