"""Response engine speed: RECIST + Choi over a long CT series, per patient.

Baseline in the same run: validating the same patient record (``Patient.model_validate``),
which every assessment pays anyway. Prints the median time per patient of each step and
its ratio to that baseline, for series of 4, 12 and 40 follow-up CTs with 5 targets,
2 non-targets and density on every lesion.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from gistcds.domain.patient import Patient
from gistcds.knowledge import load_kb
from gistcds.response import assess_response, summarise_response

TODAY = dt.date(2026, 11, 26)
ORGANS = ["liver", "liver", "lung", "peritoneum", "lymph_node"]


def record(follow_ups: int) -> dict[str, Any]:
    imaging = []
    start = dt.date(2020, 1, 1)
    for k in range(follow_ups + 1):
        factor = 1.0 - 0.04 * k if k < 8 else 0.7 + 0.03 * (k - 8)
        lesions: list[dict[str, Any]] = []
        for i, organ in enumerate(ORGANS):
            size = round((20 + 10 * i) * factor, 1)
            lesion: dict[str, Any] = {
                "id": f"T{i}",
                "organ": organ,
                "kind": "target",
                "density_hu": 80 - 2 * k,
            }
            lesion["short_axis_mm" if organ == "lymph_node" else "longest_diameter_mm"] = size
            lesions.append(lesion)
        lesions += [
            {"id": "P1", "organ": "peritoneum", "kind": "non_target", "status": "present"},
            {"id": "P2", "organ": "omentum", "kind": "non_target", "status": "present"},
        ]
        imaging.append(
            {"date": (start + dt.timedelta(weeks=8 * k)).isoformat(), "lesions": lesions}
        )
    return {"id": f"bench-{follow_ups}", "imaging": imaging}


def median_us(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e6


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    kb = load_kb()
    print(f"{'follow-ups':>10} {'step':28} {'median us':>10} {'x validate':>10}  ({runs} runs)")
    for n in (4, 12, 40):
        raw = record(n)
        patient = Patient.model_validate(raw, context={"today": TODAY})
        base = median_us(
            lambda raw=raw: Patient.model_validate(raw, context={"today": TODAY}), runs
        )
        steps = {
            "Patient.model_validate": base,
            "assess_response": median_us(lambda p=patient: assess_response(p, kb), runs),
            "summarise_response": median_us(lambda p=patient: summarise_response(p, kb), runs),
        }
        for name, us in steps.items():
            print(f"{n:>10} {name:28} {us:10.1f} {us / base:10.2f}")


if __name__ == "__main__":
    main()
