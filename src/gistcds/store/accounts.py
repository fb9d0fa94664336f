"""Accounts and bearer tokens: a token is shown once; only its SHA-256 is stored.

Tokens carry 256 random bits, so a plain SHA-256 is enough to make a stolen table useless
(a slow password hash protects guessable secrets, which these are not) and keeps the
per-request lookup an index probe.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import Connection, insert, select, update

from gistcds.store.models import Account, Token
from gistcds.store.records import ROLES, AuditEntry, Principal, TokenInfo, as_utc, utcnow
from gistcds.store.store import StoreBase, sha256_hex

TOKEN_PREFIX = "gcds_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return sha256_hex(token.encode("utf-8"))


class AccountError(ValueError):
    """A token request that cannot be met (unknown role, role clash, unknown account)."""


def _info(row: Any) -> TokenInfo:
    return TokenInfo(
        id=row.id,
        account=row.name,
        role=row.role,
        prefix=row.prefix,
        created=as_utc(row.created),
        revoked=as_utc(row.revoked) if row.revoked is not None else None,
    )


class AccountStore(StoreBase):
    """Accounts, tokens and authentication."""

    def authenticate(self, token: str) -> Principal | None:
        """The account of a live token, or None (unknown or revoked)."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 128:
            return None
        query = (
            select(Account.id, Account.name, Account.role, Token.id.label("token_id"))
            .join(Token, Token.account_id == Account.id)
            .where(Token.token_hash == token_hash(token), Token.revoked.is_(None))
        )
        row = self.read(lambda c: c.execute(query).first())
        if row is None:
            return None
        return Principal(name=row.name, role=row.role, account_id=row.id, token_id=row.token_id)

    def create_token(
        self, who: Principal, name: str, role: str, audit: AuditEntry
    ) -> tuple[str, TokenInfo]:
        """A new token for account ``name`` (created with ``role`` if new); the token once."""
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
        if not name.strip() or len(name) > 128:
            raise AccountError("name must be 1 to 128 characters")
        token = new_token()

        def run(conn: Connection) -> TokenInfo:
            now = utcnow()
            account = conn.execute(
                select(Account.id, Account.role).where(Account.name == name)
            ).first()
            if account is None:
                account_id = conn.execute(
                    insert(Account).values(name=name, role=role, created=now)
                ).inserted_primary_key[0]  # type: ignore[index]
            elif account.role != role:
                raise AccountError(f"account {name!r} exists with role {account.role}, not {role}")
            else:
                account_id = account.id
            token_id = conn.execute(
                insert(Token).values(
                    account_id=account_id,
                    token_hash=token_hash(token),
                    prefix=token[:12],
                    created=now,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            detail = {**audit.detail, "account": name, "role": role}
            self.audit_row(conn, who, _with(audit, str(token_id), detail))
            return TokenInfo(token_id, name, role, token[:12], now, None)

        return token, self.write(run)

    def revoke_tokens(
        self,
        who: Principal,
        audit: AuditEntry,
        token_id: int | None = None,
        name: str | None = None,
    ) -> list[int]:
        """Revoke one token (by id) or every live token of an account; the ids revoked."""
        if (token_id is None) == (name is None):
            raise AccountError("give a token id or an account name")

        def run(conn: Connection) -> list[int]:
            query = select(Token.id).where(Token.revoked.is_(None))
            if token_id is not None:
                query = query.where(Token.id == token_id)
            else:
                query = query.join(Account, Account.id == Token.account_id).where(
                    Account.name == name
                )
            ids = [int(i) for i in conn.scalars(query)]
            if ids:
                conn.execute(update(Token).where(Token.id.in_(ids)).values(revoked=utcnow()))
            for i in ids:
                self.audit_row(conn, who, _with(audit, str(i), audit.detail))
            return ids

        return self.write(run)

    def list_tokens(self) -> list[TokenInfo]:
        query = (
            select(Token.id, Account.name, Account.role, Token.prefix, Token.created, Token.revoked)
            .join(Account, Account.id == Token.account_id)
            .order_by(Token.id)
        )
        return [_info(r) for r in self.read(lambda c: c.execute(query).all())]


def _with(audit: AuditEntry, record_id: str, detail: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        action=audit.action,
        outcome=audit.outcome,
        record_id=record_id,
        client=audit.client,
        correlation_id=audit.correlation_id,
        detail=detail,
    )
