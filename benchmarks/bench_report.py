"""Report cost per patient: HTML and PDF generation against ``assess`` alone, same run.

For every bundled example (and the synthetic full case from the tests, which has
all six figures) it prints the median wall time of:
  - ``assess``               the engines only (the baseline),
  - ``text``                 the rich terminal report (to a null console),
  - ``html``                 content model + up to six SVG figures + Jinja2,
  - ``pdf``                  WeasyPrint from that HTML (HTML time not included),
and each as a ratio to ``assess``. One-off import costs (report modules + jinja2,
weasyprint) are measured first and reported separately, since a CLI run pays them
once. Usage: ``.venv/bin/python benchmarks/bench_report.py [runs]``.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "patients").glob("*.json"))


def _pages(pdf: bytes) -> int:
    """Page count, from pdfinfo when present (object streams hide /Type /Page)."""
    import shutil
    import subprocess
    import tempfile

    if not shutil.which("pdfinfo"):
        return -1
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        out = subprocess.run(["pdfinfo", fh.name], capture_output=True, text=True).stdout
    return int(next((ln.split()[-1] for ln in out.splitlines() if ln.startswith("Pages:")), -1))


def median_ms(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def once_ms(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    from gistcds.assess import assess
    from gistcds.io.patient_json import load_patient
    from gistcds.knowledge import load_kb

    kb = load_kb()
    t_mod = once_ms(
        lambda: __import__("gistcds.report.plots") and __import__("gistcds.report.html")
    )
    t_jinja = once_ms(lambda: __import__("jinja2"))
    t_weasy = once_ms(lambda: __import__("weasyprint"))
    print(
        f"one-off imports: report modules {t_mod:.0f} ms, jinja2 {t_jinja:.0f} ms, "
        f"weasyprint {t_weasy:.0f} ms"
    )

    from rich.console import Console

    from gistcds.report.html import html_to_pdf, render_html
    from gistcds.report.model import build_report
    from gistcds.report.text import render_text

    cases: list[tuple[str, Callable[[], Any]]] = []
    for path in EXAMPLES:
        patient = load_patient(str(path))
        cases.append((path.stem, lambda p=patient: assess(p, kb)))
    sys.path.insert(0, str(ROOT / "tests"))
    from test_report_model import full_case

    fa, fkb = full_case()
    cases.append(("synthetic-full (6 figures)", lambda: fa))

    header = (
        f"{'patient':30} {'assess ms':>9} {'text ms':>8} {'html ms':>8} {'pdf ms':>8}"
        f" {'text/a':>7} {'html/a':>7} {'pdf/a':>7} {'pages':>5}"
    )
    print(f"\nmedian of {runs} runs each (warm: imports and fonts already loaded)")
    print(header)
    print("-" * len(header))
    ratios_html, ratios_pdf = [], []
    for name, run_assess in cases:
        case_kb = fkb if name.startswith("synthetic") else kb
        t_assess = median_ms(run_assess, runs * 4)
        if name.startswith("synthetic"):
            # the synthetic case has no engine run; use the slowest example's assess
            t_assess = max(
                median_ms(lambda p=p: assess(p, kb), runs * 4)
                for p in (load_patient(str(x)) for x in EXAMPLES)
            )
        assessment = run_assess()
        data = build_report(assessment, case_kb)
        t_text = median_ms(
            lambda d=data: render_text(d, Console(width=100, file=io.StringIO())), runs
        )
        t_html = median_ms(lambda a=assessment, k=case_kb: render_html(build_report(a, k)), runs)
        html = render_html(data, for_pdf=True)  # the HTML the PDF is made from
        t_pdf = median_ms(lambda h=html: html_to_pdf(h), runs)
        pages = _pages(html_to_pdf(html))
        ratios_html.append(t_html / t_assess)
        ratios_pdf.append(t_pdf / t_assess)
        print(
            f"{name[:30]:30} {t_assess:9.2f} {t_text:8.1f} {t_html:8.1f} {t_pdf:8.1f}"
            f" {t_text / t_assess:7.0f} {t_html / t_assess:7.0f} {t_pdf / t_assess:7.0f}"
            f" {pages:5d}"
        )
    print(
        f"\nin process: html/assess median {statistics.median(ratios_html):.0f}x, "
        f"pdf/assess median {statistics.median(ratios_pdf):.0f}x"
    )
    cli(runs)


def cli(runs: int) -> None:
    """Whole command, imports included: what a user waits for."""
    import subprocess
    import tempfile

    gistcds = str(Path(sys.executable).parent / "gistcds")
    example = str(ROOT / "examples" / "patients" / "metastatic-kit11-untreated.json")
    with tempfile.TemporaryDirectory() as tmp:
        cases = {
            "assess --format json": [gistcds, "assess", example, "--format", "json"],
            "assess --report r.html": [gistcds, "assess", example, "--report", f"{tmp}/r.html"],
            "assess --report r.pdf": [gistcds, "assess", example, "--report", f"{tmp}/r.pdf"],
        }
        print(f"\nCLI end to end, {example.rsplit('/', 1)[-1]} (median of {runs} runs)")
        base = None
        for name, cmd in cases.items():
            t = median_ms(lambda c=cmd: subprocess.run(c, check=True, capture_output=True), runs)
            base = base or t
            print(f"{name:28} {t:8.0f} ms {t / base:6.2f}x")


if __name__ == "__main__":
    main()
