"""Clinical-state, therapy and follow-up engine throughput on the 25 vignettes and extra
scenarios.

Prints patients per second for ``history.clinical_facts``, ``therapy.recommend`` and
``followup.plan_followup`` (each on facts derived once),
and their cost as a ratio to ``Patient.model_validate`` of the same records (the
baseline every assessment pays anyway), all measured in the same run.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from gistcds.domain.patient import Patient  # noqa: E402
from gistcds.followup import plan_followup  # noqa: E402
from gistcds.history import clinical_facts  # noqa: E402
from gistcds.knowledge import load_kb  # noqa: E402
from gistcds.therapy import recommend  # noqa: E402
from therapy_scenarios import SCENARIOS  # noqa: E402


def per_second(fn: Callable[[], object], n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - t0)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    kb = load_kb()
    scenarios = list(SCENARIOS.values())
    raw = [s.patient.model_dump(mode="json") for s in scenarios]
    n = rounds * len(scenarios)

    def validate() -> None:
        for r in raw:
            Patient.model_validate(r)

    facts = [clinical_facts(s.patient, s.genotype, s.risk, s.response, kb) for s in scenarios]

    def history() -> None:
        for s in scenarios:
            clinical_facts(s.patient, s.genotype, s.risk, s.response, kb)

    def therapy() -> None:
        for f in facts:
            recommend(f, kb)

    def followup() -> None:
        for f in facts:
            plan_followup(f, kb)

    base = per_second(validate, rounds) * len(scenarios)
    print(f"{'step':34} {'patients/s':>12} {'x cost of validation':>22}  ({n} patients)")
    for name, fn in [
        ("Patient.model_validate (baseline)", validate),
        ("history.clinical_facts", history),
        ("therapy.recommend", therapy),
        ("followup.plan_followup", followup),
    ]:
        rate = base if fn is validate else per_second(fn, rounds) * len(scenarios)
        print(f"{name:34} {rate:12.0f} {base / rate:22.1f}")


if __name__ == "__main__":
    main()
