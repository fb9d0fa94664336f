"""``/api/v1/assessments`` and ``/api/v1/patients/{id}/assessments``: clinicians only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from gistcds.api.deps import Caller, clinician, get_kb
from gistcds.api.errors import ApiError, documented
from gistcds.api.schemas import AssessmentPage, AssessmentRecord
from gistcds.api.service import parse_patient, record_json, render_report, run_blocking
from gistcds.api.service import store_assessment as _store
from gistcds.knowledge import KnowledgeBase
from gistcds.store import StoredAssessment

router = APIRouter(prefix="/api/v1", tags=["assessments"])

PATIENT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "a patient document (CONTRACT.md, schema 1), at most 5 MB",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Patient"}}},
    }
}
AssessmentId = Annotated[str, Path(min_length=1, max_length=64, description="record id")]
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


def require_json(request: Request) -> None:
    """JSON only: anything but ``application/json`` is a 415."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise ApiError(415, f"send the patient as application/json, not {kind or 'nothing'}")


def found_assessment(caller: Caller, assessment_id: str, action: str) -> StoredAssessment:
    """The stored assessment, its read audited; 404 when there is none."""
    record = caller.store.get_assessment(assessment_id)
    if record is None:
        raise ApiError(404, "no assessment with this id")
    caller.audit(action, record_id=record.id, patient_id=record.patient_id)
    return record


@router.post(
    "/assessments",
    status_code=201,
    response_model=None,
    openapi_extra=PATIENT_BODY,
    responses={
        201: {"model": AssessmentRecord, "description": "assessed and stored"},
        **documented(401, 403, 413, 415, 422),
    },
    summary="Assess a patient and store the assessment",
)
async def create_assessment(
    request: Request,
    caller: Annotated[Caller, Depends(clinician)],
    kb: Annotated[KnowledgeBase, Depends(get_kb)],
) -> Response:
    require_json(request)
    data = await request.body()

    def work() -> StoredAssessment:
        document, patient = parse_patient(data)
        return _store(caller, kb, document, patient)

    record = await run_blocking(work)
    return Response(
        record_json(record),
        status_code=201,
        media_type="application/json",
        headers={"Location": f"/api/v1/assessments/{record.id}"},
    )


@router.get(
    "/assessments/{assessment_id}",
    response_model=None,
    responses={200: {"model": AssessmentRecord}, **documented(401, 403, 404, 422)},
    summary="A stored assessment",
)
def get_assessment(
    assessment_id: AssessmentId, caller: Annotated[Caller, Depends(clinician)]
) -> Response:
    record = found_assessment(caller, assessment_id, "assessment.read")
    return Response(record_json(record), media_type="application/json")


@router.get(
    "/patients/{patient_id}/assessments",
    response_model=AssessmentPage,
    responses=documented(401, 403, 422),
    summary="A patient's stored assessments, newest first",
)
def patient_assessments(
    patient_id: Annotated[str, Path(min_length=1, max_length=128)],
    caller: Annotated[Caller, Depends(clinician)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(pattern=r"^[0-9]{1,18}$")] = None,
) -> AssessmentPage:
    before = int(cursor) if cursor else None
    records = caller.store.patient_assessments(patient_id, limit + 1, before)
    page, more = records[:limit], len(records) > limit
    caller.audit("patient.list", patient_id=patient_id, count=len(page))
    return AssessmentPage.model_validate(
        {
            "items": [r.summary() for r in page],
            "next_cursor": str(page[-1].seq) if more else None,
        }
    )


def _report_route(pdf: bool) -> Any:
    kind = "application/pdf" if pdf else "text/html"
    action = "report.pdf" if pdf else "report.html"

    async def report(
        assessment_id: AssessmentId,
        caller: Annotated[Caller, Depends(clinician)],
        kb: Annotated[KnowledgeBase, Depends(get_kb)],
    ) -> Response:
        record = await run_blocking(found_assessment, caller, assessment_id, action)
        body = await run_blocking(render_report, record, kb, pdf)
        name = f"gistcds-{record.id}.{'pdf' if pdf else 'html'}"
        headers = {"Content-Disposition": f'inline; filename="{name}"'}
        if not pdf:
            headers["Content-Security-Policy"] = REPORT_CSP
        return Response(body, media_type=kind, headers=headers)

    return report


for _pdf in (False, True):
    _suffix = "pdf" if _pdf else "html"
    router.add_api_route(
        f"/assessments/{{assessment_id}}/report.{_suffix}",
        _report_route(_pdf),
        methods=["GET"],
        response_class=Response,
        responses={
            200: {
                "content": {"application/pdf" if _pdf else "text/html": {}},
                "description": f"the clinical report ({_suffix.upper()})",
            },
            **documented(401, 403, 404, 409, 422),
        },
        summary=f"The clinical report of a stored assessment, {_suffix.upper()}",
        name=f"report_{_suffix}",
    )
