"""``cohort score`` against the I/O floor: pyarrow's own CSV read + Parquet write, same file.

Writes a registry CSV of N rows (the eight risk columns, values as registries write them),
then times, alternately and several times each, in this process:

- floor: ``pyarrow.csv.read_csv`` + ``pyarrow.parquet.write_table`` of the same file;
- score: ``gistcds.cohort.score.run`` (read, validate every cell, score every system,
  write input + scored columns to Parquet);
- whole: the same, but the table read whole first and then scored and written
  (``pipeline.run_local``, the path ``--skip-invalid`` takes), for comparison;

and prints the medians and their ratio (target <= 1.5), then each phase of both run alone
(floor: read, write; score: read in pieces, validate + score, repeated ids, write) with its
CPU as a fraction of the floor's, so the remaining difference can be attributed. The
knowledge base is loaded once before timing (``gistcds`` loads it once per process; its
load time is printed apart), and the end-to-end CLI run (interpreter start included) is
printed for reference.

Usage: python benchmarks/bench_cohort_score.py [ROWS] [REPEATS]
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from gistcds.cohort import pipeline, tableio
from gistcds.cohort.score import repeats, run, score_slice
from gistcds.knowledge import KnowledgeBase, load_kb


def _cpu() -> float:
    """CPU seconds used by this process so far (user + system, every thread)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def make_csv(path: Path, n: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    sites = np.array(["stomach", "jejunum_ileum", "duodenum", "rectum", "colon", "omentum", ""])
    df = pd.DataFrame(
        {
            "id": np.char.add("P", np.arange(n).astype(str)),
            "site": rng.choice(sites, n, p=[0.5, 0.25, 0.06, 0.05, 0.04, 0.05, 0.05]),
            "size_cm": np.round(rng.lognormal(np.log(5), 0.8, n).clip(0.2, 40), 1).astype(str),
            "mitoses": np.floor(rng.lognormal(1.1, 1.2, n).clip(0, 1000)).astype(int).astype(str),
            "mitoses_per": rng.choice(["5mm2", "50hpf"], n),
            "rupture": rng.choice(["false", "true", "", "no"], n, p=[0.7, 0.05, 0.2, 0.05]),
            "nodes": rng.choice(["", "N0", "N1", "NX"], n, p=[0.6, 0.3, 0.02, 0.08]),
            "metastatic": rng.choice(["false", "true", ""], n, p=[0.75, 0.15, 0.1]),
        }
    )
    df.to_csv(path, index=False)


def floor(src: Path, out: Path) -> None:
    pq.write_table(pacsv.read_csv(src), out)


def score(src: Path, out: Path) -> None:
    with contextlib.redirect_stderr(io.StringIO()):
        run(src, out)


def whole(src: Path, out: Path) -> None:
    pipeline.run_local(tableio.read_path(src), out, "parquet", load_kb(), False)


def _timed(fn: Callable[[], object], repeats_: int) -> tuple[float, float, object]:
    """(median wall, median CPU, last result) of ``fn``."""
    walls, cpus, out = [], [], None
    for _ in range(repeats_):
        c, t = _cpu(), time.perf_counter()
        out = fn()
        walls.append(time.perf_counter() - t)
        cpus.append(_cpu() - c)
    return statistics.median(walls), statistics.median(cpus), out


Phase = tuple[str, float, float]


def phases(src: Path, tmp: Path, kb: KnowledgeBase, repeats_: int) -> list[Phase]:
    """Each phase of ``cohort score`` run alone, in the pipeline's own slices, beside the
    floor's two phases: (name, median wall, median CPU). Run alone, nothing overlaps."""
    fl_read = _timed(lambda: pacsv.read_csv(src), repeats_)
    table = fl_read[2]
    fl_write = _timed(lambda: pq.write_table(table, tmp / "p_floor.parquet"), repeats_)
    read = _timed(lambda: list(tableio.iter_batches(src, pipeline.LOCAL_SLICE_ROWS)), repeats_)
    slices = read[2]
    scored = _timed(lambda: [score_slice(t, kb, 2) for t in slices], repeats_)
    ids = pa.chunked_array([c for t in slices for c in t.column("id").chunks])
    dup = _timed(lambda: repeats(ids, len(ids)), repeats_)

    def write() -> None:
        w = pipeline.Writer(tmp / "p_score.parquet", "parquet")
        for part in scored[2]:
            w.write(part.table)
        w.close()

    wrote = _timed(write, repeats_)
    return [
        ("floor: read_csv (type inference)", fl_read[0], fl_read[1]),
        ("floor: write_table (8 columns)", fl_write[0], fl_write[1]),
        ("score: read in pieces (text, 7 dictionary)", read[0], read[1]),
        ("score: validate + score (all slices)", scored[0], scored[1]),
        ("score: repeated ids (one sort)", dup[0], dup[1]),
        ("score: write (8 input + 10 scored columns)", wrote[0], wrote[1]),
    ]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    t0 = time.perf_counter()
    load_kb()
    kb_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "registry.csv"
        make_csv(src, n)
        size_mb = src.stat().st_size / 1e6
        times: dict[str, list[float]] = {"floor": [], "score": [], "whole": []}
        cpu: dict[str, list[float]] = {"floor": [], "score": [], "whole": []}
        for _ in range(repeats):
            for name, fn in (("floor", floor), ("score", score), ("whole", whole)):
                c, t = _cpu(), time.perf_counter()
                fn(src, Path(tmp) / f"{name}.parquet")
                times[name].append(time.perf_counter() - t)
                cpu[name].append(_cpu() - c)
        med = {k: statistics.median(v) for k, v in times.items()}
        med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
        t = time.perf_counter()
        cli = Path(sys.executable).with_name("gistcds")
        subprocess.run(
            [str(cli), "cohort", "score", str(src), "--out", str(Path(tmp) / "cli.parquet")],
            check=True,
            capture_output=True,
        )
        cli_s = time.perf_counter() - t
        parts = phases(src, Path(tmp), load_kb(), repeats)
    print(f"rows {n:,} ({size_mb:.0f} MB CSV), {repeats} alternating runs, medians:")
    print(f"  floor: pyarrow read_csv + write_table   {med['floor']:.3f} s")
    print(f"  cohort score (read, validate, score)    {med['score']:.3f} s")
    print(
        f"  ratio score / floor                     {med['score'] / med['floor']:.2f}"
        " (target <= 1.5)"
    )
    print(
        f"  CPU seconds (all threads): floor {med_cpu['floor']:.2f},"
        f" score {med_cpu['score']:.2f}, ratio {med_cpu['score'] / med_cpu['floor']:.2f}"
    )
    print(
        f"  read whole first, then score (--skip-invalid path) {med['whole']:.3f} s,"
        f" ratio {med['whole'] / med['floor']:.2f}, CPU ratio"
        f" {med_cpu['whole'] / med_cpu['floor']:.2f}"
    )
    print(f"  load average during the run            {os.getloadavg()[0]:.1f} (2 cores)")
    print(f"  knowledge base load, once per process   {kb_s:.3f} s (not in the ratio)")
    print(f"  CLI end to end (interpreter, imports)   {cli_s:.3f} s")
    print(f"  throughput                              {n / med['score'] / 1e6:.2f} M rows/s")
    print("  (2 shared cores: other engineers' jobs may run at the same time)")
    floor_cpu = parts[0][2] + parts[1][2]
    print("phases run one at a time (medians; ratio = CPU / floor's read + write CPU):")
    for name, wall, cpu_s in parts:
        print(f"  {name:44} wall {wall:6.3f} s  CPU {cpu_s:6.3f} s  {cpu_s / floor_cpu:5.2f}")
    total = sum(p[2] for p in parts[2:])
    print(f"  {'score phases, summed':44} {'':15} CPU {total:6.3f} s  {total / floor_cpu:5.2f}")


if __name__ == "__main__":
    main()
