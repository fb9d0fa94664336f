"""Usage errors (a bad option value, an unknown option, a missing argument) read as the
CLI's own errors (docs/cli.md): one ``where: what`` line on stderr, exit 2; never typer's
boxed panel with the usage above it. Worded in one place (``cli_common.usage_problem``)
for every command and group."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from gistcds.cli import build_app

GISTCDS = str(Path(sys.executable).parent / "gistcds")


def _invoke(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(build_app(), list(args), prog_name="gistcds", env={"COLUMNS": "80"})
    return res.exit_code, res.stdout, res.stderr


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["simulate", "--patients", "abc"], "--patients: must be a whole number, got 'abc'"),
        (["simulate", "--patients", "0"], "--patients: must be >= 1, got '0'"),
        (
            ["simulate", "--engine", "foo"],
            "--engine: must be one of serial, threads, dask, got 'foo'",
        ),
        (["simulate", "--format", "xyz"], "--format: must be one of text, json, got 'xyz'"),
        (["simulate", "--patients"], "--patients: needs a value"),
        (
            ["simulate", "extra"],
            "gistcds simulate: unexpected extra argument(s): extra (see 'gistcds simulate -h')",
        ),
        (
            ["cohort", "score", "--format", "xyz", "t.csv"],
            "--format: gistcds cohort score has no such option (see 'gistcds cohort score -h')",
        ),
        (["cohort", "score"], "TABLE: required (see 'gistcds cohort score -h')"),
        (["nosuch"], "gistcds: no such command 'nosuch' (see 'gistcds -h')"),
        (
            ["cohort", "nosuch"],
            "gistcds cohort: no such command 'nosuch' (see 'gistcds cohort -h')",
        ),
        (["--bogus"], "--bogus: gistcds has no such option (see 'gistcds -h')"),
    ],
)
def test_usage_error_is_one_plain_line(args: list[str], line: str) -> None:
    code, out, err = _invoke(*args)
    assert (code, out, err.splitlines()) == (2, "", [line])


def test_the_installed_command_says_the_same() -> None:
    """Through the real entry point (not only typer's test runner)."""
    p = subprocess.run(
        [GISTCDS, "cohort", "score", "--format", "xyz", "t.csv"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.splitlines() == [
        "--format: gistcds cohort score has no such option (see 'gistcds cohort score -h')"
    ]


def test_a_bare_group_still_shows_its_help() -> None:
    code, out, err = _invoke("cohort")
    assert code == 2 and "Usage: gistcds cohort" in out + err


# no digits at all: pydantic reads "1_0" and "1.0" as whole numbers
@given(st.text(st.characters(blacklist_categories=("Nd", "Cs")), min_size=1))
def test_any_non_number_for_patients_is_one_line(text: str) -> None:
    code, out, err = _invoke("simulate", "--patients", text)
    assert code == 2 and out == ""
    assert err.splitlines() == [f"--patients: must be a whole number, got {text!r}"]
