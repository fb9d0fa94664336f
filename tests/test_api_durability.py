"""Durability: every assessment acknowledged with a 201 survives a ``kill -9`` of the server
mid-burst, intact (SQLite; PostgreSQL when enabled)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from gistcds.store import Store
from service_helpers import Server, bearer, example_documents, make_token

WRITERS = 4


def _burst(
    url: str,
    headers: dict[str, str],
    docs: list[Any],
    acked: list[dict[str, Any]],
    stop: threading.Event,
) -> None:
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        i = 0
        while not stop.is_set():
            doc = docs[i % len(docs)]
            i += 1
            try:
                r = client.post("/api/v1/assessments", json=doc)
            except httpx.HTTPError:
                return  # the server is gone: nothing acknowledged by this request
            if r.status_code == 201:
                acked.append(r.json())


def test_acknowledged_assessments_survive_kill_9(db_url: str, tmp_path: Path) -> None:
    store = Store.open(db_url)
    headers = bearer(make_token(store, "durable", "clinician"))
    server = Server(db_url, tmp_path / "server.log").start()
    docs = example_documents()
    acked: list[dict[str, Any]] = []
    stop = threading.Event()
    threads = [
        threading.Thread(target=_burst, args=(server.url, headers, docs, acked, stop))
        for _ in range(WRITERS)
    ]
    try:
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while len(acked) < 12 and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill()  # SIGKILL while the writers are still sending
        killed_at = len(acked)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
        server.kill()
    assert killed_at >= 12, "the burst never got going"
    restarted = Server(db_url, tmp_path / "server2.log").start()
    try:
        with httpx.Client(base_url=restarted.url, headers=headers, timeout=30) as client:
            for body in acked:
                got = client.get(f"/api/v1/assessments/{body['id']}")
                assert got.status_code == 200, body["id"]
                assert got.json() == body
    finally:
        restarted.stop()
    stored = store.count_assessments()
    assert stored >= len(acked)  # requests cut by the kill may have landed unacknowledged
    if store.backend == "sqlite":
        check = store.read(lambda c: c.execute(text("PRAGMA integrity_check")).scalar())
        assert check == "ok"
    store.close()
