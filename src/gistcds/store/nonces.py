"""CDS client nonces (JWT ``iss`` + ``jti``) in the database, so replay protection holds
across worker processes and hosts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete
from sqlalchemy.dialects import postgresql, sqlite

from gistcds.store.models import CdsNonce
from gistcds.store.records import utcnow
from gistcds.store.store import StoreBase


class NonceStore(StoreBase):
    """``first_use_nonce``: an atomic insert-if-absent, shared by every process."""

    def first_use_nonce(self, iss: str, jti: str, keep_until: dt.datetime) -> bool:
        """True the first time ``(iss, jti)`` is seen; False while an earlier use is kept.

        Pairs kept past ``keep_until`` are deleted in the same transaction, so an expired
        token's nonce does not accumulate (its token is refused as expired anyway).
        """
        insert = sqlite.insert if self.sqlite else postgresql.insert

        def run(conn: Connection) -> bool:
            conn.execute(delete(CdsNonce).where(CdsNonce.expires < utcnow()))
            statement = (
                insert(CdsNonce)
                .values(iss=iss, jti=jti, expires=keep_until)
                .on_conflict_do_nothing(index_elements=["iss", "jti"])
                .returning(CdsNonce.jti)
            )
            return conn.execute(statement).first() is not None

        return self.write(run)
