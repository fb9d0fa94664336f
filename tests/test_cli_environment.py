"""The command line's own defaults for pydantic's plugin scan (docs/cli.md "Environment"):
set in the process started as ``gistcds``/``python -m gistcds`` unless the user set a
value, and never in a program that imports gistcds as a library."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import EXAMPLES

PATIENT = str(EXAMPLES / "metastatic-kit11-untreated.json")
VAR = "PYDANTIC_DISABLE_PLUGINS"

# The command as ``python -m gistcds`` runs it; at exit (cli_base.exit_now runs exit
# handlers) it reports the variable and whether pydantic was imported before main() ran.
_COMMAND = f"""
import atexit, os, runpy, sys
early = "pydantic" in sys.modules
atexit.register(lambda: print(repr(os.environ.get({VAR!r})), early,
                              repr(os.environ.get("OPENBLAS_NUM_THREADS")), file=sys.stderr))
sys.argv = ["gistcds", "assess", sys.argv[1], "--format", "json"]
runpy.run_module("gistcds", run_name="__main__")
"""

_LIBRARY = f"""
import os, sys
from gistcds.cli import main
assert "pydantic" not in sys.modules  # importing the command line imports no pydantic
from gistcds import assess_patient
assessment = assess_patient(sys.argv[1])
try:
    main(["assess", sys.argv[1], "--format", "json"])  # a Python caller's main(argv)
except SystemExit as exc:
    assert exc.code == 0, exc.code
print(repr(os.environ.get("OPENBLAS_NUM_THREADS")), repr(os.environ.get({VAR!r})),
      assessment.patient_id, file=sys.stderr)
"""


def _run(code: str, value: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in (VAR, "OPENBLAS_NUM_THREADS")}
    if value is not None:
        env[VAR] = value
    return subprocess.run(
        [sys.executable, "-c", code, PATIENT], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_command_turns_the_plugin_scan_off() -> None:
    done = _run(_COMMAND, None)
    assert done.returncode == 0, done.stderr
    assert '"patient_id": "demo-kit11-untreated"' in done.stdout
    # set before pydantic's import; assess also runs numpy with one OpenBLAS thread
    assert done.stderr.split() == ["'__all__'", "False", "'1'"]


@pytest.mark.parametrize("value", ["", "some_plugin"])
def test_a_value_the_user_set_is_kept(value: str) -> None:
    done = _run(_COMMAND, value)
    assert done.returncode == 0, done.stderr
    assert '"patient_id": "demo-kit11-untreated"' in done.stdout
    assert done.stderr.split() == [repr(value), "False", "'1'"]


def test_a_library_user_s_environment_is_left_alone() -> None:
    done = _run(_LIBRARY, None)
    assert done.returncode == 0, done.stderr
    assert done.stderr.split()[-3:] == ["None", "None", "demo-kit11-untreated"]
