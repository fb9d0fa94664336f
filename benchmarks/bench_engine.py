"""Benchmark: warm engine time per assessment, in process (parse + validate + assess + JSON).

Measured on every bundled example patient and every valid shared case, in one run:

- ``warm``: each patient assessed again and again (the service's steady state: the
  memoised per-arm bands and sequence runs are reused);
- ``first sight``: the prognosis memo caches emptied before every assessment (a patient
  whose arms and hazard ratios nobody has asked for yet);
- the floor: parsing the same input and serialising its (precomputed) assessment, the part
  no engine change can remove;
- with ``--against DIR`` (the ``src`` directory of another checkout, e.g. of ``main``: ``git
  archive main src | tar -x -C /tmp/main``) the same measurement of that tree in a
  subprocess, interleaved round by round with this one, and the ratio before/after.

Medians over rounds; the machine's load hits all alike. Prints figures and ratios; asserts
nothing. Run: ``.venv/bin/python benchmarks/bench_engine.py [--rounds 15] [--against DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def documents() -> list[bytes]:
    """The bundled examples and the shared cases' patients, as request bodies."""
    docs: list[dict[str, Any]] = [
        json.loads(p.read_text()) for p in sorted((ROOT / "examples" / "patients").glob("*.json"))
    ]
    cases = ROOT.parent / "shared" / "examples" / "cases"
    if cases.is_dir():
        for path in sorted(cases.glob("*.json")):
            case = json.loads(path.read_text())
            if isinstance(case.get("patient"), dict):
                docs.append(case["patient"])
    return [json.dumps(d).encode() for d in docs]


def _clear_caches() -> None:
    """Empty the prognosis memo caches (absent in trees before they existed)."""
    from gistcds.prognosis import estimate, sequence

    for fn in (getattr(estimate, "_band", None), getattr(sequence, "_simulate", None)):
        if fn is not None:
            fn.cache_clear()


def _warm_again(kb: Any, bodies: list[bytes]) -> None:
    """Refill the memo caches after a first-sight pass (untimed)."""
    from gistcds.assess import assess
    from gistcds.io.patient_json import parse_json, patient_from_obj

    for body in bodies:
        assess(patient_from_obj(parse_json(body)), kb)


def measure(rounds: int) -> dict[str, float]:
    """ms per assessment of this interpreter's gistcds: warm, first sight and the floor."""
    from gistcds.assess import assess
    from gistcds.errors import InputError
    from gistcds.io.patient_json import parse_json, patient_from_obj
    from gistcds.knowledge import load_kb

    kb = load_kb()
    bodies = []
    for body in documents():
        try:
            patient_from_obj(parse_json(body))
        except InputError:
            continue
        bodies.append(body)
    done = {b: assess(patient_from_obj(parse_json(b)), kb) for b in bodies}  # warm-up
    warm: list[float] = []
    first: list[float] = []
    floor: list[float] = []
    for _ in range(rounds):
        for body in bodies:  # warm: every patient seen before
            t0 = time.perf_counter()
            assess(patient_from_obj(parse_json(body)), kb).model_dump_json()
            warm.append(time.perf_counter() - t0)
        for body in bodies:  # first sight: memo caches emptied before each one
            _clear_caches()
            t0 = time.perf_counter()
            assess(patient_from_obj(parse_json(body)), kb).model_dump_json()
            first.append(time.perf_counter() - t0)
        for body in bodies:
            t0 = time.perf_counter()
            patient_from_obj(parse_json(body))
            done[body].model_dump_json()
            floor.append(time.perf_counter() - t0)
        _warm_again(kb, bodies)
    return {
        "patients": len(bodies),
        "warm": statistics.median(warm) * 1000,
        "first": statistics.median(first) * 1000,
        "floor": statistics.median(floor) * 1000,
        "warm_mean": statistics.fmean(warm) * 1000,
        "first_mean": statistics.fmean(first) * 1000,
    }


def _child(src: str, rounds: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": src}
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--rounds", str(rounds)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--against", default=None, help="src directory of another checkout")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(args.rounds)))
        return 0
    here = str(ROOT / "src")
    trees = {"this tree": here} | ({"against": args.against} if args.against else {})
    # interleaved: a few rounds of each tree in turn, each in a fresh interpreter
    results: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    chunks = max(1, args.rounds // 5)
    for _ in range(chunks):
        for name, src in trees.items():
            results[name].append(_child(src, max(1, args.rounds // chunks)))
    rows = {
        name: {k: statistics.median(r[k] for r in rs) for k in rs[0]}
        for name, rs in results.items()
    }
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}; {args.rounds} rounds")
    print(f"{'tree':<10} {'patients':>8} {'warm ms':>8} {'first-sight ms':>15} {'floor ms':>9}")
    for name, r in rows.items():
        print(
            f"{name:<10} {r['patients']:8.0f} {r['warm']:8.2f} {r['first']:15.2f} {r['floor']:9.2f}"
        )
    mine = rows["this tree"]
    print(
        f"this tree: warm {mine['warm'] / mine['floor']:.1f}x the parse+JSON floor, "
        f"first sight {mine['first'] / mine['floor']:.1f}x"
    )
    if args.against:
        old = rows["against"]
        print(
            f"against {args.against}: warm {old['warm'] / mine['warm']:.2f}x faster now, "
            f"first sight {old['first'] / mine['first']:.2f}x faster now"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
