"""Exit codes and streams (issue 19 item 8, CONTRACT.md "Commands"): an output path that
cannot be written is the user's error (exit 2, the path named), a closed pipe is not an
error, a missing folder is created only on request, an unreachable Dask scheduler fails
quickly and clearly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

GISTCDS = str(Path(sys.executable).parent / "gistcds")
PATIENT = str(EXAMPLES / "metastatic-kit11-untreated.json")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([GISTCDS, *args], capture_output=True, text=True, timeout=120)


def test_report_into_a_missing_folder_is_refused_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "report.html"
    p = run("assess", PATIENT, "--report", str(out))
    assert p.returncode == 2
    assert p.stdout == ""  # refused before the assessment is printed
    assert p.stderr.splitlines() == [
        f"--report: {out}: folder {out.parent} does not exist (create it, or add --mkdir)"
    ]
    assert not out.parent.exists()


def test_mkdir_creates_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "new" / "report.html"
    leaflet = tmp_path / "other" / "leaflet.html"
    p = run(
        "assess", PATIENT, "--format", "json", "--report", str(out), "--leaflet", str(leaflet),
        "--mkdir",
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    assert out.read_text().startswith("<!DOCTYPE html") or "<html" in out.read_text()
    assert leaflet.is_file()
    assert f"report written: {out}" in p.stderr  # json keeps stdout clean


@pytest.mark.parametrize("option", ["--report", "--leaflet"])
def test_unwritable_output_is_a_user_error_naming_the_path(tmp_path: Path, option: str) -> None:
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    out = a_file / "report.html"  # a "folder" that is a file
    p = run("assess", PATIENT, option, str(out))
    assert p.returncode == 2, p.stderr
    assert p.stderr.splitlines() == [f"{option}: {out}: {a_file} is not a folder"]
    assert "internal error" not in p.stderr


def test_refusal_at_write_time_is_a_user_error(tmp_path: Path) -> None:
    """/proc accepts no new files, even for root (for whom permission checks pass)."""
    p = run("assess", PATIENT, "--format", "json", "--report", "/proc/gistcds-report.html")
    assert p.returncode == 2, p.stderr
    assert p.stderr.startswith("--report: /proc/gistcds-report.html: cannot write (")
    assert "internal error" not in p.stderr


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_refusal_by_the_system_is_found_before_any_work(fmt: str) -> None:
    """As root, permission checks pass for /proc and the terminal report used to be
    printed before the write failed; the folder is now tried before the assessment."""
    p = run("assess", PATIENT, "--format", fmt, "--report", "/proc/gistcds-report.html")
    assert (p.returncode, p.stdout) == (2, ""), p.stderr
    (line,) = p.stderr.splitlines()
    assert line.startswith("--report: /proc/gistcds-report.html: cannot write")


def test_report_path_that_is_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "r.html"
    folder.mkdir()
    p = run("assess", PATIENT, "--report", str(folder))
    assert (p.returncode, p.stderr.strip()) == (
        2,
        f"--report: {folder}: is a folder, expected a file name",
    )


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_closed_pipe_exits_0_quietly(fmt: str) -> None:
    """`gistcds assess FILE | head -1`: the reader is gone before the first write."""
    proc = subprocess.Popen(
        [GISTCDS, "assess", PATIENT, "--format", fmt],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0
    assert err == b""


def test_closed_pipe_for_help_exits_0() -> None:
    proc = subprocess.Popen(
        [GISTCDS, "cohort", "score", "-h"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    assert (proc.wait(timeout=120), err) == (0, b"")


def test_unreachable_scheduler_fails_fast_and_clearly() -> None:
    pytest.importorskip("distributed")
    p = run("simulate", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9", "--patients", "10")
    assert p.returncode == 2, p.stderr
    assert p.stderr.startswith("--scheduler: cannot reach a Dask scheduler at 'tcp://127.0.0.1:9'")
    # the wait is ours (Dask's own default is 30 s); not timed here: a loaded CI box is slow
    assert "within 5 s" in p.stderr
