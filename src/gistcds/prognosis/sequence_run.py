"""One seeded sequence simulation, reduced to the figures the output shows (numpy: imported
only to run a simulation that is not stored, see ``sequence._simulate``)."""

from __future__ import annotations

import math

import numpy as np

from gistcds.prognosis.curves import Curve
from gistcds.prognosis.sequence import LANDMARKS, PATIENTS, SEED, RunSummary
from gistcds.prognosis.simulate import run
from gistcds.prognosis.spec import LineSpec, SequenceSpec

__all__ = ["percentiles", "summarise_run"]


def percentiles(values: np.ndarray, qs: tuple[int, ...]) -> tuple[float, ...]:
    """Exactly ``np.percentile(values, qs)`` (its default "linear" method): the same order
    statistics and numpy's own interpolation formula, checked in the tests. numpy's
    percentile finds its partition points with ``np.unique``, whose first call imports
    ``numpy.ma``: about 2 % of a cold ``gistcds assess`` (benchmarks/bench_startup.py)."""
    ordered = np.sort(values).tolist()
    n = len(ordered)
    if values.dtype.kind != "f" or n == 0 or math.isnan(ordered[-1]):
        return tuple(float(x) for x in np.percentile(values, qs))  # numpy's own rules
    out = []
    for q in qs:
        virtual = (n - 1) * (q / 100)
        if virtual >= n - 1 or virtual < 0:  # numpy takes the end value itself
            out.append(ordered[-1] if virtual >= n - 1 else ordered[0])
            continue
        below = math.floor(virtual)
        gamma = virtual - below
        a, b = ordered[below], ordered[below + 1]
        diff = b - a
        out.append(b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma)
    return tuple(out)


def summarise_run(
    lines: tuple[tuple[Curve, float], ...], proceed: tuple[float, ...], post: Curve
) -> RunSummary:
    """Run the seeded simulation and keep its summary figures (not the arrays)."""
    spec = SequenceSpec(
        sequence_id="",
        label="",
        genotype_class=None,
        lines=tuple(
            LineSpec(0, "", None, "", curve, False, hazard_ratio=hr) for curve, hr in lines
        ),
        proceed=proceed,
        post_arm_id="",
        post=post,
        compare_os_arm=None,
        compare_os_median=None,
    )
    result = run(spec, PATIENTS, SEED)
    os_ = result.os
    p10, q25, med, q75, p90 = percentiles(os_, (10, 25, 50, 75, 90))
    per_line: list[tuple[int, tuple[float, float, float] | None]] = []
    for times in result.line_times:
        q: tuple[float, float, float] | None = None
        if times.size:  # one partition for the three quantiles
            lo, mid, hi = percentiles(times, (25, 50, 75))
            q = (lo, mid, hi)
        per_line.append((int(times.size), q))
    return RunSummary(
        int(os_.size),
        (p10, q25, med, q75, p90),
        tuple(float((os_ > x).mean()) for x in LANDMARKS),
        tuple(per_line),
    )
