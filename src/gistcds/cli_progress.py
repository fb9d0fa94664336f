"""Progress on stderr for work that takes longer than about a second (issue 19 item 7).

Nothing is shown for quick work, nor when stderr is not a terminal (pipes, logs, tests),
so stdout and stderr stay exactly as documented. rich is imported only once a bar is
actually shown.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

__all__ = ["DELAY_S", "Progress", "ProgressExecutor", "busy"]

DELAY_S = 1.0
T = TypeVar("T")
R = TypeVar("R")


def _interactive() -> bool:
    return sys.stderr.isatty()


class Progress:
    """A bar for ``total`` steps that appears once ``delay`` seconds have passed with work
    still left. Thread-safe: ``advance`` may be called from worker threads."""

    def __init__(
        self,
        total: int,
        label: str,
        *,
        delay: float = DELAY_S,
        enabled: bool | None = None,
        console: Any = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total, self.label, self.delay = total, label, delay
        self.enabled = _interactive() if enabled is None else enabled
        self.done = 0
        self.shown = False
        self._console = console
        self._clock = clock
        self._start = clock()
        self._lock = threading.Lock()
        self._bar: Any = None
        self._task: Any = None

    def advance(self, steps: int = 1) -> None:
        with self._lock:
            self.done += steps
            if self._bar is None and self._due():
                self._show()
            if self._bar is not None:
                self._bar.update(self._task, completed=self.done)

    def _due(self) -> bool:
        return self.enabled and self.done < self.total and self._clock() - self._start >= self.delay

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeRemainingColumn

        console = self._console or Console(stderr=True)
        self._bar = Progress(
            "{task.description}",
            BarColumn(),
            TaskProgressColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self._task = self._bar.add_task(self.label, total=self.total, completed=self.done)
        self._bar.start()
        self.shown = True

    def close(self) -> None:
        with self._lock:
            if self._bar is not None:
                self._bar.stop()
                self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ProgressExecutor:
    """Wraps an executor so each finished item advances ``progress``. Work that runs in
    other processes (Dask) cannot report back item by item; it is passed through."""

    def __init__(self, inner: Any, progress: Progress) -> None:
        self.inner = inner
        self.progress = progress

    @property
    def in_process(self) -> bool:
        return bool(self.inner.in_process)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        if not self.inner.in_process:
            return list(self.inner.map(fn, items))
        listed = list(items)
        self.progress.total = max(self.progress.total, len(listed))

        def step(item: T) -> R:
            result = fn(item)
            self.progress.advance()
            return result

        return list(self.inner.map(step, listed))


@contextmanager
def busy(label: str, *, delay: float = DELAY_S, enabled: bool | None = None) -> Iterator[None]:
    """A spinner on stderr for one long step (writing a PDF), shown only after ``delay``."""
    if not (_interactive() if enabled is None else enabled):
        yield
        return
    state: dict[str, Any] = {}
    stopped = threading.Event()

    def show() -> None:
        if stopped.is_set():
            return
        from rich.console import Console

        status = Console(stderr=True).status(label)
        status.start()
        state["status"] = status

    timer = threading.Timer(delay, show)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        stopped.set()
        timer.cancel()
        timer.join()
        if "status" in state:
            state["status"].stop()
