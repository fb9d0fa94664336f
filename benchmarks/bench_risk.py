"""Risk batch path vs scalar path: 1 000 000 synthetic patients, all systems, one core.

Scores the same synthetic cohort (seeded; boundary values included) through
  - the vectorised core (``risk.batch.score_codes`` on encoded arrays),
  - the full frame path (``score_frame``: encode a DataFrame, score, categorical output),
and a random sample through the scalar engine (``risk.panel.score`` + ``flatten``), in the
same run; prints patients/s, the ratios and peak memory (tracemalloc, and max RSS).
Targets: >= 2 000 000 patients/s for all systems together on one core; >= 100x scalar.

Usage: python benchmarks/bench_risk.py [N] [SCALAR_SAMPLE]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core

import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from gistcds.knowledge import load_kb  # noqa: E402
from gistcds.risk.batch import Encoded, encode, score_codes, score_frame  # noqa: E402
from gistcds.risk.inputs import RiskInput  # noqa: E402
from gistcds.risk.panel import flatten, score  # noqa: E402
from gistcds.risk.tables import SITES, risk_tables  # noqa: E402


def cohort(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    size = rng.uniform(0.2, 25.0, n).round(1)
    size[rng.random(n) < 0.1] = rng.choice([2.0, 5.0, 10.0], 1)[0]
    mit = rng.integers(0, 30, n).astype(np.float64)
    rupture = rng.choice(np.array([0.0, 1.0, np.nan]), n, p=[0.8, 0.1, 0.1])
    site = rng.integers(0, len(SITES), n)
    return pd.DataFrame(
        {
            "id": np.arange(n),
            "site": pd.Categorical.from_codes(site, categories=pd.Index(list(SITES))),
            "size_cm": size,
            "mitoses": mit,
            "rupture": rupture,
            "nodes": pd.Categorical.from_codes(
                rng.choice(np.array([-1, 0, 1]), n, p=[0.6, 0.38, 0.02]),
                categories=pd.Index(["N0", "N1", "NX"]),
            ),
            "metastatic": rng.random(n) < 0.1,
        }
    )


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def peak_mb(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    sample = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    t = risk_tables(load_kb())
    df = cohort(n)
    enc: Encoded = encode(df)
    score_codes(enc, t)  # warm-up

    core_s = best_of(lambda: score_codes(enc, t), 5)
    frame_s = best_of(lambda: score_frame(df, t), 3)

    rows = df.sample(sample, random_state=2)
    inputs = [
        RiskInput(
            site=None if pd.isna(s) else str(s),
            size_cm=float(z),
            mitoses=float(m),
            rupture=None if np.isnan(r) else bool(r),
            nodes=None if pd.isna(nd) else str(nd),
            metastatic=bool(meta),
        )
        for s, z, m, r, nd, meta in zip(
            rows["site"],
            rows["size_cm"],
            rows["mitoses"],
            rows["rupture"],
            rows["nodes"],
            rows["metastatic"],
            strict=True,
        )
    ]
    t0 = time.perf_counter()
    scalar = [flatten(score(x, t)) for x in inputs]
    scalar_s = time.perf_counter() - t0
    # the same sample through the batch path must agree (a sanity check, tested in full elsewhere)
    batch_sample = score_frame(rows, t)
    agree = all(
        (pd.isna(batch_sample[c].iloc[i]) and v is None) or batch_sample[c].iloc[i] == v
        for i, rec in enumerate(scalar[:2000])
        for c, v in rec.items()
    )

    core_rate = n / core_s
    frame_rate = n / frame_s
    scalar_rate = sample / scalar_s
    core_peak = peak_mb(lambda: score_codes(enc, t))
    frame_peak = peak_mb(lambda: score_frame(df, t))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"risk batch benchmark: {n:,} patients, all systems (NIH, mNIH, AFIP, AJCC 8th, MSKCC)")
    print(f"{'path':44} {'seconds':>9} {'patients/s':>14} {'x scalar':>9} {'peak MB':>8}")
    print(
        f"{'batch core (score_codes, encoded arrays)':44} {core_s:9.3f} {core_rate:14,.0f} "
        f"{core_rate / scalar_rate:9.0f} {core_peak:8.1f}"
    )
    print(
        f"{'batch frame (encode+score+categoricals)':44} {frame_s:9.3f} {frame_rate:14,.0f} "
        f"{frame_rate / scalar_rate:9.0f} {frame_peak:8.1f}"
    )
    print(
        f"{f'scalar (score+flatten, sample {sample:,})':44} {scalar_s:9.3f} {scalar_rate:14,.0f} "
        f"{1:9.0f} {'':>8}"
    )
    print(f"max RSS of this process: {rss:.0f} MB; batch==scalar on sample: {agree}")
    print("targets: >= 2,000,000 patients/s (batch core, one core); >= 100x scalar")


if __name__ == "__main__":
    main()
