"""The command line's PDF worker (report/pdf_worker.py): a child that loads WeasyPrint
while the parent assesses, then renders the report. It must give the very same PDF, end
when it is not needed, and never be the reason a PDF is missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gistcds.report import pdf_worker

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the worker forks (Linux)")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "patients" / "metastatic-kit11-untreated.json"
HTML = (
    '<html xmlns="http://www.w3.org/1999/xhtml"><head><style>p { color: #123456 }</style>'
    "</head><body><p>GIST report test page</p></body></html>"
)


# Each scenario runs in a new interpreter: the worker refuses to fork a process that runs
# other threads, as a pytest-xdist worker does.
_SCENARIO = """
import os, signal, sys
from gistcds.report import pdf, pdf_worker

HTML = sys.argv[2]

def gone(pid):
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False

def same():
    w = pdf_worker.start()
    ok = w.render(HTML) == pdf.html_to_pdf(HTML)
    return ok and gone(w._pid) and w.render(HTML) is None  # one document per worker

def closed():
    w = pdf_worker.start()
    w.close()
    w.close()  # twice is harmless
    return gone(w._pid)

def killed():
    w = pdf_worker.start()
    os.kill(w._pid, signal.SIGKILL)
    return w.render(HTML) is None and gone(w._pid)

def failing():
    def fail(html):
        raise RuntimeError("no fonts")
    pdf.html_to_pdf = fail  # the child is a copy of this process
    w = pdf_worker.start()
    return w.render(HTML) is None

def threaded():
    import threading
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        return pdf_worker.start() is None
    finally:
        stop.set()
        t.join()

print({"same": same, "closed": closed, "killed": killed, "failing": failing,
       "threaded": threaded}[sys.argv[1]]())
"""


@pytest.mark.parametrize("scenario", ["same", "closed", "killed", "failing", "threaded"])
def test_worker(scenario: str) -> None:
    """same: the child's PDF is the in-process PDF, byte for byte; closed: an unused worker
    ends; killed: a dead child answers None (the caller renders in-process); failing: a
    render failing in the child answers None; threaded: no fork beside other threads."""
    run = subprocess.run(
        [sys.executable, "-c", _SCENARIO, scenario, HTML],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "True", (run.stdout, run.stderr)


def test_switched_off_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GISTCDS_PDF_WORKER", "0")
    assert pdf_worker.start() is None


def test_the_command_writes_the_same_pdf_with_and_without_it(tmp_path: Path) -> None:
    """And its standard output stays the parent's: one JSON document, nothing else."""
    gistcds = [sys.executable, "-m", "gistcds", "assess", str(EXAMPLE), "--format", "json"]
    outs = {}
    for flag in ("1", "0"):
        out = tmp_path / f"w{flag}.pdf"
        env = {**os.environ, "GISTCDS_PDF_WORKER": flag}
        run = subprocess.run(
            [*gistcds, "--report", str(out)], env=env, capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["schema_version"] == "1"
        assert run.stderr.strip() == f"report written: {out}"
        outs[flag] = out.read_bytes()
    assert outs["1"] == outs["0"]
    assert outs["1"].startswith(b"%PDF")


_SIDE = """
import json, sys
import gistcds.cli, gistcds.cli_assess, gistcds.report.pdf_worker  # the state at the fork
before = set(sys.modules)
if sys.argv[1] == "child":
    from gistcds.report import pdf
    from gistcds.report.assets import report_css
    pdf.warm_up(report_css())
    pdf.html_to_pdf(sys.argv[3])
else:
    from gistcds.assess import assess
    from gistcds.io.patient_json import load_patient
    from gistcds.knowledge import load_kb
    from gistcds.report.html import render_html
    from gistcds.report.model import build_report
    kb = load_kb()
    assessment = assess(load_patient(sys.argv[2]), kb)
    assessment.model_dump_json()
    render_html(build_report(assessment, kb, None), for_pdf=True)
print(json.dumps({"before": sorted(before), "new": sorted(set(sys.modules) - before)}))
"""


def test_the_modules_imported_before_the_fork_are_the_ones_both_sides_import() -> None:
    """Each module the parent imports before forking is one that neither process had at
    the fork and both would import after it: the child for WeasyPrint, the parent for the
    assessment and the HTML. A module one side no longer needs fails here (and leaves the
    list, or it would cost the other side an import it does not need)."""
    sides = {}
    for side in ("child", "parent"):
        done = subprocess.run(
            [sys.executable, "-c", _SIDE, side, str(EXAMPLE), HTML],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        sides[side] = json.loads(done.stdout.strip().splitlines()[-1])
    for name in pdf_worker.SHARED_MODULES:
        assert name not in sides["child"]["before"], name
        assert name in sides["child"]["new"], f"{name}: WeasyPrint's side does not import it"
        assert name in sides["parent"]["new"], f"{name}: the assessment's side does not import it"
