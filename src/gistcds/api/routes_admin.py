"""``/api/v1/tokens`` and ``/api/v1/audit``: token management and the audit log, admins only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from gistcds.api.deps import Caller, admin
from gistcds.api.errors import ApiError, documented
from gistcds.api.schemas import AuditItem, AuditPage, TokenCreated, TokenOut, TokenRequest
from gistcds.store import AccountError

router = APIRouter(prefix="/api/v1", tags=["admin"])


@router.get(
    "/tokens",
    response_model=list[TokenOut],
    responses=documented(401, 403),
    summary="Every token (never the secret itself)",
)
def list_tokens(caller: Annotated[Caller, Depends(admin)]) -> list[TokenOut]:
    return [TokenOut.model_validate(t.as_dict()) for t in caller.store.list_tokens()]


@router.post(
    "/tokens",
    status_code=201,
    response_model=TokenCreated,
    responses=documented(401, 403, 409, 422),
    summary="Create a token for an account (created with the role if new)",
)
def create_token(body: TokenRequest, caller: Annotated[Caller, Depends(admin)]) -> TokenCreated:
    try:
        token, info = caller.store.create_token(
            caller.principal, body.name, body.role, caller.entry("token.create")
        )
    except AccountError as exc:
        raise ApiError(409, str(exc)) from None
    return TokenCreated(token=token, **info.as_dict())


@router.delete(
    "/tokens/{token_id}",
    status_code=204,
    response_class=Response,
    responses=documented(401, 403, 404, 422),
    summary="Revoke a token",
)
def revoke_token(
    token_id: Annotated[int, Path(ge=1, le=2**31 - 1)], caller: Annotated[Caller, Depends(admin)]
) -> Response:
    revoked = caller.store.revoke_tokens(
        caller.principal, caller.entry("token.revoke"), token_id=token_id
    )
    if not revoked:
        raise ApiError(404, "no live token with this id")
    return Response(status_code=204)


@router.get(
    "/audit",
    response_model=AuditPage,
    responses=documented(401, 403, 422),
    summary="The audit log, oldest first (`gistcds audit export` writes all of it)",
)
def audit_log(
    caller: Annotated[Caller, Depends(admin)],
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditPage:
    rows = caller.store.audit_page(after, limit)
    items = [AuditItem.model_validate(r) for r in rows]
    caller.audit("audit.read", count=len(items))
    return AuditPage(items=items, next_after=items[-1].id if len(items) == limit else None)
