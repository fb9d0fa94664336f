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
from collections.abc import Callable, Iterable
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


class DaskExecutor:
    """Items as Dask tasks: on ``address``'s scheduler, or on a local cluster started here.

    Use as a context manager so a local cluster is shut down afterwards. A scheduler that
    cannot be reached fails within ``CONNECT_TIMEOUT_S`` seconds with an ``InputError``
    naming the address (Dask's own default waits 30 s and then reports an ``OSError``).
    """

    in_process = False
    CONNECT_TIMEOUT_S = 5  # as gistcds.cohort.cluster

    def __init__(self, address: str | None = None, n_workers: int | None = None) -> None:
        self.address = address
        self.n_workers = n_workers
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskExecutor:
        from distributed import Client, LocalCluster

        if self.address:
            self._client = self._connect(Client, self.address)
        else:
            self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=self.n_workers or 2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            self._client = Client(self._cluster)  # type: ignore[no-untyped-call]
        return self

    def _connect(self, client: Any, address: str) -> Any:
        from gistcds.errors import InputError, Problem

        try:
            return client(address, timeout=self.CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError, ValueError) as exc:
            message = (
                f"cannot reach a Dask scheduler at {address!r} within {self.CONNECT_TIMEOUT_S} s "
                f"({type(exc).__name__}); is it running, and is the address tcp://HOST:PORT?"
            )
            raise InputError([Problem("--scheduler", message)]) from None

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        if self._client is None:
            raise RuntimeError("DaskExecutor must be entered (use 'with DaskExecutor() as ex')")
        futures = self._client.map(fn, list(items), pure=False)
        return list(self._client.gather(futures))
