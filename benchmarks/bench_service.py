"""Service load on loopback: ``POST /api/v1/assessments`` latency and throughput (SQLite).

Measured in one run, on this machine:

1. the engine alone, in process (parse + validate + assess + JSON), per assessment: the
   baseline the service overhead is a ratio of;
2. open-loop load at increasing rates (requests sent on a fixed schedule whatever the
   answers): p50 / p99 latency and the rate achieved; targets p99 < 100 ms at 50 req/s;
3. saturation, closed loop (N clients sending back to back): assessments stored per second;
   target >= 100/s on SQLite;
4. concurrency: 8 writers for 30 s against two worker processes; no record lost or duplicated
   (counted in the database).

The load client runs on the same cores as the server, so the figures are a floor.
Usage: ``python benchmarks/bench_service.py [--quick] [--workers N] [--db URL]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from gistcds.store import Store  # noqa: E402
from service_helpers import Server, bearer, example_documents, make_token  # noqa: E402

ENDPOINT = "/api/v1/assessments"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def engine_ms(docs: list[dict[str, Any]], rounds: int) -> float:
    """Median ms per assessment of the engine path in process (warm)."""
    from gistcds.assess import assess
    from gistcds.io.patient_json import parse_json, patient_from_obj
    from gistcds.knowledge import load_kb

    kb = load_kb()
    bodies = [json.dumps(d).encode() for d in docs]
    for body in bodies:  # warm-up
        assess(patient_from_obj(parse_json(body)), kb).model_dump_json()
    times = []
    for _ in range(rounds):
        for body in bodies:
            t0 = time.perf_counter()
            assess(patient_from_obj(parse_json(body)), kb).model_dump_json()
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


async def open_loop(
    url: str, headers: dict[str, str], bodies: list[bytes], rate: float, seconds: float
) -> dict[str, float]:
    """Send at ``rate`` per second for ``seconds``; latencies of the answers."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30, limits=limits) as c:

        async def one(body: bytes) -> None:
            nonlocal errors
            t0 = time.perf_counter()
            try:
                r = await c.post(
                    ENDPOINT, content=body, headers={"Content-Type": "application/json"}
                )
                ok = r.status_code == 201
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies.append((time.perf_counter() - t0) * 1000)
            else:
                errors += 1

        n = int(rate * seconds)
        start = time.perf_counter()
        tasks = []
        for i in range(n):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(bodies[i % len(bodies)])))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    return {
        "rate": rate,
        "achieved": len(latencies) / elapsed,
        "p50": pct(latencies, 0.50),
        "p99": pct(latencies, 0.99),
        "errors": errors,
    }


async def closed_loop(
    url: str, headers: dict[str, str], bodies: list[bytes], clients: int, seconds: float
) -> float:
    """``clients`` senders back to back for ``seconds``: stored assessments per second."""
    done = 0
    until = time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as c:

        async def sender(k: int) -> None:
            nonlocal done
            i = k
            while time.perf_counter() < until:
                r = await c.post(
                    ENDPOINT,
                    content=bodies[i % len(bodies)],
                    headers={"Content-Type": "application/json"},
                )
                i += clients
                done += r.status_code == 201

        start = time.perf_counter()
        await asyncio.gather(*(sender(k) for k in range(clients)))
        return done / (time.perf_counter() - start)


def sequential(url: str, headers: dict[str, str], bodies: list[bytes], seconds: float) -> float:
    """Median latency of one client sending one request at a time (no queueing)."""
    latencies = []
    until = time.perf_counter() + seconds
    with httpx.Client(base_url=url, headers=headers, timeout=30) as c:
        i = 0
        while time.perf_counter() < until:
            t0 = time.perf_counter()
            c.post(
                ENDPOINT,
                content=bodies[i % len(bodies)],
                headers={"Content-Type": "application/json"},
            )
            latencies.append((time.perf_counter() - t0) * 1000)
            i += 1
    return statistics.median(latencies)


def writers(
    url: str, headers: dict[str, str], doc: dict[str, Any], n: int, seconds: float
) -> list[tuple[int, int, str]]:
    """``n`` threads each storing its own patient for ``seconds``."""
    out: list[tuple[int, int, str]] = []
    until = time.monotonic() + seconds

    def run(k: int) -> None:
        mine = {**doc, "id": f"bench-writer-{k}"}
        with httpx.Client(base_url=url, headers=headers, timeout=60) as c:
            while time.monotonic() < until:
                r = c.post(ENDPOINT, json=mine)
                out.append((k, r.status_code, r.json().get("id", "")))

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="short steps (a smoke run)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--db", default=None, help="database URL (default: a temporary SQLite)")
    args = parser.parse_args()
    step = 2.0 if args.quick else 5.0
    rates = [10, 25, 50, 100] if args.quick else [10, 25, 50, 75, 100, 150, 200]
    tmp = Path(tempfile.mkdtemp(prefix="bench-service-"))
    url = args.db or f"sqlite:///{tmp / 'bench.db'}"
    docs = example_documents()
    bodies = [json.dumps(d).encode() for d in docs]
    engine = engine_ms(docs, rounds=3 if args.quick else 10)
    print(
        f"engine alone (parse+assess+JSON, in process): median {engine:.1f} ms "
        f"over {len(docs)} patients"
    )
    store = Store.open(url)
    headers = bearer(make_token(store, "bench", "clinician"))
    server = Server(url, tmp / "server.log", workers=args.workers).start()
    try:
        asyncio.run(open_loop(server.url, headers, bodies, 20, 1.0))  # warm the workers
        seq = sequential(server.url, headers, bodies, step)
        print(
            f"one client, back to back: POST p50 {seq:.1f} ms = engine {engine:.1f} ms + "
            f"service {seq - engine:.1f} ms (x{seq / engine:.2f} the engine alone)"
        )
        print(f"\nopen loop, {args.workers} worker(s), {step:.0f} s per rate")
        print(
            f"{'rate/s':>7} {'achieved':>9} {'p50 ms':>8} {'p99 ms':>8} {'p50/engine':>11} "
            f"{'errors':>6}"
        )
        for rate in rates:
            r = asyncio.run(open_loop(server.url, headers, bodies, rate, step))
            print(
                f"{rate:7.0f} {r['achieved']:9.1f} {r['p50']:8.1f} {r['p99']:8.1f} "
                f"{r['p50'] / engine:10.1f}x {r['errors']:6.0f}"
            )
            if r["achieved"] < 0.8 * rate:
                break
        for clients in (4, 16):
            tput = asyncio.run(closed_loop(server.url, headers, bodies, clients, step * 2))
            ideal = 1000 / engine
            print(
                f"saturation, {clients:2d} clients: {tput:6.1f} assessments/s "
                f"(engine alone, one core: {ideal:.0f}/s; ratio {tput / ideal:.2f})"
            )
    finally:
        server.stop()
    concurrency(url, headers, docs[0], tmp, 8 if not args.quick else 4, 5 if args.quick else 30)
    print(f"(server log: {server.log})")


def concurrency(
    url: str, headers: dict[str, str], doc: dict[str, Any], tmp: Path, n: int, seconds: float
) -> None:
    store = Store.open(url)
    before = store.count_assessments()
    server = Server(url, tmp / "writers.log", workers=2).start()
    try:
        results = writers(server.url, headers, doc, n, seconds)
    finally:
        server.stop()
    ok = [rid for _, status, rid in results if status == 201]
    stored = store.count_assessments() - before
    per_writer = all(
        {r.id for r in store.patient_assessments(f"bench-writer-{k}", limit=1_000_000)}
        == {rid for w, s, rid in results if w == k and s == 201}
        for k in range(n)
    )
    print(
        f"\n{n} writers x {seconds:.0f} s, 2 workers: {len(results)} requests, {len(ok)} stored "
        f"({len(ok) / seconds:.1f}/s); in the database {stored}; duplicates "
        f"{len(ok) - len(set(ok))}; lost {len(ok) - stored}; per-writer sets equal: {per_writer}"
    )
    store.close()


if __name__ == "__main__":
    main()
