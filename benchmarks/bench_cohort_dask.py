"""10 M synthetic rows through ``cohort score`` and ``cohort survival`` on Dask, with memory.

Generates (once, kept in ``$GISTCDS_BENCH_DIR`` or a temporary folder) a synthetic registry
of N rows as Parquet with ``gistcds cohort synth``, then runs as separate processes, each
on a local Dask cluster of 2 single-threaded worker processes:

- ``cohort score REGISTRY --engine dask --out scored.parquet``
- ``cohort survival REGISTRY --time os_months --event os_event --by genotype_class
  --engine dask --out km.json``

and prints wall time, rows per second and peak memory: the largest resident set of the
process tree summed over the client and its workers (sampled every 0.2 s with psutil) and
the largest single process. As a baseline measured in the same run, the size of the input
file and of the scored output are printed beside the peaks, and the pandas engine's
survival on the same file for the ratio Dask / pandas.

The machine has 2 cores shared with other engineers' jobs: the figures are what this
machine gave at that moment, not the engine's best. Usage:
python benchmarks/bench_cohort_dask.py [ROWS]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil


def _tree_rss(proc: psutil.Process) -> tuple[int, int]:
    """(sum, max) resident set size over the process and its descendants."""
    total = biggest = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0
    for p in procs:
        try:
            rss = p.memory_info().rss
        except psutil.NoSuchProcess:
            continue
        total += rss
        biggest = max(biggest, rss)
    return total, biggest


def measure(args: list[str]) -> tuple[float, int, int, str]:
    """Wall seconds, peak summed RSS, peak single RSS, stderr tail of one command."""
    t = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    proc = psutil.Process(child.pid)
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            total, biggest = _tree_rss(proc)
            peak[0], peak[1] = max(peak[0], total), max(peak[1], biggest)
            time.sleep(0.2)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, err = child.communicate()
    done.set()
    th.join()
    wall = time.perf_counter() - t
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err[-2000:]}")
    return wall, peak[0], peak[1], err.strip().splitlines()[-1] if err.strip() else ""


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    cli = str(Path(sys.executable).with_name("gistcds"))
    folder = Path(os.environ.get("GISTCDS_BENCH_DIR") or tempfile.mkdtemp(prefix="gistcds-"))
    folder.mkdir(parents=True, exist_ok=True)
    registry = folder / f"synthetic-{n}.parquet"
    if not registry.exists():
        t = time.perf_counter()
        subprocess.run([cli, "cohort", "synth", "--n", str(n), "--seed", "18", "--out",
                        str(registry)], check=True, capture_output=True)  # fmt: skip
        print(f"generated {n:,} synthetic rows in {time.perf_counter() - t:.0f} s")
    mb = registry.stat().st_size / 1e6
    print(f"registry: {n:,} rows, {mb:.0f} MB Parquet ({registry})")
    common = ["--engine", "dask", "--workers", "2"]
    runs = {
        "score (dask)": [cli, "cohort", "score", str(registry), "--out",
                         str(folder / "scored.parquet"), *common],
        "survival (dask)": [cli, "cohort", "survival", str(registry), "--time", "os_months",
                            "--event", "os_event", "--by", "genotype_class", "--out",
                            str(folder / "km.json"), *common],
        "survival (pandas)": [cli, "cohort", "survival", str(registry), "--time", "os_months",
                              "--event", "os_event", "--by", "genotype_class", "--out",
                              str(folder / "km-pandas.json")],
    }  # fmt: skip
    results = {}
    for name, args in runs.items():
        wall, total, biggest, tail = measure(args)
        results[name] = wall
        print(
            f"  {name:18s} {wall:7.1f} s  {n / wall / 1e6:5.2f} M rows/s  peak RSS "
            f"{total / 2**30:5.2f} GiB (all processes), {biggest / 2**30:5.2f} GiB "
            f"(largest)  {tail}"
        )
    same = (folder / "km.json").read_text() == (folder / "km-pandas.json").read_text()
    ratio = results["survival (dask)"] / results["survival (pandas)"]
    print(f"  survival dask / pandas: {ratio:.2f} (identical output: {same})")
    out_mb = (folder / "scored.parquet").stat().st_size / 1e6
    print(
        f"  scored output {out_mb:.0f} MB; load average {os.getloadavg()[0]:.1f} on 2 shared cores"
    )


if __name__ == "__main__":
    main()
