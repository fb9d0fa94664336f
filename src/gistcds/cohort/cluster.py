"""A Dask client for the cohort commands: an existing scheduler, or a local cluster.

An address that cannot be reached fails within ``CONNECT_TIMEOUT_S`` seconds with a message
naming the address, instead of Dask's default wait and retry.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gistcds.errors import InputError, Problem

__all__ = ["CONNECT_TIMEOUT_S", "dask_client"]

CONNECT_TIMEOUT_S = 5


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client`` (closed afterwards, with the local cluster if one was started)."""
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
            raise InputError(
                [
                    Problem(
                        "--scheduler",
                        f"cannot reach a Dask scheduler at {scheduler!r} within "
                        f"{CONNECT_TIMEOUT_S} s ({type(exc).__name__}); is it running, "
                        "and is the address tcp://HOST:PORT?",
                    )
                ]
            ) from exc
    else:
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers or 2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        client = Client(cluster)  # type: ignore[no-untyped-call]
    try:
        yield client
    finally:
        client.close()  # type: ignore[no-untyped-call]
        if cluster is not None:
            cluster.close()
