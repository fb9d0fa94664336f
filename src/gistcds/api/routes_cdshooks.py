"""CDS Hooks 2.0 over HTTP: discovery, the services and their feedback endpoint.

``GET /cds-services`` lists the services (no authentication: it holds no patient data).
``POST /cds-services/{id}`` (a hook call) and ``POST /cds-services/{id}/feedback`` need the
client's signed JWT (``cds_auth``; ``aud`` is the URL called). A call's prefetch becomes one
Bundle, read by ``gistcds.fhir.bundle_to_patient``, assessed by ``gistcds.assess`` and
rendered as cards by ``gistcds.cdshooks``; what the client did not prefetch is read from its
``fhirServer`` (``cds_fetch``), and a required key neither sent nor fetchable is 412. Every
call and every feedback item is one audit row (actor ``cds:<iss>``); nothing is stored
besides. Nothing clinical is decided here.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gistcds.api.cds_auth import CdsClient, CdsVerifier
from gistcds.api.deps import Caller, get_kb, get_settings, get_store, make_caller
from gistcds.api.errors import ApiError, documented
from gistcds.api.service import run_blocking
from gistcds.api.settings import Settings
from gistcds.knowledge import KnowledgeBase
from gistcds.store import Principal, Store

router = APIRouter(tags=["cds-hooks"])

ServiceId = Annotated[str, Path(min_length=1, max_length=64, description="a service's id")]
_LOCK = threading.Lock()
OUTCOMES = ("accepted", "overridden")


class HookCall(BaseModel):
    """A CDS Hooks 2.0 request (unknown fields are allowed, as the spec asks)."""

    model_config = ConfigDict(extra="allow")

    hook: str
    hookInstance: str = Field(min_length=1, max_length=128)
    context: dict[str, Any]
    fhirServer: str | None = None
    fhirAuthorization: dict[str, Any] | None = None
    prefetch: dict[str, Any] | None = None


class Feedback(BaseModel):
    """One feedback item (CDS Hooks 2.0 section "Feedback")."""

    model_config = ConfigDict(extra="allow")

    card: str = Field(min_length=1, max_length=128)
    outcome: str = Field(pattern="^(accepted|overridden)$")
    acceptedSuggestions: list[dict[str, Any]] | None = None
    overrideReason: dict[str, Any] | None = None
    outcomeTimestamp: str = Field(min_length=10, max_length=40)


class FeedbackCall(BaseModel):
    model_config = ConfigDict(extra="allow")

    feedback: list[Feedback] = Field(min_length=1, max_length=100)


CALL_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HookCall"}}},
    }
}
FEEDBACK_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FeedbackCall"}}},
    }
}


def _verifier(request: Request, settings: Settings, store: Store) -> CdsVerifier:
    state = request.app.state
    with _LOCK:
        if getattr(state, "cds_verifier", None) is None:

            def first_use(iss: str, jti: str, keep_until: float) -> bool:
                until = dt.datetime.fromtimestamp(keep_until, dt.UTC)
                return store.first_use_nonce(iss, jti, until)

            state.cds_verifier = CdsVerifier(settings, first_use)
    verifier: CdsVerifier = state.cds_verifier
    return verifier


def base_url(request: Request, settings: Settings) -> str:
    """The service's external base URL (``public_url``, else as the request reached us)."""
    return (settings.public_url or str(request.base_url)).rstrip("/")


def _caller(
    request: Request, store: Store, settings: Settings, service_id: str, feedback: bool
) -> tuple[Caller, CdsClient]:
    """The verified client (in a worker thread: a JWK Set URL may be fetched)."""
    url = f"{base_url(request, settings)}/cds-services/{service_id}"
    audiences = [f"{url}/feedback", url] if feedback else [url]
    verifier = _verifier(request, settings, store)
    client = verifier.verify(request.headers.get("authorization"), audiences)
    return make_caller(request, store, Principal(name=f"cds:{client.iss}", role=None)), client


def _service(service_id: str) -> tuple[str, ...]:
    from gistcds.cdshooks import HOOKS

    if service_id not in HOOKS:
        raise ApiError(404, f"no CDS service {service_id!r}")
    return HOOKS[service_id]


def _parse(data: bytes, model: type[BaseModel]) -> Any:
    """The body as ``model``; malformed JSON or a wrong shape is 400 (the spec's contract)."""
    from gistcds.errors import Problem
    from gistcds.io.validation import problems_from

    try:
        obj = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "the body is not JSON") from None
    try:
        return model.model_validate(obj)
    except ValidationError as exc:
        problems = problems_from(exc) or [Problem("", "not a CDS Hooks request")]
        raise ApiError(400, "not a valid CDS Hooks request", problems) from None


@router.get(
    "/cds-services",
    summary="CDS Hooks discovery: the services and their prefetch templates",
    responses={200: {"description": '{"services": [...]} (CDS Hooks 2.0)'}},
)
def discovery() -> JSONResponse:
    from gistcds.cdshooks import discovery as services

    return JSONResponse(services())


@router.get("/cds-services/{service_id}", include_in_schema=False)
def service_get(service_id: str) -> Response:
    """A service answers POST only; GET is 404 (as the sandbox services answer)."""
    raise ApiError(404, "CDS services are called with POST")


@router.post(
    "/cds-services/{service_id}",
    openapi_extra=CALL_BODY,
    responses={
        200: {"description": '{"cards": [...]} (CDS Hooks 2.0)'},
        **documented(400, 401, 404, 412, 422),
    },
    summary="Call a CDS service (patient-view, order-sign or order-select)",
)
async def call_service(
    service_id: ServiceId,
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    settings: Annotated[Settings, Depends(get_settings)],
    kb: Annotated[KnowledgeBase, Depends(get_kb)],
) -> JSONResponse:
    hooks = _service(service_id)
    caller, client = await run_blocking(_caller, request, store, settings, service_id, False)
    call: HookCall = _parse(await request.body(), HookCall)
    if call.hook not in hooks:
        raise ApiError(400, f"{service_id} answers {' and '.join(hooks)}, not {call.hook!r}")
    patient_id = call.context.get("patientId")
    if not isinstance(patient_id, str) or not patient_id:
        raise ApiError(400, "context.patientId is required")

    def work() -> list[dict[str, Any]]:
        from gistcds.api.cds_calls import answer

        cards, detail = answer(call, service_id, kb, settings)
        caller.audit(
            f"cds.{call.hook}",
            patient_id=patient_id,
            service=service_id,
            hook_instance=call.hookInstance,
            jti=client.jti,
            cards=len(cards),
            **detail,
        )
        return cards

    return JSONResponse({"cards": await run_blocking(work)})


@router.post(
    "/cds-services/{service_id}/feedback",
    openapi_extra=FEEDBACK_BODY,
    responses={200: {"description": "recorded in the audit log"}, **documented(400, 401, 404, 422)},
    summary="CDS Hooks feedback on cards (accepted / overridden), kept in the audit log",
)
async def feedback(
    service_id: ServiceId,
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Response:
    _service(service_id)
    caller, client = await run_blocking(_caller, request, store, settings, service_id, True)
    body: FeedbackCall = _parse(await request.body(), FeedbackCall)
    for i, item in enumerate(body.feedback):
        if item.outcome == "accepted" and not item.acceptedSuggestions:
            raise ApiError(400, f"feedback[{i}]: acceptedSuggestions is required when accepted")
        if item.outcome == "overridden" and item.acceptedSuggestions:
            raise ApiError(400, f"feedback[{i}]: an overridden card accepts no suggestion")

    def work() -> None:
        for item in body.feedback:
            reason = (item.overrideReason or {}).get("reason")
            caller.audit(
                "cds.feedback",
                service=service_id,
                card=item.card,
                card_outcome=item.outcome,
                accepted_suggestions=[
                    str(s.get("id")) for s in item.acceptedSuggestions or [] if isinstance(s, dict)
                ],
                override_reason=reason if isinstance(reason, dict) else None,
                has_comment=bool((item.overrideReason or {}).get("userComment")),
                outcome_timestamp=item.outcomeTimestamp,
                jti=client.jti,
            )

    await run_blocking(work)
    return Response(status_code=200)
