"""The plain ``assess`` route ends its process without the interpreter's teardown
(``cli_base.exit_now``): nothing written may be lost, exit handlers still run, the exit
status is the command's, and an in-process ``main(argv)`` caller keeps its process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLES

GISTCDS = str(Path(sys.executable).parent / "gistcds")
PATIENT = str(EXAMPLES / "metastatic-kit11-untreated.json")


def _buffered_env() -> dict[str, str]:
    """Block-buffered stdout (a file or pipe, PYTHONUNBUFFERED unset): what exit_now must
    flush before it ends the process."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def test_exit_now_runs_exit_handlers_flushes_and_keeps_the_status() -> None:
    code = (
        "import atexit, sys\n"
        "from gistcds.cli_base import exit_now\n"
        "atexit.register(lambda: print('handler', end=''))\n"
        "print('out ', end='')\n"
        "print('err', end='', file=sys.stderr)\n"
        "exit_now(3)\n"
        "print('never')\n"
    )
    p = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_buffered_env()
    )
    assert (p.returncode, p.stdout, p.stderr) == (3, "out handler", "err")


def test_console_script_json_is_complete_and_equals_the_in_process_route() -> None:
    whole = subprocess.run(
        [GISTCDS, "assess", PATIENT, "--format", "json"],
        capture_output=True,
        text=True,
        env=_buffered_env(),
        timeout=120,
    )
    code = (
        "from gistcds.cli import main\n"
        f"try:\n    main(['assess', {PATIENT!r}, '--format', 'json'])\n"
        "except SystemExit as exc:\n    print('exit', exc.code)\n"
    )
    in_process = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_buffered_env()
    )
    assert whole.returncode == 0, whole.stderr
    assert json.loads(whole.stdout)["patient_id"]
    # main(argv) raises SystemExit as before (the caller's code after it still runs)
    assert in_process.stdout == whole.stdout + "exit 0\n"


def test_console_script_input_error_keeps_exit_2_and_its_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x", "age": -3}')
    p = subprocess.run(
        [GISTCDS, "assess", str(bad), "--format", "json"],
        capture_output=True,
        text=True,
        env=_buffered_env(),
        timeout=120,
    )
    assert (p.returncode, p.stdout) == (2, "")
    assert p.stderr.split() == ["age:", "unknown", "field,", "got", "-3"]


def test_console_script_report_and_leaflet_files_are_complete(tmp_path: Path) -> None:
    report, leaflet = tmp_path / "r.html", tmp_path / "l.html"
    args = ["assess", PATIENT, "--format", "json", "--report", str(report)]
    p = subprocess.run(
        [GISTCDS, *args, "--leaflet", str(leaflet)],
        capture_output=True,
        text=True,
        env=_buffered_env(),
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["patient_id"]
    assert p.stderr.splitlines() == [f"report written: {report}", f"leaflet written: {leaflet}"]
    for page in (report, leaflet):
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>")
