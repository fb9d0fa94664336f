"""The service's outer layer (pure ASGI): correlation id, limits, headers, the 500 guard, logs.

For every HTTP request, in one place:

- a correlation id (the client's ``X-Correlation-ID`` when it is a plain token, else a new
  one), echoed in the response and in every log line and error body;
- the body limit (``413`` before the route reads past it; the cohort route has its own);
- a deadline (``503`` when a request runs longer than ``request_timeout_s``);
- security headers on every response (a route may set its own ``Content-Security-Policy``);
- a guard that turns any exception into a JSON ``500`` carrying the correlation id, and logs
  the exception's type and stack frames, never its message (which might quote patient data);
- one access-log line with the route *template*, never the raw path or query (a patient id
  can sit in a path), the status, the time and the account name.
"""

from __future__ import annotations

import json
import logging
import re
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio

from gistcds.api.errors import CORRELATION_HEADER, ERROR_CODES, ErrorBody
from gistcds.api.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("gistcds.service")
access = logging.getLogger("gistcds.access")
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
COHORT_PATH = "/api/v1/cohort/score"


class BodyTooLarge(Exception):
    """The request body went past its limit while being read."""


def security_headers(settings: Settings) -> list[tuple[bytes, bytes]]:
    headers = {
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "no-referrer",
        "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
        "cache-control": "no-store",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "same-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=()",
    }
    if settings.hsts:
        headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
    return [(k.encode(), v.encode()) for k, v in headers.items()]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def log_exception(cid: str, exc: BaseException) -> None:
    """The type and the stack frames of an internal error: never its message."""
    frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
    log.error("internal error cid=%s type=%s\n%s", cid, type(exc).__name__, frames.rstrip())


class ServiceMiddleware:
    """See the module docstring; wraps the whole FastAPI app."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.headers = security_headers(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"x-correlation-id")
        cid = given if given and _TOKEN.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["correlation_id"] = cid
        started = time.perf_counter()
        status = {"code": 0}
        limit = (
            self.settings.max_cohort_bytes
            if scope.get("path") == COHORT_PATH
            else self.settings.max_body_bytes
        )

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                extra.append((CORRELATION_HEADER.lower().encode(), cid.encode()))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            await self._guarded(scope, receive, send_wrapper, cid, limit, status)
        finally:
            self._log(scope, cid, status["code"], started)

    async def _guarded(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        cid: str,
        limit: int,
        status: dict[str, int],
    ) -> None:
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self._error(send, 413, f"request body larger than {limit} bytes, refused", cid)
            return
        seen = {"bytes": 0}

        async def counted() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen["bytes"] += len(message.get("body", b""))
                if seen["bytes"] > limit:
                    raise BodyTooLarge
            return message

        try:
            with anyio.fail_after(self.settings.request_timeout_s):
                await self.app(scope, counted, send)
        except BodyTooLarge:
            if not status["code"]:
                await self._error(
                    send, 413, f"request body larger than {limit} bytes, refused", cid
                )
        except TimeoutError:
            log.warning("timeout cid=%s after %.0f s", cid, self.settings.request_timeout_s)
            if not status["code"]:
                await self._error(send, 503, "the request took too long; try again", cid)
        except Exception as exc:
            log_exception(cid, exc)
            if not status["code"]:
                await self._error(send, 500, f"internal error (correlation id {cid})", cid)

    @staticmethod
    async def _error(send: Send, code: int, message: str, cid: str) -> None:
        body = ErrorBody(
            error=ERROR_CODES.get(code, "error"), message=message, correlation_id=cid
        ).model_dump()
        data = json.dumps(body).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(data)).encode()),
        ]
        await send({"type": "http.response.start", "status": code, "headers": headers})
        await send({"type": "http.response.body", "body": data})

    @staticmethod
    def _log(scope: Scope, cid: str, code: int, started: float) -> None:
        route = getattr(scope.get("route"), "path", None) or "-"
        who = scope.get("state", {}).get("account_name", "-")
        ms = (time.perf_counter() - started) * 1000
        access.info(
            "cid=%s %s %s status=%d ms=%.1f who=%s",
            cid,
            scope.get("method", "-"),
            route,
            code,
            ms,
            who,
        )
