"""Group commit (SQLite): writes queued together share one transaction; a failing write
fails alone."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import Connection, text

from gistcds.store.group import GroupWriter


class Recorder:
    """A commit function that records each transaction's size and can be told to fail."""

    def __init__(self) -> None:
        self.sizes: list[int] = []
        self.gate = threading.Event()

    def __call__(self, batch: Any) -> list[Any]:
        self.gate.wait(60)
        results = batch(None)
        self.sizes.append(len(results))
        return list(results)


def test_writes_waiting_together_share_one_commit() -> None:
    rec = Recorder()
    writer = GroupWriter(rec)
    out: list[Any] = []
    queued = threading.Semaphore(0)

    def submit(i: int) -> None:
        queued.release()
        out.append(writer.submit(lambda _c: i * 2))

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for _ in range(20):  # the first write holds the gate; the others queue up behind it
        assert queued.acquire(timeout=30)
    time.sleep(0.3)
    rec.gate.set()
    for t in threads:
        t.join()
    writer.close()
    assert sorted(out) == [i * 2 for i in range(20)]
    assert sum(rec.sizes) == 20 and len(rec.sizes) <= 3


def test_a_failing_write_fails_alone() -> None:
    rec = Recorder()
    rec.gate.set()
    writer = GroupWriter(rec)

    def bad(_c: Connection | None) -> Any:
        raise ValueError("no")

    errors: list[BaseException] = []
    results: list[Any] = []

    def run(fn: Any) -> None:
        try:
            results.append(writer.submit(fn))
        except ValueError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f,)) for f in [bad, *[lambda _c: 1] * 9]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    writer.close()
    assert len(errors) == 1 and results == [1] * 9


def test_store_writes_through_the_group_on_sqlite(store: Any) -> None:
    if store.backend != "sqlite":
        pytest.skip("PostgreSQL commits concurrently by itself")
    store.write(lambda c: c.execute(text("CREATE TABLE scratch (x INTEGER)")))
    threads = [
        threading.Thread(
            target=store.write,
            args=(lambda c, i=i: c.execute(text(f"INSERT INTO scratch VALUES ({i})")),),
        )
        for i in range(30)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.read(lambda c: c.scalar(text("SELECT count(DISTINCT x) FROM scratch"))) == 30
