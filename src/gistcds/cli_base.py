"""What every ``gistcds`` command shares, without importing typer: the command list, the
exit codes, the error guard and the quick answers to ``--help`` and ``--version``.

``cli`` (the entry point) and every ``cli_*`` command module import from here and never
from each other's faces upward, so the command modules form no import cycle (issue 13
item 6). Exit status: 0 ok; 2 invalid input or unusable output path (one ``path: message``
line per problem on stderr); 1 internal or knowledge-base error (a short message, never a
traceback).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

__all__ = [
    "COMMANDS",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "HELP_FILE",
    "HELP_OPTION_NAMES",
    "fast_help",
    "guarded",
    "quiet_broken_pipe",
    "version_text",
]

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2
HELP_OPTION_NAMES = ["-h", "--help"]

# name -> one-line help; the single list both the quick help and typer use.
COMMANDS: dict[str, str] = {
    "assess": "Assess one patient (JSON file, or - for stdin).",
    "assess-fhir": "Assess one patient from a FHIR R4 Bundle (mCODE), or - for stdin.",
    "export-fhir": "Write a patient JSON as a FHIR R4 Bundle (mCODE profiles).",
    "cohort": "Registry analytics: score, survival, Cox, calibration, report, synthetic data.",
    "kb": "Knowledge base: list its sources, check its citations.",
    "schema": "Print a JSON Schema (patient input, assessment output).",
    "simulate": "Simulate a treatment sequence (Monte Carlo): OS and time on each line.",
    "trials": "Trials table: refresh it from a ClinicalTrials.gov API v2 JSON export.",
    # the service's commands (cli_service.py)
    "serve": "Run the web service (REST API); default database ./gistcds.db (SQLite).",
    "token": "Bearer tokens of the service: create (printed once), revoke, list.",
    "db": "The service's database: apply migrations (upgrade), show the revision.",
    "audit": "The service's audit log: export as JSON lines.",
}

# typer's own rendering of ``gistcds --help`` (80 columns, no colour), kept beside this
# module so the top-level help is printed without importing typer and rich; the test
# suite checks that it equals what typer renders today.
HELP_FILE = Path(__file__).with_name("cli_help.txt")


def version_text() -> str:
    from gistcds import __version__

    return f"gistcds {__version__}\n"


def fast_help() -> str:
    return HELP_FILE.read_text(encoding="utf-8")


def quiet_broken_pipe() -> int:
    """The reader went away (``gistcds assess ... | head -1``): point stdout at /dev/null
    so the interpreter's final flush does not complain, and report success."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (tests capture stdout)
        pass
    return EXIT_OK


def _fail(lines: list[str], code: int) -> NoReturn:
    for line in lines:
        print(line, file=sys.stderr)
    raise SystemExit(code)


def guarded(fn: Callable[[], int | None]) -> int:
    """Run a command body, mapping known errors to exit codes and messages."""
    from gistcds.errors import InputError, KnowledgeBaseError

    try:
        return fn() or EXIT_OK
    except InputError as exc:
        _fail([str(p) for p in exc.problems], EXIT_INPUT)
    except KnowledgeBaseError as exc:
        _fail(["knowledge base error:", *(f"  {p}" for p in exc.problems)], EXIT_INTERNAL)
    except (SystemExit, KeyboardInterrupt):
        raise
    except BrokenPipeError:
        return quiet_broken_pipe()
    except Exception as exc:  # an internal fault: short message, no traceback
        _fail([f"internal error: {type(exc).__name__}: {exc}"], EXIT_INTERNAL)
