"""Where batch work runs: in this process (one thread or several), or on Dask (a local
cluster or a scheduler).

Engines that split large work into chunks (cohort scoring, survival simulation)
take an ``Executor`` and call ``map``; the results come back in input order, so
every executor gives identical answers for pure functions. ``in_process`` says whether
the items share this process's memory, so that chunks may write into one output array
(threads and serial) instead of returning arrays to be gathered (Dask).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:  # imported when a pool starts: a single patient's simulation runs serially
    from concurrent.futures import ThreadPoolExecutor

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    @property
    def in_process(self) -> bool: ...

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]: ...


class SerialExecutor:
    """Everything in this process, one item after another."""

    in_process = True

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        return [fn(item) for item in items]


class ThreadExecutor:
    """Items on a pool of threads in this process: the cores of one machine without
    Dask's processes, for work that releases the GIL (numpy's random fills and ufuncs).

    Use as a context manager so the pool is shut down afterwards.
    """

    in_process = True

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool: ThreadPoolExecutor | None = None

    def __enter__(self) -> ThreadExecutor:
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=self.workers)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        if self._pool is None:
            raise RuntimeError("ThreadExecutor must be entered (use 'with ThreadExecutor() as ex')")
        return list(self._pool.map(fn, items))


CONNECT_TIMEOUT_S = 5  # seconds; Dask's own default waits 30 s, then reports an OSError


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client`` on ``scheduler``, or on a local cluster started here (both
    closed afterwards). An address that cannot be reached fails within
    ``CONNECT_TIMEOUT_S`` with an ``InputError`` naming it."""
    from gistcds.errors import InputError, Problem

    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask is a dev/dist dependency
        raise InputError(
            [Problem("--engine", "dask needs the 'dist' extra: pip install 'gistcds[dist]'")]
        ) from exc
    cluster: Any = None
    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError) as exc:
            message = (
                f"cannot reach a Dask scheduler at {scheduler!r} within {CONNECT_TIMEOUT_S} s "
                f"({type(exc).__name__}); is it running, and is the address tcp://HOST:PORT?"
            )
            raise InputError([Problem("--scheduler", message)]) from None
    else:
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers or 2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)  # type: ignore[no-untyped-call]
    try:
        yield client
    finally:
        client.close()  # type: ignore[no-untyped-call]
        if cluster is not None:
            cluster.close()


class DaskExecutor:
    """Items as Dask tasks, through ``dask_client`` (``address``'s scheduler or a local
    cluster). Use as a context manager so a local cluster is shut down afterwards."""

    in_process = False

    def __init__(self, address: str | None = None, n_workers: int | None = None) -> None:
        self.address = address
        self.n_workers = n_workers
        self._client: Any = None
        self._stack = ExitStack()

    def __enter__(self) -> DaskExecutor:
        self._client = self._stack.enter_context(dask_client(self.address, self.n_workers))
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()
        self._client = None

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        if self._client is None:
            raise RuntimeError("DaskExecutor must be entered (use 'with DaskExecutor() as ex')")
        futures = self._client.map(fn, list(items), pure=False)
        return list(self._client.gather(futures))
