"""FHIR R4 over REST: ``POST /api/v1/fhir/assess`` and ``GET /api/v1/assessments/{id}/fhir``.

A Bundle in (mCODE 4.0 / Genomics Reporting) is mapped by ``gistcds.fhir.bundle_to_patient``
and stored exactly as ``POST /assessments`` stores a patient (the stored input is the mapped
patient document, so reports and the JSON record work alike for both ways in); the answer
adds the mapping report, one line per resource and element. A stored assessment goes out
as the Bundle ``gistcds assess --format fhir`` prints, checked by ``check_bundle`` first.
Clinicians only, audited like the other routes; nothing clinical is computed here.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from gistcds.api.deps import Caller, clinician, get_kb
from gistcds.api.errors import ApiError, documented
from gistcds.api.routes_assessments import AssessmentId, found_assessment
from gistcds.api.schemas import FhirAssessmentRecord
from gistcds.api.service import record_json, run_blocking, stored_inputs
from gistcds.api.service import store_assessment as _store
from gistcds.knowledge import KnowledgeBase
from gistcds.store import StoredAssessment

router = APIRouter(prefix="/api/v1", tags=["fhir"])

FHIR_JSON = "application/fhir+json"
BUNDLE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "a FHIR R4 Bundle (mCODE 4.0 / Genomics Reporting 2.0 profiles), at "
        "most 5 MB; see docs/fhir.md for how each resource is read",
        "content": {
            FHIR_JSON: {"schema": {"type": "object", "required": ["resourceType"]}},
            "application/json": {"schema": {"type": "object", "required": ["resourceType"]}},
        },
    }
}


def require_fhir_json(request: Request) -> None:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in (FHIR_JSON, "application/json"):
        raise ApiError(
            415, f"send the Bundle as {FHIR_JSON} or application/json, not {kind or 'nothing'}"
        )


@router.post(
    "/fhir/assess",
    status_code=201,
    response_model=None,
    openapi_extra=BUNDLE_BODY,
    responses={
        201: {"model": FhirAssessmentRecord, "description": "mapped, assessed and stored"},
        **documented(401, 403, 413, 415, 422),
    },
    summary="Assess a patient given as a FHIR R4 Bundle (mCODE) and store the assessment",
)
async def assess_bundle(
    request: Request,
    caller: Annotated[Caller, Depends(clinician)],
    kb: Annotated[KnowledgeBase, Depends(get_kb)],
) -> Response:
    require_fhir_json(request)
    data = await request.body()

    def work() -> tuple[StoredAssessment, list[dict[str, Any]]]:
        from gistcds.fhir import bundle_to_patient
        from gistcds.io.patient_json import parse_json

        patient, mapping = bundle_to_patient(parse_json(data, "request body"), kb)
        document = patient.model_dump(mode="json", exclude_none=True)
        record = _store(caller, kb, document, patient, action="fhir.assess")
        return record, [line.model_dump() for line in mapping.lines]

    record, lines = await run_blocking(work)
    body = record_json(record)
    mapping = json.dumps(lines, ensure_ascii=False).encode("utf-8")
    return Response(
        body[:-1] + b', "mapping": ' + mapping + b"}",
        status_code=201,
        media_type="application/json",
        headers={
            "Location": f"/api/v1/assessments/{record.id}",
            "Link": f'</api/v1/assessments/{record.id}/fhir>; rel="alternate"; type="{FHIR_JSON}"',
        },
    )


def _bundle(record: StoredAssessment, kb: KnowledgeBase) -> bytes:
    from gistcds.fhir.validate import check_bundle
    from gistcds.fhir.write_assessment import assessment_to_bundle

    patient, assessment = stored_inputs(record)
    bundle = assessment_to_bundle(assessment, patient, None, kb)
    problems = check_bundle(bundle)
    if problems:  # a defect of gistcds, never of the caller: the 500 guard logs it
        raise RuntimeError("FHIR output failed validation: " + "; ".join(problems[:5]))
    return json.dumps(bundle, ensure_ascii=False).encode("utf-8")


@router.get(
    "/assessments/{assessment_id}/fhir",
    response_class=Response,
    responses={
        200: {
            "content": {FHIR_JSON: {"schema": {"type": "object"}}},
            "description": "the stored assessment as a FHIR R4 collection Bundle (RiskAssessment, "
            "mCODE TNM/stage, RECIST/Choi, genomic implications, RequestGroup of proposals, "
            "DetectedIssue, CarePlan) with the patient record it refers to",
        },
        **documented(401, 403, 404, 409, 422),
    },
    summary="A stored assessment as a FHIR R4 Bundle",
)
async def assessment_fhir(
    assessment_id: AssessmentId,
    caller: Annotated[Caller, Depends(clinician)],
    kb: Annotated[KnowledgeBase, Depends(get_kb)],
) -> Response:
    record = await run_blocking(found_assessment, caller, assessment_id, "assessment.fhir")
    body = await run_blocking(_bundle, record, kb)
    return Response(body, media_type=FHIR_JSON)
