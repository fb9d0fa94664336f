"""The assessment page, its PDF, a patient's history, the comparison of two assessments, and
the researchers' de-identified listing.

Every read is audited as the REST routes audit it; the report content comes from the
report's renderer (``report.model.build_report``, ``report.html.render_html``) and the PDF is
the service's ``render_report``, so the page, the REST report and the PDF say the same thing.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gistcds.api.deid import deidentify_record
from gistcds.api.routes_research import DEID_SECRET
from gistcds.api.service import render_report, run_blocking, stored_inputs
from gistcds.store import StoredAssessment
from gistcds.web.compare import compare
from gistcds.web.routes_pages import guarded
from gistcds.web.session import Forbidden, page, require, stored
from gistcds.web.view import report_parts, summary

router = APIRouter(include_in_schema=False)


def report_data(record: StoredAssessment, kb: Any) -> Any:
    """The report's view model of a stored assessment, dated when it was stored."""
    from gistcds.report.model import build_report

    _, assessment = stored_inputs(record)
    generated = record.created.astimezone(dt.UTC).replace(microsecond=0)
    return build_report(assessment, kb, generated)


def _page_parts(record: StoredAssessment, kb: Any) -> tuple[Any, Any, Any, Any]:
    from gistcds.report.html import render_html

    data = report_data(record, kb)
    css, body = report_parts(render_html(data), data)
    return data, summary(data), css, body


@router.get("/assessments/{assessment_id}")
@guarded
async def assessment_page(request: Request, assessment_id: str) -> Response:
    caller = require(request, "clinician")
    record = await run_blocking(stored, caller, assessment_id, "assessment.read")
    data, strip, css, body = await run_blocking(_page_parts, record, request.app.state.kb)
    return page(
        request,
        "assessment.html",
        caller=caller,
        record=record,
        data=data,
        summary=strip,
        report_css=css,
        report_body=body,
    )


@router.get("/assessments/{assessment_id}/report.pdf")
@guarded
async def assessment_pdf(request: Request, assessment_id: str) -> Response:
    caller = require(request, "clinician")
    record = await run_blocking(stored, caller, assessment_id, "report.pdf")
    body = await run_blocking(render_report, record, request.app.state.kb, True)
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in record.id)
    headers = {"Content-Disposition": f'attachment; filename="gistcds-{name}.pdf"'}
    return Response(body, media_type="application/pdf", headers=headers)


@router.get("/patients/{patient_id}/history")
@guarded
async def history(request: Request, patient_id: str) -> Response:
    caller = require(request, "clinician")
    records = caller.store.patient_assessments(patient_id[:128], 100)
    caller.audit("patient.list", patient_id=patient_id[:128], count=len(records))
    return page(request, "history.html", caller=caller, patient_id=patient_id, records=records)


@router.get("/compare")
@guarded
async def compare_page(request: Request) -> Response:
    caller = require(request, "clinician")
    ids = [v for k, v in request.query_params.multi_items() if k == "id"]
    if len(ids) != 2 or ids[0] == ids[1]:
        raise Forbidden(400, "Choose two different assessments to compare.")
    older, newer = sorted([stored(caller, i, "assessment.read") for i in ids], key=lambda r: r.seq)
    if older.patient_id != newer.patient_id:
        raise Forbidden(400, "These assessments are of two different patients.")
    kb = request.app.state.kb
    a, b = report_data(older, kb), report_data(newer, kb)
    result = compare(older, newer, a, b, summary(a), summary(b))
    return page(request, "compare.html", caller=caller, older=older, newer=newer, c=result)


@router.get("/research")
@guarded
async def research(request: Request) -> Response:
    caller = require(request, "researcher")
    records = caller.store.all_assessments(50)
    secret = caller.store.secret(DEID_SECRET)
    caller.audit("research.list", count=len(records))
    rows = [deidentify_record(r, secret) for r in records]
    shown = [(row, json.dumps(row["patient"], indent=1, ensure_ascii=False)) for row in rows]
    return page(request, "research.html", caller=caller, rows=shown)
