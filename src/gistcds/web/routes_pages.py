"""The web app's sign-in, patient form, import/export and static files (``/``, ``/login``...).

The form posts to ``/form``: ``_op`` says what to do (``assess``, ``add:<group>``,
``remove:<item>``, ``export-json``, ``export-fhir``). Assessing stores through
``api.service.store_assessment``, exactly as ``POST /api/v1/assessments`` does, after the
one validation (``gistcds.io``), whose problems come back at their fields.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from gistcds.api.service import run_blocking, store_assessment
from gistcds.errors import InputError, Problem
from gistcds.web.form import Flat, add_item, from_document, remove_item, to_document
from gistcds.web.form_view import build_view
from gistcds.web.session import (
    HOME,
    SESSION_COOKIE,
    Forbidden,
    SignInFirst,
    check_csrf,
    hx,
    page,
    require,
    session_caller,
    set_cookie,
    store_of,
)
from gistcds.web.variant_check import check_variant

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent / "static"
STATIC_TYPES = {
    "htmx.min.js": "text/javascript",
    "web.css": "text/css",
    "htmx.LICENSE": "text/plain",
}
Handler = Callable[..., Awaitable[Response]]


def guarded(fn: Handler) -> Handler:
    """Answer ``SignInFirst`` with the sign-in redirect and ``Forbidden`` (CSRF, role, no
    such record) with the error page: a handler just calls ``require`` and ``stored``."""

    @functools.wraps(fn)
    async def wrapper(request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            return await fn(request, *args, **kwargs)
        except SignInFirst:
            return RedirectResponse("/login", status_code=303)
        except Forbidden as exc:
            return page(
                request, "error.html", exc.status, session_caller(request), message=exc.message
            )

    return wrapper


@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC_TYPES:
        return Response("not found", status_code=404, media_type="text/plain")
    body = (STATIC / name).read_bytes()
    headers = {"Cache-Control": "public, max-age=3600"}
    return Response(body, media_type=STATIC_TYPES[name], headers=headers)


@router.get("/login")
@guarded
async def login_form(request: Request) -> Response:
    return page(request, "login.html", error="")


@router.post("/login")
@guarded
async def login(request: Request) -> Response:
    form = await request.form()
    check_csrf(request, form)
    token = str(form.get("token", "")).strip()
    principal = store_of(request).authenticate(token) if token else None
    if principal is None:
        message = "unknown or revoked token" if token else "required"
        return page(request, "login.html", 401, error=message)
    response = RedirectResponse(HOME.get(principal.role or "", "/"), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token)
    return response


@router.post("/logout")
@guarded
async def logout(request: Request) -> Response:
    check_csrf(request, await request.form())
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account")
@guarded
async def account(request: Request) -> Response:
    caller = require(request)
    return page(request, "account.html", caller=caller)


def _form_page(
    request: Request,
    caller: Any,
    flat: Flat,
    problems: list[Problem],
    status: int = 200,
    focus: str = "",
) -> Response:
    """The form page (or, for htmx, the form alone); ``focus``: the field or button to focus
    after the swap (the new item's first field, or the group's add button after a removal)."""
    view = build_view(flat, problems)
    template = "form_fragment.html" if hx(request) else "form.html"
    return page(request, template, status, caller, form=view, flat=flat, focus=focus)


@router.get("/")
@guarded
async def home(request: Request) -> Response:
    caller = require(request, "clinician")
    flat: Flat = {}
    from_id = request.query_params.get("from")
    if from_id:
        record = caller.store.get_assessment(from_id)
        if record is not None:
            caller.audit("assessment.read", record_id=record.id, patient_id=record.patient_id)
            flat = from_document(json.loads(record.input_json))
    return _form_page(request, caller, flat, [])


def _flat_of(form: Any) -> Flat:
    return {
        k: v
        for k, v in form.multi_items()
        if isinstance(v, str) and not k.startswith("_") and k != "csrf"
    }


async def _assess(request: Request, caller: Any, flat: Flat) -> Response:
    from gistcds.io.patient_json import patient_from_obj

    document = to_document(flat)
    kb = request.app.state.kb

    def work() -> str:
        patient = patient_from_obj(document, kb=kb)
        return store_assessment(caller, kb, document, patient).id

    try:
        record_id = await run_blocking(work)
    except InputError as exc:
        status = 200 if hx(request) else 422
        return _form_page(request, caller, flat, exc.problems, status)
    target = f"/assessments/{record_id}"
    if hx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _export(request: Request, caller: Any, flat: Flat, fhir: bool) -> Response:
    from gistcds.io.patient_json import patient_from_obj

    document = to_document(flat)
    try:
        patient = patient_from_obj(document)
    except InputError as exc:
        return _form_page(request, caller, flat, exc.problems, 422)
    if fhir:
        from gistcds.fhir.write_patient import patient_to_bundle

        body: Any = patient_to_bundle(patient)
        name = f"{patient.id}.fhir.json"
    else:
        body, name = document, f"{patient.id}.json"
    data = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    headers = {"Content-Disposition": f'attachment; filename="{_safe(name)}"'}
    return Response(data, media_type="application/json", headers=headers)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:100] or "patient.json"


@router.post("/form")
@guarded
async def form_post(request: Request) -> Response:
    caller = require(request, "clinician")
    form = await request.form()
    check_csrf(request, form)
    flat = _flat_of(form)
    op = str(form.get("_op", "assess"))
    if op.startswith("add:"):
        grown = add_item(flat, op[4:])
        added = next(iter(set(grown) - set(flat)), "")
        return _form_page(request, caller, grown, [], focus=added)
    if op.startswith("remove:"):
        group = op[7:].rsplit("[", 1)[0]
        return _form_page(request, caller, remove_item(flat, op[7:]), [], focus="add:" + group)
    if op in ("export-json", "export-fhir"):
        return _export(request, caller, flat, op == "export-fhir")
    return await _assess(request, caller, flat)


def _read_upload(data: bytes, name: str, kb: Any) -> dict[str, Any]:
    """A patient JSON or a FHIR Bundle as a patient document (InputError when neither)."""
    from gistcds.io.patient_json import parse_json

    document = parse_json(data, name)
    if isinstance(document, dict) and document.get("resourceType") == "Bundle":
        from gistcds.fhir import bundle_to_patient

        patient, _report = bundle_to_patient(document, kb)
        dumped: dict[str, Any] = patient.model_dump(mode="json", exclude_none=True)
        return dumped
    if not isinstance(document, dict):
        raise InputError([Problem("file", "must be a patient JSON object or a FHIR Bundle")])
    return document


@router.post("/import")
@guarded
async def import_file(request: Request) -> Response:
    caller = require(request, "clinician")
    form = await request.form()
    check_csrf(request, form)
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        return _form_page(request, caller, {}, [Problem("file", "choose a file")], 422)
    data = await upload.read()
    try:
        document = await run_blocking(
            _read_upload, data, upload.filename or "file", request.app.state.kb
        )
    except InputError as exc:
        return _form_page(request, caller, {}, exc.problems, 422)
    flat = from_document(document)
    from gistcds.io.patient_json import patient_from_obj

    try:
        patient_from_obj(to_document(flat))
    except InputError as exc:  # shown at the fields, to be corrected before assessing
        return _form_page(request, caller, flat, exc.problems, 422)
    return _form_page(request, caller, flat, [])


@router.get("/form/hgvs")
@guarded
async def hgvs_fragment(request: Request) -> Response:
    caller = require(request, "clinician")
    params = request.query_params
    gene = next((v for k, v in params.items() if k.endswith(".gene")), "")
    text = next((v for k, v in params.items() if k.endswith(".hgvs_p")), "")
    result = None
    if gene.strip() and text.strip():
        result = await run_blocking(check_variant, gene, text, request.app.state.kb)
    return page(request, "hgvs_fragment.html", caller=caller, result=result)
