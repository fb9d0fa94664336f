"""Benchmark: 1,000,000 simulated patients through a four-line sequence (vectorised numpy)
against the plain-Python loop over a sample, in the same run; plus the per-patient
estimate that assess() pays. Prints figures and ratios; asserts nothing.

Run: .venv/bin/python benchmarks/bench_prognosis.py [--patients 1000000] [--sample 20000]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc

import numpy as np


def best_of(repeats: int, fn) -> tuple[float, float, object]:  # type: ignore[no-untyped-def]
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times), out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=20_000, help="patients in the Python loop")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--genotype", default="KIT_exon11")
    args = ap.parse_args()

    from gistcds.executors import ThreadExecutor
    from gistcds.knowledge import load_kb
    from gistcds.prognosis.simulate import (
        DEFAULT_CHUNK,
        build_sequence,
        run,
        simulate_python,
        summarise,
    )

    kb = load_kb()
    spec = build_sequence(kb, genotype_class=args.genotype)
    run(spec, 10_000, seed=0)  # warm-up (imports, first allocation)
    n = args.patients
    print(
        f"sequence: {spec.label} ({args.genotype}); families: "
        f"{[ls.curve.family for ls in spec.lines]} + post {spec.post.family}"
    )
    print(f"numpy {np.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} cores")

    # Every path timed in alternating rounds, so that machine load hits all alike:
    # the vectorised simulation on one thread, the same on a thread per core, the
    # plain-Python loop over a sample, and the bare cost of the random draws the
    # vectorised path cannot avoid (one unit exponential per line started + one per patient).
    draws = n + sum(int(n * r) for r in np.cumprod((1.0, *spec.proceed)))
    floor_buf = np.empty(DEFAULT_CHUNK)
    floor_rng = np.random.Generator(np.random.PCG64(7))

    def draws_only() -> None:
        left = draws
        while left > 0:
            m = min(left, DEFAULT_CHUNK)
            floor_rng.standard_exponential(out=floor_buf[:m])
            left -= m

    times: dict[str, list[float]] = {"one": [], "threads": [], "loop": [], "draws": []}
    res = slow = None
    with ThreadExecutor() as pool:
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            res = run(spec, n, seed=1)
            times["one"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            threaded = run(spec, n, seed=1, executor=pool)
            times["threads"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            slow = simulate_python(spec, args.sample, seed=1)
            times["loop"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            draws_only()
            times["draws"].append(time.perf_counter() - t0)
    assert res is not None and slow is not None
    assert np.array_equal(res.os, threaded.os), "threads must reproduce the serial arrays"
    best = {k: min(v) for k, v in times.items()}
    med = {k: statistics.median(v) for k, v in times.items()}
    loop_best = best["loop"] / args.sample * n
    loop_med = med["loop"] / args.sample * n
    t_sum, _, summary = best_of(1, lambda: summarise(spec, res, 1))  # type: ignore[arg-type]
    per_m = 1e6 / n
    print(
        f"vectorised, one thread: {n:,} patients in {best['one']:.3f} s best / "
        f"{med['one']:.3f} s median -> {best['one'] * per_m:.3f} s per million; "
        f"summary statistics {t_sum:.3f} s"
    )
    print(
        f"  of which random draws alone ({draws:,} unit exponentials): {best['draws']:.3f} s "
        f"= {best['draws'] / best['one']:.0%} of the run "
        f"({best['draws'] / draws * 1e9:.1f} ns each)"
    )
    print(
        f"vectorised, {pool.workers} threads: {best['threads']:.3f} s best / "
        f"{med['threads']:.3f} s median ({best['one'] / best['threads']:.2f}x one thread), "
        "arrays identical"
    )
    print(
        f"plain-Python loop: {args.sample:,} patients in {best['loop']:.3f} s "
        f"-> {loop_best * per_m:.2f} s per million (extrapolated)"
    )
    for key, label in (("one", "one thread"), ("threads", f"{pool.workers} threads")):
        print(
            f"speed-up, {label}: {loop_best / best[key]:.0f}x (best vs best), "
            f"{loop_med / med[key]:.0f}x (median vs median)"
        )
    print(
        f"  ceiling on one thread if everything but the draws cost nothing: "
        f"{loop_best / best['draws']:.0f}x"
    )

    tracemalloc.start()
    run(spec, n, seed=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    lines_mib = n * 8 * (1 + float(np.cumprod((1.0, *spec.proceed)).sum())) / 2**20
    print(
        f"memory: peak {peak / 2**20:.1f} MiB traced during one {n:,}-patient run "
        f"(result arrays ~{lines_mib:.1f} MiB); "
        f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    print(
        f"check: median OS vectorised {np.median(res.os):.2f} vs loop "
        f"{statistics.median(slow.os):.2f} months; summary median {summary.os_median}"
    )
    one_ratio = loop_best / best["one"]
    print(
        f"targets: < 1 s per million on one core -> "
        f"{'met' if best['one'] * per_m < 1 else 'NOT met'}; >= 100x the loop -> "
        f"one thread {'met' if one_ratio >= 100 else 'NOT met'}, "
        f"{pool.workers} threads {'met' if loop_best / best['threads'] >= 100 else 'NOT met'}"
    )

    # the per-patient estimate assess() pays (fits cached after the first call)
    from gistcds.domain.patient import Patient
    from gistcds.domain.results.genotype import GenotypeResult
    from gistcds.domain.results.risk import RiskPanel
    from gistcds.domain.results.therapy import Evidence, Recommendation, RegimenItem
    from gistcds.history import clinical_facts
    from gistcds.prognosis import estimate_prognosis

    patient = Patient.model_validate({"id": "b", "metastatic": {"sites": ["liver"]}})
    recs = [
        Recommendation(
            rule_id=f"r{i}",
            kind="systemic",
            title=d,
            regimen=[RegimenItem(drug=d, dose_mg_per_day=dose, schedule="")],
            line=1,
            evidence=Evidence(source_ids=["blanke2008"], level="x"),
            rationale="",
        )
        for i, (d, dose) in enumerate([("imatinib", 400), ("imatinib", 800)])
    ]
    geno = GenotypeResult.model_validate({"class": "KIT_exon11"})
    facts = clinical_facts(patient, geno, RiskPanel(), [], kb)
    best_p, med_p, _ = best_of(20, lambda: estimate_prognosis(facts, geno, recs, kb))
    print(
        f"per-patient prognosis (2 options x PFS/OS, 400 draws each): "
        f"{best_p * 1000:.1f} ms best / {med_p * 1000:.1f} ms median"
    )

    # the patient's own sequence simulation inside assess(): with it and without it
    from pathlib import Path
    from unittest import mock

    import gistcds.prognosis.sequence as seqmod
    from gistcds.assess import assess
    from gistcds.io.patient_json import load_patient

    examples = Path(__file__).resolve().parent.parent / "examples" / "patients"
    print(f"assess() with the patient's sequence ({seqmod.PATIENTS:,} simulated patients):")
    for name, line, drug in (
        ("metastatic-kit11-untreated", 1, "imatinib"),
        ("progression-after-imatinib", 2, "sunitinib"),
    ):
        pt = load_patient(str(examples / f"{name}.json"))
        assess(pt, kb)
        _, seq_med, _ = best_of(
            30,
            lambda line=line, drug=drug: seqmod.patient_sequence(  # type: ignore[misc]
                kb, genotype_class="KIT_exon11", line=line, drug=drug, dose=None
            ),
        )
        _, with_med, _ = best_of(30, lambda pt=pt: assess(pt, kb))  # type: ignore[misc]
        with mock.patch.object(seqmod, "patient_sequence", return_value=(None, "off")):
            _, without_med, _ = best_of(30, lambda pt=pt: assess(pt, kb))  # type: ignore[misc]
        print(
            f"  {name}: sequence {seq_med * 1000:.1f} ms; assess {with_med * 1000:.1f} ms "
            f"with it vs {without_med * 1000:.1f} ms without ({with_med / without_med:.2f}x)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
