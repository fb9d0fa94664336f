"""Monte Carlo over a whole treatment sequence (e.g. imatinib -> sunitinib -> regorafenib
-> ripretinib): time on each line, overall survival, and the share reaching each line.

Each simulated patient draws a PFS for line 1 from the arm the prognosis engine would
choose for the genotype (and, for one patient, under the same published hazard ratios as
the curve shown); after progression the patient starts the next line with the
published probability (knowledge base ``prognosis_sequences.yaml``), otherwise stops.
Everyone then draws one survival time after the last line received (``post_last_line``).
OS = sum of the lines' PFS + that last draw. Lines are treated as independent; no
tuning to the published OS: the difference is reported (docs/validation.md).

Vectorised numpy; the population is split into chunks, each with its own child of one
``numpy.random.SeedSequence``, so the answer depends only on (seed, n, chunk size) and
not on where chunks run: ``SerialExecutor``, ``ThreadExecutor`` and ``DaskExecutor`` give
identical arrays.
"""

from __future__ import annotations

import dataclasses
import math
import random
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from gistcds.domain.results.genotype import GenotypeClass
from gistcds.executors import Executor, SerialExecutor
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema.prognosis_arms import Arm
from gistcds.prognosis.curves import Curve
from gistcds.prognosis.evidence import evidence
from gistcds.prognosis.notes import Note
from gistcds.prognosis.spec import (
    LineSpec,
    SequenceSpec,
    build_sequence,
    first_line_os_comparable,
)

__all__ = [
    "DEFAULT_CHUNK",
    "ChunkResult",
    "ChunkTask",
    "LineSpec",
    "SequenceSpec",
    "SimulationSummary",
    "build_sequence",
    "run",
    "simulate",
    "simulate_chunk",
    "simulate_python",
    "summarise",
]

DEFAULT_CHUNK = 131_072  # 1 MiB of float64 per array: stays in cache, fastest measured


@dataclass(frozen=True)
class ChunkTask:
    spec: SequenceSpec
    n: int
    seed: np.random.SeedSequence


@dataclass(frozen=True)
class ChunkResult:
    os: NDArray[np.float64]
    line_times: tuple[NDArray[np.float64], ...]  # PFS of the patients who reached each line


def _line_counts(rng: np.random.Generator, spec: SequenceSpec, n: int) -> list[int]:
    """How many of the chunk's n patients start each line (the chunk's first draws).

    Patients within a chunk are exchangeable, so instead of a coin per patient per line
    the number who start line i+1 is drawn as Binomial(number on line i, p_i) and the
    first that-many patients go on. Same distribution, a fraction of the random draws.
    """
    counts = [n]
    for p in spec.proceed:
        counts.append(int(rng.binomial(counts[-1], p)))
    return counts


def _fill_chunk(
    rng: np.random.Generator,
    spec: SequenceSpec,
    counts: list[int],
    os_out: NDArray[np.float64],
    line_outs: list[NDArray[np.float64]],
) -> None:
    """Draw the chunk's event times into the given (contiguous) output slices, in place.

    Event times come from unit exponentials through each curve's inverse cumulative
    hazard; OS is the post-last-line time plus the time on every line reached.
    """
    rng.standard_exponential(out=os_out)
    spec.post.times_from_exponentials(os_out)
    for ls, m, t in zip(spec.lines, counts, line_outs, strict=True):
        rng.standard_exponential(out=t)
        if ls.hazard_ratio != 1.0:  # HR x H(T) = E  <=>  H(T) = E / HR
            t *= 1.0 / ls.hazard_ratio
        ls.curve.times_from_exponentials(t)
        os_out[:m] += t


def simulate_chunk(task: ChunkTask) -> ChunkResult:
    """Simulate one chunk of patients (pure; runs anywhere, same seed -> same arrays)."""
    rng = np.random.Generator(np.random.PCG64(task.seed))
    counts = _line_counts(rng, task.spec, task.n)
    total = np.empty(task.n)
    times = [np.empty(m) for m in counts]
    _fill_chunk(rng, task.spec, counts, total, times)
    return ChunkResult(total, tuple(times))


@dataclass(frozen=True)
class _FillJob:
    spec: SequenceSpec
    rng: np.random.Generator
    counts: list[int]
    os_out: NDArray[np.float64]
    line_outs: list[NDArray[np.float64]]


def _fill_job(job: _FillJob) -> None:
    _fill_chunk(job.rng, job.spec, job.counts, job.os_out, job.line_outs)


def _run_in_place(spec: SequenceSpec, tasks: list[ChunkTask], executor: Executor) -> ChunkResult:
    """The in-process path: the same draws as ``simulate_chunk`` per chunk, written straight
    into the final arrays (no per-chunk arrays to concatenate, a third less memory traffic).

    Each chunk's line counts are drawn first from its own generator, so the output sizes
    are known before anything is allocated; then each generator fills its own disjoint
    slices, in this thread or on a pool of threads (numpy releases the GIL while filling).
    """
    rngs = [np.random.Generator(np.random.PCG64(t.seed)) for t in tasks]
    counts = [_line_counts(rng, t.spec, t.n) for rng, t in zip(rngs, tasks, strict=True)]
    n_lines = len(spec.lines)
    os_all = np.empty(sum(t.n for t in tasks))
    lines_all = [np.empty(sum(c[i] for c in counts)) for i in range(n_lines)]
    jobs: list[_FillJob] = []
    start = 0
    line_start = [0] * n_lines
    for rng, task, cnt in zip(rngs, tasks, counts, strict=True):
        views = [lines_all[i][line_start[i] : line_start[i] + cnt[i]] for i in range(n_lines)]
        jobs.append(_FillJob(task.spec, rng, cnt, os_all[start : start + task.n], views))
        start += task.n
        line_start = [a + b for a, b in zip(line_start, cnt, strict=True)]
    executor.map(_fill_job, jobs)
    return ChunkResult(os_all, tuple(lines_all))


@dataclass
class SimulationSummary:
    sequence_id: str
    label: str
    genotype_class: GenotypeClass | None
    patients: int
    seed: int
    os_median: float
    os_mean: float
    os_quartiles: tuple[float, float]
    os_survival: dict[str, float]
    lines: list[dict[str, object]]
    compare_os_arm: str | None
    compare_os_median: float | None
    difference_months: float | None
    notes: list[str] = field(default_factory=list)
    source_ids: list[str] = field(default_factory=list)
    basis: str = ""
    compare_os_trial: str | None = None  # the compared arm in words (trial, population)

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def run(
    spec: SequenceSpec,
    n: int,
    seed: int,
    executor: Executor | None = None,
    chunk_size: int = DEFAULT_CHUNK,
) -> ChunkResult:
    """All n patients, in chunks with spawned seeds; executor decides where chunks run."""
    sizes = [chunk_size] * (n // chunk_size) + ([n % chunk_size] if n % chunk_size else [])
    children = np.random.SeedSequence(seed).spawn(len(sizes))
    tasks = [ChunkTask(spec, m, s) for m, s in zip(sizes, children, strict=True)]
    executor = executor or SerialExecutor()
    if executor.in_process:
        return _run_in_place(spec, tasks, executor)
    parts = executor.map(simulate_chunk, tasks)
    return ChunkResult(
        np.concatenate([p.os for p in parts]),
        tuple(np.concatenate([p.line_times[i] for p in parts]) for i in range(len(spec.lines))),
    )


def summarise(
    spec: SequenceSpec,
    result: ChunkResult,
    seed: int,
    names: dict[str, str] | None = None,
) -> SimulationSummary:
    """The figures of one run; ``names`` gives each arm id in words (trial and endpoint)
    for the human-readable fields (the ids stay in ``arm`` and ``compare_os_arm``)."""
    names = names or {}
    os_ = result.os
    q25, med, q75 = (float(x) for x in np.percentile(os_, [25, 50, 75]))
    lines: list[dict[str, object]] = []
    for ls, times in zip(spec.lines, result.line_times, strict=True):
        lines.append(
            {
                "line": ls.line,
                "drug": ls.drug,
                "dose_mg_per_day": ls.dose_mg_per_day,
                "arm": ls.arm_id,
                "trial": names.get(ls.arm_id, ls.arm_id),
                "fallback": ls.fallback,
                "reached_fraction": round(times.size / os_.size, 4),
                "median_months_on_line": round(float(np.median(times)), 2) if times.size else None,
                "mean_months_on_line": round(float(times.mean()), 2) if times.size else None,
            }
        )
    diff = None if spec.compare_os_median is None else round(med - spec.compare_os_median, 1)
    compare = names.get(spec.compare_os_arm, spec.compare_os_arm) if spec.compare_os_arm else None
    quote = (
        f"quote the published first-line OS ({compare}, median {spec.compare_os_median:g} months)"
        if spec.compare_os_arm is not None and spec.compare_os_median is not None
        else "quote a published OS arm where one exists"
    )
    return SimulationSummary(
        sequence_id=spec.sequence_id,
        label=spec.label,
        genotype_class=spec.genotype_class,
        patients=int(os_.size),
        seed=seed,
        os_median=round(med, 2),
        os_mean=round(float(os_.mean()), 2),
        os_quartiles=(round(q25, 2), round(q75, 2)),
        os_survival={f"{m}m": round(float((os_ > m).mean()), 4) for m in (12, 24, 60, 120)},
        lines=lines,
        compare_os_arm=spec.compare_os_arm,
        compare_os_median=spec.compare_os_median,
        difference_months=diff,
        compare_os_trial=compare,
        notes=[n.text for n in spec.notes],
        source_ids=list(spec.source_ids),
        basis=(
            "Model, not a trial result: published trial arms chained line by line (lines "
            "independent, trial crossover rates for starting the next line). It shows what "
            f"the sequence adds up to; for a patient's overall survival {quote}."
        ),
    )


def simulate(
    kb: KnowledgeBase,
    *,
    genotype_class: GenotypeClass | None = None,
    sequence_id: str | None = None,
    n: int = 100_000,
    seed: int = 1,
    executor: Executor | None = None,
    chunk_size: int = DEFAULT_CHUNK,
) -> SimulationSummary:
    """A population simulation of the sequence; the published first-line OS is named for
    comparison only where it describes the simulated first line (its own genotype group)."""
    spec = build_sequence(kb, genotype_class=genotype_class, sequence_id=sequence_id)
    if spec.compare_os_arm is not None and not first_line_os_comparable(evidence(kb), spec):
        arm = evidence(kb).arms[spec.compare_os_arm].arm
        note = Note(
            "first_line_os_not_compared",
            f"No published first-line OS for this genotype: {arm.trial} ({arm.group}) "
            "describes another population and is not shown for comparison.",
        )
        spec = dataclasses.replace(
            spec, compare_os_arm=None, compare_os_median=None, notes=(*spec.notes, note)
        )
    ev = evidence(kb)
    ids = {ls.arm_id for ls in spec.lines} | {spec.compare_os_arm} - {None}
    names = {i: _arm_name(ev.arms[i].arm) for i in ids if i is not None and i in ev.arms}
    return summarise(spec, run(spec, n, seed, executor, chunk_size), seed, names)


def _arm_name(arm: Arm) -> str:
    """A published arm in words, as the report names it: "CALGB 150105 (S0033 correlative),
    TTP"."""
    return f"{arm.trial}, {arm.endpoint}"


# --- the plain-Python reference (benchmark baseline and a cross-check) --------------


def _sample_scalar(c: Curve, u: float, hazard_ratio: float = 1.0) -> float:
    h = -math.log(u) / hazard_ratio
    if c.family in ("exponential", "weibull"):
        return float(c.scale * h ** (1.0 / c.shape))
    if c.family == "loglogistic":
        return float(c.scale * math.expm1(h) ** (1.0 / c.shape))
    base = 0.0
    for i, rate in enumerate(c.hazards):
        end = c.knots[i + 1] if i + 1 < len(c.knots) else math.inf
        seg = rate * (end - c.knots[i]) if end != math.inf else math.inf
        if h <= base + seg:
            return c.knots[i] + (h - base) / rate
        base += seg
    return math.inf


@dataclass(frozen=True)
class PythonResult:
    """What ``run`` returns, as plain lists: OS per patient, the time on each line reached."""

    os: list[float]
    line_times: list[list[float]]


def simulate_python(spec: SequenceSpec, n: int, seed: int) -> PythonResult:
    """The same model one patient at a time with the standard library (slow on purpose):
    the benchmark's baseline and a cross-check of the vectorised path. It produces the
    same outputs as ``run`` (OS and every line's times), so the comparison is like for like.
    """
    rnd = random.Random(seed)
    os_: list[float] = []
    line_times: list[list[float]] = [[] for _ in spec.lines]
    k = len(spec.lines)
    for _ in range(n):
        total = 0.0
        for i, ls in enumerate(spec.lines):
            t = _sample_scalar(ls.curve, 1.0 - rnd.random(), ls.hazard_ratio)
            line_times[i].append(t)
            total += t
            if i < k - 1 and rnd.random() >= spec.proceed[i]:
                break
        total += _sample_scalar(spec.post, 1.0 - rnd.random())
        os_.append(total)
    return PythonResult(os_, line_times)
