"""`gistcds assess FILE --report OUT.html|OUT.pdf` end to end, and anonymity of the output.

The input file is deliberately named after a person: no report (text, HTML, PDF
text or metadata) may show anything that identifies the patient except ``id``.
"""

from __future__ import annotations

import getpass
import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "patients" / "progression-after-imatinib.json"
GISTCDS = [sys.executable, "-m", "gistcds.cli"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GISTCDS, *args], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def identifying_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("Doe_Jane_1961-04-17_MRN-55512")
    path = folder / "Jane-Doe-MRN55512.json"
    data = json.loads(EXAMPLE.read_text())
    data["id"] = "anon-7f3a"
    path.write_text(json.dumps(data))
    return path


def _forbidden() -> list[str]:
    words = ["Jane", "Doe", "MRN", "55512", "1961-04-17"]
    user = getpass.getuser()
    host = socket.gethostname()
    # the account and machine that made the report are not part of it either
    return [*words, *(x for x in (user, host) if len(x) > 3 and x not in ("root",))]


def test_html_and_pdf_written_and_paths_printed(identifying_input: Path, tmp_path: Path) -> None:
    html, pdf = tmp_path / "out" / "r.html", tmp_path / "out" / "r.pdf"
    proc = _run(
        "assess", str(identifying_input), "--report", str(html), "--report", str(pdf), "--mkdir"
    )
    assert proc.returncode == 0, proc.stderr
    assert html.stat().st_size > 5000
    assert pdf.read_bytes().startswith(b"%PDF-")
    lines = proc.stdout.strip().splitlines()
    assert lines[-2:] == [f"report written: {html}", f"report written: {pdf}"]
    # the terminal report precedes the paths and carries the disclaimer
    assert "not a medical device" in proc.stdout
    text_sources = [proc.stdout, proc.stderr, html.read_text()]
    if shutil.which("pdftotext") and shutil.which("pdfinfo"):
        text_sources.append(
            subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        )
        text_sources.append(
            subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        )
    assert all("anon-7f3a" in text for text in text_sources[:1] + text_sources[2:4])
    for text in text_sources:
        for word in _forbidden():
            assert word not in text, word


def test_json_format_keeps_stdout_parseable(identifying_input: Path, tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    proc = _run("assess", str(identifying_input), "--format", "json", "--report", str(html))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["patient_id"] == "anon-7f3a"
    assert f"report written: {html}" in proc.stderr
    assert html.exists()


def test_unknown_report_suffix_is_an_input_error(tmp_path: Path) -> None:
    out = tmp_path / "r.docx"
    proc = _run("assess", str(EXAMPLE), "--report", str(out))
    assert proc.returncode == 2
    assert proc.stderr.startswith("--report: must end in .html or .pdf")
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_report_modules_are_imported_only_when_asked() -> None:
    code = (
        "import sys; from gistcds.cli import main\n"
        f"try:\n    main(['assess', {str(EXAMPLE)!r}, '--format', 'json'])\n"
        "except SystemExit:\n    pass\n"
        "heavy = [m for m in ('matplotlib', 'weasyprint', 'jinja2') if m in sys.modules]\n"
        "print('heavy:' + ','.join(heavy), file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stderr.strip().splitlines()[-1] == "heavy:", proc.stderr
