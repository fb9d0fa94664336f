"""Cold start of the command line, and the report's warm cost (issue 19, items 11-12).

One run measures, side by side, the cold wall time (a new process each time) of

  - ``python -c pass``                    the bare interpreter (baseline of item 11)
  - pydantic floor                          a new interpreter that imports pydantic,
                                            defines one model with one field and prints
                                            it as JSON (as the command runs: plugins off,
                                            no cyclic garbage collector)
  - ``gistcds --help``
  - ``gistcds assess FILE --format json``  (target: <= 15x the bare interpreter)
  - ``... --format json``, bands cold       the same with no stored prognosis results
  - ``... --format json --report x.html``  (target: <= 2x the JSON-only command)
  - ``... --format json --report x.pdf``   (target: <= 4x the JSON-only command)
  - the same, no PDF worker                  ``GISTCDS_PDF_WORKER=0``: WeasyPrint loads in
                                             the process, after the assessment

and, in this process, the warm time of one PDF report (imports, fonts and the
knowledge base already loaded; target <= 0.5 s).

The PDF command forks a child that loads WeasyPrint while the parent assesses the patient
(``gistcds.report.pdf_worker``): its wall time is shorter on two cores, its CPU time (the
child's included, as ``getrusage`` counts children waited for) about the same. The row
without the worker shows what the PDF costs on one core.

The pydantic floor is what any command whose domain is pydantic models (DESIGN.md) pays
before its own work: pydantic's import and the lazy machinery its first model builds. A
line after the table says how much of the 15x budget of "assess json" it leaves.

The commands run round-robin (one of each, then again), so a machine loaded by
other work slows all of them alike, and each figure is the median of the runs;
only the ratios are comparable between machines. CPU time (user + system, from
``getrusage``) is printed beside wall time: on a machine loaded by other work, a
short process waits less for the CPU than a long one, so wall ratios against the
bare interpreter overstate and CPU ratios are the steadier figure. "Cold" means a new interpreter;
the operating system's file cache and gistcds's knowledge-base cache
(``GISTCDS_KB_CACHE``) are warm, as for any second run of the command.

The cache folder is the benchmark's own (``GISTCDS_CACHE_DIR`` in a temporary folder,
filled by one untimed run of each command), not the user's. Beside the knowledge base it
holds the prognosis bands and sequence runs already drawn (``gistcds.knowledge.results``),
so "assess json" is a patient seen before, whose bands are read without numpy. "bands
cold" is a patient not seen before under a knowledge base already compiled: its own cache
folder keeps the knowledge base (and its fitted arms) but its ``results`` subfolder is
deleted before each run (untimed), so every run draws the bands with numpy and stores them.

The package's bytecode is compiled first (``compileall``), as pip does when it
installs a wheel: an editable install under ``PYTHONDONTWRITEBYTECODE=1`` would
otherwise compile every gistcds module at every start (about a fifth of the cold
JSON command). ``--no-compile`` measures without it.

Usage: ``.venv/bin/python benchmarks/bench_startup.py [--no-compile] [runs] [patient.json]``.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EXAMPLE = ROOT / "examples" / "patients" / "metastatic-kit11-untreated.json"
TARGETS = {
    "assess json": 15.0,
    "bands cold": 15.0,
    "report html": 2.0,
    "report pdf": 4.0,
    "pdf, no worker": 4.0,
}
BARE_BASED = ("assess json", "bands cold")  # targets against the bare interpreter
JSON_BUDGET = TARGETS["assess json"]
# pydantic's import and its first model, nothing of gistcds (the "pydantic floor" row); run
# as the command runs: no cyclic garbage collector, plugins off
PYDANTIC_FLOOR = """
import gc, sys
gc.disable()
from pydantic import BaseModel

class Item(BaseModel):
    n: int

sys.stdout.write(Item(n=1).model_dump_json())
"""
# as the command sets it for itself (docs/cli.md "Environment"): a value the user set is kept
PLUGINS_OFF = {"PYDANTIC_DISABLE_PLUGINS": os.environ.get("PYDANTIC_DISABLE_PLUGINS", "__all__")}
WARM_PDF_TARGET_S = 0.5


class Command:
    """One command line, its cache folder, and what to do (untimed) before each run."""

    def __init__(
        self,
        argv: list[str],
        cache: Path,
        before: Callable[[], None] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.argv = argv
        self.env = {**os.environ, "GISTCDS_CACHE_DIR": str(cache), **(env or {})}
        self.before = before


def _commands(patient: Path, tmp: Path) -> dict[str, Command]:
    gistcds = str(BIN / "gistcds")
    assess = [gistcds, "assess", str(patient), "--format", "json"]
    cache, cold = tmp / "cache", tmp / "cache-bands-cold"

    def forget_results() -> None:
        shutil.rmtree(cold / "results", ignore_errors=True)

    return {
        "python -c pass": Command([sys.executable, "-c", "pass"], cache),
        "pydantic floor": Command([sys.executable, "-c", PYDANTIC_FLOOR], cache, env=PLUGINS_OFF),
        "gistcds --help": Command([gistcds, "--help"], cache),
        "assess json": Command(assess, cache),
        "bands cold": Command(assess, cold, forget_results),
        "report html": Command([*assess, "--report", str(tmp / "x.html")], cache),
        "report pdf": Command([*assess, "--report", str(tmp / "x.pdf")], cache),
        "pdf, no worker": Command(
            [*assess, "--report", str(tmp / "y.pdf")], cache, env={"GISTCDS_PDF_WORKER": "0"}
        ),
    }


def _run(cmd: Command) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of ``cmd``."""
    if cmd.before is not None:
        cmd.before()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(
        cmd.argv, env=cmd.env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def cold_medians(cmds: dict[str, Command], runs: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds per command, the commands interleaved run by run."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cmds}
    for cmd in cmds.values():  # one untimed run each: compiled bytecode, caches
        _run(cmd)
    for _ in range(runs):
        for name, cmd in cmds.items():
            times[name].append(_run(cmd))
    return {
        name: (statistics.median(w for w, _ in ts), statistics.median(c for _, c in ts))
        for name, ts in times.items()
    }


def warm_pdf_seconds(patient_path: Path, tmp: Path, runs: int) -> float:
    """Median seconds of one PDF report in a process that has written one before."""
    from gistcds.assess import assess
    from gistcds.io.patient_json import load_patient
    from gistcds.knowledge import load_kb
    from gistcds.report.html import write_report

    kb = load_kb()
    assessment = assess(load_patient(str(patient_path)), kb)
    out = tmp / "warm.pdf"
    write_report(out, assessment, kb)  # imports, fonts, templates
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        write_report(out, assessment, kb)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def compile_package() -> None:
    """Bytecode for every gistcds module, as a wheel install has."""
    import compileall

    import gistcds

    compileall.compile_dir(Path(gistcds.__file__).parent, quiet=1)


def budget_line(
    bare: tuple[float, float], floor: tuple[float, float], json_only: tuple[float, float]
) -> str:
    """What the 15x budget of "assess json" leaves after the pydantic floor (wall; CPU)."""
    parts = []
    for i, what in ((0, "wall"), (1, "cpu")):
        budget, left = JSON_BUDGET * bare[i], (JSON_BUDGET * bare[i] - floor[i])
        own = json_only[i] - floor[i]
        parts.append(
            f"{what}: budget {budget * 1000:.0f} ms, floor {floor[i] * 1000:.0f} ms"
            f" ({floor[i] / bare[i]:.1f}x), left {left * 1000:.0f} ms"
            f" ({left / bare[i]:.1f}x); assess json spends {own * 1000:.0f} ms"
            f" ({own / bare[i]:.1f}x) beyond the floor"
        )
    return f"{JSON_BUDGET:g}x budget of assess json after the pydantic floor: " + "; ".join(parts)


def main() -> None:
    args = sys.argv[1:]
    compiled = "--no-compile" not in args
    args = [a for a in args if a != "--no-compile"]
    runs = int(args[0]) if args else 7
    patient = Path(args[1]) if len(args) > 1 else EXAMPLE
    if compiled:
        compile_package()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        med = cold_medians(_commands(patient, tmp), runs)
        warm = warm_pdf_seconds(patient, tmp, max(3, runs // 2))
    how = "bytecode precompiled" if compiled else "bytecode as found"
    print(f"cold start, {patient.name}: median of {runs} interleaved runs ({how})")
    print(
        f"{'command':16} {'wall ms':>8} {'x bare':>7} {'x json':>7}"
        f" {'cpu ms':>8} {'x bare':>7} {'x json':>7}  target (on wall; cpu in brackets)"
    )
    bare, json_only = med["python -c pass"], med["assess json"]
    for name, (wall, cpu) in med.items():
        target = TARGETS.get(name)
        base = bare if name in BARE_BASED else json_only
        met = ""
        if target is not None:
            met = f"<= {target:g}x {'bare' if base is bare else 'json'}: "
            met += "met" if wall / base[0] <= target else "NOT met"
            met += " (met)" if cpu / base[1] <= target else " (NOT met)"
        print(
            f"{name:16} {wall * 1000:8.0f} {wall / bare[0]:7.1f} {wall / json_only[0]:7.2f}"
            f" {cpu * 1000:8.0f} {cpu / bare[1]:7.1f} {cpu / json_only[1]:7.2f}  {met}"
        )
    print(budget_line(bare, med["pydantic floor"], json_only))
    verdict = "met" if warm <= WARM_PDF_TARGET_S else "NOT met"
    print(f"warm in-process PDF report: {warm * 1000:.0f} ms (<= 500 ms: {verdict})")


if __name__ == "__main__":
    main()
