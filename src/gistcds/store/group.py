"""Group commit for SQLite: one writer thread commits the writes that queued up together.

SQLite with ``synchronous=FULL`` pays one fsync per commit (about 7 ms on this machine), and
its writers take turns, so one commit per request would cap the service near 100 writes/s.
Here every write of the process is handed to one thread, which runs all the writes waiting
at that moment in a single transaction and acknowledges each only after that transaction is
on disk. If the shared transaction fails, each write is retried alone, so one bad write never
takes the others down with it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from sqlalchemy import Connection

Work = Callable[[Connection], Any]
Commit = Callable[[Callable[[Connection], list[Any]]], list[Any]]
MAX_BATCH = 64


class GroupWriter:
    """Runs queued writes in shared transactions on one daemon thread."""

    def __init__(self, commit: Commit) -> None:
        self._commit = commit
        self._queue: queue.Queue[tuple[Work, Future[Any]] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def submit(self, work: Work) -> Any:
        """Run ``work`` in a committed transaction; its result, or its exception."""
        if threading.current_thread() is self._thread:  # a write from inside a write
            return self._commit(lambda conn: [work(conn)])[0]
        self._ensure_thread()
        done: Future[Any] = Future()
        self._queue.put((work, done))
        return done.result()

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(10)
            self._thread = None

    def _ensure_thread(self) -> None:
        with self._start:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="gistcds-group-writer", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)  # stop after this batch
                    break
                batch.append(item)
            self._commit_batch(batch)

    def _commit_batch(self, batch: list[tuple[Work, Future[Any]]]) -> None:
        try:
            results = self._commit(lambda conn: [work(conn) for work, _ in batch])
        except BaseException as exc:
            if len(batch) == 1:
                batch[0][1].set_exception(exc)
                return
            for item in batch:  # alone, each write succeeds or fails on its own
                self._commit_batch([item])
            return
        for (_, done), result in zip(batch, results, strict=True):
            done.set_result(result)
