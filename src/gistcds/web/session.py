"""Sign-in, the session cookie, CSRF protection and page rendering of the web app.

- The session: the service's own token (``gistcds token create``), checked by
  ``deps.principal_for_token`` exactly as a bearer header is, kept in an HttpOnly,
  SameSite=Strict cookie (Secure behind TLS), never readable by a script.
- CSRF: every form carries ``csrf`` = HMAC(database secret, the random ``gistcds_csrf``
  cookie); a POST whose field does not match, or whose ``Origin`` is another site, is a 403.
  SameSite=Strict cookies already keep other sites' forms out; the token is the second lock.
- Pages: Jinja2 templates with autoescape, a Content-Security-Policy allowing only this
  site's scripts (htmx) and styles (inline styles for the report's own CSS and SVG plots).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from gistcds import __version__
from gistcds.api.deps import Caller, make_caller, principal_for_token
from gistcds.api.settings import Settings
from gistcds.store import Store, StoredAssessment

SESSION_COOKIE = "gistcds_session"
CSRF_COOKIE = "gistcds_csrf"
CSRF_SECRET = "web-csrf"
TEMPLATES = Path(__file__).parent / "templates"
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
HOME = {"clinician": "/", "researcher": "/research", "admin": "/account"}


class Forbidden(Exception):
    """A request the page refuses (CSRF, role, no such record); answered with the error
    page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class SignInFirst(Exception):
    """No signed-in session: answered with the redirect to ``/login``."""


def stored(caller: Caller, assessment_id: str, action: str) -> StoredAssessment:
    """The stored assessment, its read audited, by the REST routes' own lookup
    (``found_assessment``); the 404 page when there is none."""
    from gistcds.api.errors import ApiError
    from gistcds.api.routes_assessments import found_assessment

    try:
        return found_assessment(caller, assessment_id[:64], action)
    except ApiError as exc:
        raise Forbidden(exc.status, "No assessment with this id.") from None


def _env() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
    )
    env.globals["version"] = __version__
    return env


_ENV: list[Any] = []


def env() -> Any:
    if not _ENV:
        _ENV.append(_env())
    return _ENV[0]


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def session_caller(request: Request) -> Caller | None:
    """The signed-in account of this browser, or None."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    store = store_of(request)
    principal = principal_for_token(store, token)
    return None if principal is None else make_caller(request, store, principal)


def require(request: Request, *roles: str) -> Caller:
    """The caller when signed in with one of ``roles``; raises :class:`SignInFirst` (the
    sign-in redirect) or :class:`Forbidden` (403), which ``routes_pages.guarded`` answers."""
    found = session_caller(request)
    if found is None:
        raise SignInFirst
    if roles and found.role not in roles:
        route = getattr(request.scope.get("route"), "path", "-")
        found.audit("access.denied", outcome="denied", route=route)
        words = " or ".join(roles)
        raise Forbidden(
            403, f"This page is for the role {words}; you are signed in as {found.role}."
        )
    return found


def _nonce(request: Request) -> tuple[str, bool]:
    given = request.cookies.get(CSRF_COOKIE, "")
    if len(given) == 43 and given.replace("-", "").replace("_", "").isalnum():
        return given, False
    return secrets.token_urlsafe(32), True


def csrf_token(request: Request, nonce: str) -> str:
    key = store_of(request).secret(CSRF_SECRET)
    return hmac.new(key, nonce.encode(), hashlib.sha256).hexdigest()


def check_csrf(request: Request, form: FormData) -> None:
    """403 unless the form's ``csrf`` matches this browser's cookie and the origin is ours."""
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if origin.split("://", 1)[-1] != host:
            raise Forbidden(403, "This form was sent from another site and was refused.")
    nonce = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get("csrf")
    if (
        not nonce
        or not isinstance(sent, str)
        or not hmac.compare_digest(sent, csrf_token(request, nonce))
    ):
        raise Forbidden(403, "The form's security token is missing or stale: reload the page.")


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="strict",
        secure=settings_of(request).hsts or request.url.scheme == "https",
        path="/",
    )


def page(
    request: Request,
    template: str,
    status: int = 200,
    caller: Caller | None = None,
    **context: Any,
) -> HTMLResponse:
    """A rendered page with its CSRF token, CSP and (first visit) the CSRF cookie."""
    nonce, new = _nonce(request)
    html = (
        env()
        .get_template(template)
        .render(
            request=request,
            caller=caller,
            csrf=csrf_token(request, nonce),
            home=HOME.get(caller.role or "", "/") if caller else "/login",
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Security-Policy"] = PAGE_CSP
    if new:
        set_cookie(request, response, CSRF_COOKIE, nonce)
    return response


def hx(request: Request) -> bool:
    """True for a request htmx sent (it swaps a fragment, not a whole page)."""
    return request.headers.get("hx-request") == "true"
