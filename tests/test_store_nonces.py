"""CDS client nonces live in the database: a replay is refused by every worker process."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from sqlalchemy import func, inspect, select

from gistcds.store import Store, current_revision, upgrade
from gistcds.store.models import CdsNonce


def soon() -> dt.datetime:
    """Five minutes from now, taken when the test runs (a long suite outlives a constant)."""
    return dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)


def test_a_nonce_is_used_once_across_two_processes_stores(db_url: str) -> None:
    worker_a, worker_b = Store.open(db_url), Store.open(db_url)  # two engines, one database
    try:
        assert worker_a.first_use_nonce("https://ehr.example.org", "n-1", soon())
        assert not worker_b.first_use_nonce("https://ehr.example.org", "n-1", soon())
        assert not worker_a.first_use_nonce("https://ehr.example.org", "n-1", soon())
        # the pair is the key: the same jti from another issuer is another nonce
        assert worker_b.first_use_nonce("https://other.example.org", "n-1", soon())
    finally:
        worker_a.close()
        worker_b.close()


def test_expired_nonces_are_deleted(store: Store) -> None:
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    assert store.first_use_nonce("iss", "old", past)
    assert store.first_use_nonce("iss", "new", soon())  # this call purges "old"
    kept = store.read(lambda c: c.scalars(select(CdsNonce.jti)).all())
    assert kept == ["new"]
    assert store.first_use_nonce("iss", "old", soon())  # its token has expired anyway


def test_concurrent_first_uses_admit_exactly_one(store: Store) -> None:
    results: list[bool] = []
    lock = threading.Lock()

    def use() -> None:
        ok = store.first_use_nonce("iss", "raced", soon())
        with lock:
            results.append(ok)

    threads = [threading.Thread(target=use) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 11 + [True]
    count = store.read(lambda c: c.scalar(select(func.count()).select_from(CdsNonce)))
    assert count == 1


def test_a_database_at_0001_gains_the_nonce_table(tmp_path: Any) -> None:
    from gistcds.store import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0001")
    assert "cds_nonces" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert "cds_nonces" in inspect(engine).get_table_names()
    assert current_revision(engine) == "0002"
    engine.dispose()
