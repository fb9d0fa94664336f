"""``gistcds assess`` without typer (issue 19 item 11): the plain argument lists are read
by ``cli_assess``, anything else goes to typer, and both routes answer alike."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from gistcds.cli_assess import AssessArgs, parse_assess_args
from tests.conftest import EXAMPLES

PATIENT = str(EXAMPLES / "metastatic-kit11-untreated.json")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["p.json"], AssessArgs("p.json")),
        (["-"], AssessArgs("-")),
        (["p.json", "--format", "json"], AssessArgs("p.json", "json")),
        (["--format=fhir", "p.json"], AssessArgs("p.json", "fhir")),
        (
            ["p.json", "--report", "a.html", "--report=b.pdf", "--leaflet", "l.html", "--mkdir"],
            AssessArgs("p.json", "text", ["a.html", "b.pdf"], "l.html", True),
        ),
    ],
)
def test_plain_forms_are_read(args: list[str], expected: AssessArgs) -> None:
    assert parse_assess_args(args) == expected


@pytest.mark.parametrize(
    "args",
    [
        [],  # no file: typer's usage error
        ["a.json", "b.json"],
        ["p.json", "-h"],
        ["--help"],
        ["p.json", "--format", "JSON"],  # typer names the choices
        ["p.json", "--format", "xml"],
        ["p.json", "--format"],  # a missing value
        ["p.json", "--format", "json", "--format", "text"],
        ["p.json", "--leaflet", "a.html", "--leaflet", "b.html"],
        ["p.json", "--report", "--mkdir"],
        ["p.json", "--mkdir", "--mkdir"],
        ["p.json", "--mkdir=yes"],
        ["p.json", "--repor", "x.html"],
        ["--", "p.json"],
    ],
)
def test_anything_else_is_left_to_typer(args: list[str]) -> None:
    assert parse_assess_args(args) is None


def _run(call: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys\n"
        "from gistcds.cli import build_app, main\n"
        "try:\n"
        f"    {call}\n"
        "finally:\n"
        "    print('typer imported' if 'typer' in sys.modules else '', file=sys.stderr)\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def _both_routes(
    args: list[str],
) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """``gistcds ARGS`` through ``cli.main``, and through the typer app alone."""
    fast = _run(f"main({args!r})", args)
    typer_route = _run(f"build_app()(args={args!r}, prog_name='gistcds')", args)
    return fast, typer_route


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_plain_route_prints_what_typer_prints_without_importing_it(fmt: str) -> None:
    fast, typer_route = _both_routes(["assess", PATIENT, "--format", fmt])
    assert fast.returncode == 0 == typer_route.returncode, fast.stderr
    assert "typer imported" not in fast.stderr
    if fmt == "json":
        assert fast.stdout == typer_route.stdout
    else:  # the text report carries its generation time, which the two runs may straddle
        stamp = re.compile(r"generated \d{4}-\d\d-\d\d \d\d:\d\d UTC")

        def head(out: str) -> list[str]:
            return [stamp.sub("generated (time)", line) for line in out.splitlines()[:3]]

        assert head(fast.stdout) == head(typer_route.stdout)


def test_plain_route_refuses_bad_input_as_typer_does(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x", "age": -3}')
    fast, typer_route = _both_routes(["assess", str(bad), "--format", "json"])
    assert fast.returncode == 2 == typer_route.returncode
    assert fast.stdout == ""
    assert fast.stderr.split() == ["age:", "unknown", "field,", "got", "-3"]
    assert typer_route.stderr.split() == [*fast.stderr.split(), "typer", "imported"]


def test_other_forms_still_get_typer_help() -> None:
    fast, _ = _both_routes(["assess", "--help"])
    assert fast.returncode == 0
    assert "--format" in fast.stdout
    assert "typer imported" in fast.stderr
