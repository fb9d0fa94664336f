"""Every error the service answers, in one JSON shape (``ErrorBody``), built in one place.

A validation problem reads exactly as the CLI prints it (``primary.size_cm: must be > 0,
got -3``): the API and the CLI share ``gistcds.io``. No error body ever carries a stack trace.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from gistcds.domain.empty import new_list
from gistcds.errors import InputError
from gistcds.errors import Problem as InputProblem
from gistcds.io.validation import json_path

CORRELATION_HEADER = "X-Correlation-ID"

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    500: "internal_error",
    503: "unavailable",
}


class Problem(BaseModel):
    """One thing wrong with the request, at one JSON path (empty: the request as a whole)."""

    path: str
    message: str


class ErrorBody(BaseModel):
    """The body of every 4xx and 5xx answer."""

    error: str = Field(description="machine-readable kind, e.g. invalid_input, not_found")
    message: str = Field(description="one line for a person")
    problems: list[Problem] = Field(default_factory=new_list, description="one per fault (422)")
    correlation_id: str | None = Field(None, description="also in the server log")


class ApiError(Exception):
    """Raise from a route to answer ``status`` with an ``ErrorBody``."""

    def __init__(
        self,
        status: int,
        message: str,
        problems: Iterable[InputProblem] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = list(problems)
        self.headers = headers or {}


def correlation_id(request: Request) -> str | None:
    value = getattr(request.state, "correlation_id", None)
    return value if isinstance(value, str) else None


def error_response(
    status: int,
    message: str,
    problems: Iterable[InputProblem] = (),
    cid: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The one constructor of error answers."""
    body = ErrorBody(
        error=ERROR_CODES.get(status, "error"),
        message=message,
        problems=[Problem(path=p.path, message=p.message) for p in problems],
        correlation_id=cid,
    )
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def invalid_input(exc: InputError, cid: str | None = None) -> JSONResponse:
    """422 with one problem per fault, worded as the CLI words it."""
    n = len(exc.problems)
    return error_response(
        422, f"invalid input: {n} problem{'s' if n != 1 else ''}", exc.problems, cid
    )


def _request_problems(exc: RequestValidationError) -> list[InputProblem]:
    """FastAPI's own parameter errors (``query.limit``) worded by ``gistcds.io`` too."""
    from pydantic import ValidationError
    from pydantic_core import InitErrorDetails

    from gistcds.io.validation import problems_from

    out: list[InputProblem] = []
    for err in exc.errors():
        loc = tuple(p if isinstance(p, int) else str(p) for p in err.get("loc", ()))
        detail: InitErrorDetails = {"type": err["type"], "loc": loc, "input": err.get("input")}
        if err.get("ctx"):
            detail["ctx"] = err["ctx"]
        try:
            rebuilt = ValidationError.from_exception_data("request", [detail])
            out.extend(problems_from(rebuilt))
        except (TypeError, ValueError, KeyError):  # an error type pydantic cannot rebuild
            out.append(InputProblem(json_path(loc), str(err.get("msg", "invalid"))))
    return out


def install_handlers(app: FastAPI) -> None:
    """Route every framework and domain error through ``error_response``."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(
            exc.status, exc.message, exc.problems, correlation_id(request), exc.headers
        )

    @app.exception_handler(InputError)
    async def _input_error(request: Request, exc: InputError) -> JSONResponse:
        return invalid_input(exc, correlation_id(request))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return invalid_input(InputError(_request_problems(exc)), correlation_id(request))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        headers = dict(exc.headers) if exc.headers else None
        return error_response(exc.status_code, message, (), correlation_id(request), headers)


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the given error statuses (all ``ErrorBody``)."""
    return {s: {"model": ErrorBody, "description": ERROR_CODES.get(s, "error")} for s in statuses}
