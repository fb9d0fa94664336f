"""FHIR in and out vs the JSON path, in process (after imports and the first call).

Baselines measured in the same run: reading the same patient from its contract JSON
(``patient_from_obj``) and dumping the assessment as JSON. Prints the median time of each
step and its ratio to its baseline.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT.parent / "shared" / "examples" / "fhir" / "kit11-metastatic.input-bundle.json"


def median_ms(fn: Callable[[], Any], runs: int) -> float:
    fn()  # warm-up: imports, model construction
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    from gistcds.assess import assess
    from gistcds.fhir import bundle_to_patient
    from gistcds.fhir.validate import check_bundle
    from gistcds.fhir.write_assessment import assessment_to_bundle
    from gistcds.fhir.write_patient import patient_to_bundle
    from gistcds.io.patient_json import patient_from_obj
    from gistcds.knowledge import load_kb

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    kb = load_kb()
    bundle = json.loads(BUNDLE.read_text())
    patient, report = bundle_to_patient(bundle, kb)
    as_json = json.loads(patient.model_dump_json(exclude_none=True))
    assessment = assess(patient, kb)
    out = assessment_to_bundle(assessment, patient, report.refs, kb)
    rows = [
        ("read: patient JSON (baseline)", lambda: patient_from_obj(as_json), None),
        ("read: FHIR Bundle -> Patient", lambda: bundle_to_patient(bundle, kb), 0),
        ("write: assessment JSON (baseline)", lambda: assessment.model_dump_json(), None),
        (
            "write: assessment -> Bundle",
            lambda: assessment_to_bundle(assessment, patient, report.refs, kb),
            2,
        ),
        ("write: patient -> Bundle", lambda: patient_to_bundle(patient), 2),
        ("check: output Bundle", lambda: check_bundle(out), 2),
    ]
    measured: list[float] = []
    print(f"{'step':36} {'median ms':>10} {'x baseline':>11}   ({runs} runs each)")
    for name, fn, base in rows:
        ms = median_ms(fn, runs)
        measured.append(ms)
        ref = measured[base] if base is not None else None
        ratio = f"{ms / ref:11.1f}" if ref else f"{'-':>11}"
        print(f"{name:36} {ms:10.2f} {ratio}")


if __name__ == "__main__":
    main()
