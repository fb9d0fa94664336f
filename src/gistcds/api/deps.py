"""Dependencies every router shares: settings, store, knowledge base, and who is calling.

``caller(*roles)`` is the one gate of the API: no or an unknown bearer token -> 401, a live
token of another role -> 403 (audited); otherwise a ``Caller`` that knows the account, the
client address and the correlation id, and appends audit rows for the route
(``caller.audit(...)``). A web page with its own session cookie calls ``principal_for_token``
with the cookie's token and builds the same ``Caller``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from gistcds.api.errors import ApiError, correlation_id
from gistcds.api.settings import Settings
from gistcds.knowledge import KnowledgeBase
from gistcds.store import AuditEntry, Principal, Store

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="a token from `gistcds token create` (sent as `Authorization: Bearer ...`)",
)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_kb(request: Request) -> KnowledgeBase:
    kb: KnowledgeBase = request.app.state.kb
    return kb


@dataclass(frozen=True)
class Caller:
    """An authenticated request: the account, where it came from, and its audit writer."""

    principal: Principal
    store: Store
    client: str | None
    correlation_id: str | None

    @property
    def role(self) -> str | None:
        return self.principal.role

    def entry(
        self,
        action: str,
        record_id: str | None = None,
        patient_id: str | None = None,
        outcome: str = "ok",
        **detail: Any,
    ) -> AuditEntry:
        """An audit entry stamped with this request's client and correlation id."""
        return AuditEntry(
            action=action,
            outcome=outcome,
            record_id=record_id,
            patient_id=patient_id,
            client=self.client,
            correlation_id=self.correlation_id,
            detail=detail,
        )

    def audit(self, action: str, **kwargs: Any) -> None:
        """Append one audit row now (reads: before the data leaves)."""
        self.store.audit(self.principal, self.entry(action, **kwargs))


def principal_for_token(store: Store, token: str) -> Principal | None:
    """The one authentication check (bearer header here, a session cookie on the web page)."""
    return store.authenticate(token)


def make_caller(request: Request, store: Store, principal: Principal) -> Caller:
    request.scope.setdefault("state", {})["account_name"] = principal.name
    client = request.client.host if request.client else None
    return Caller(principal, store, client, correlation_id(request))


def caller(*roles: str) -> Callable[..., Caller]:
    """A dependency admitting only ``roles`` (any role when none is given)."""

    def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
        store: Annotated[Store, Depends(get_store)],
    ) -> Caller:
        challenge = {"WWW-Authenticate": "Bearer"}
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise ApiError(401, "a bearer token is required", headers=challenge)
        principal = principal_for_token(store, credentials.credentials)
        if principal is None:
            raise ApiError(401, "unknown or revoked token", headers=challenge)
        found = make_caller(request, store, principal)
        if roles and principal.role not in roles:
            route = getattr(request.scope.get("route"), "path", "-")
            found.audit("access.denied", outcome="denied", route=route)
            raise ApiError(403, f"this route needs the role {' or '.join(roles)}")
        return found

    return dependency


any_role = caller()
clinician = caller("clinician")
researcher = caller("researcher")
admin = caller("admin")
