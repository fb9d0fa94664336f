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
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from gistcds.errors import Problem

__all__ = [
    "COMMANDS",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "HELP_FILE",
    "HELP_OPTION_NAMES",
    "REPORT_SUFFIXES",
    "exit_now",
    "fast_help",
    "guarded",
    "output_problems",
    "quiet_broken_pipe",
    "stdout_is_devnull",
    "version_text",
    "write_output",
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


def exit_now(code: int) -> NoReturn:
    """End the process with ``code``, skipping the interpreter's teardown.

    Once a command has written and closed its files, the teardown (freeing every module and
    object, then a full garbage collection over all of them) is work nobody sees, about a
    fifth of a cold ``assess`` (``benchmarks/bench_startup.py``). Exit handlers (``atexit``:
    logging's flush, temporary folders) still run and both streams are flushed first; a
    flush the reader refuses raises here as it would at a normal exit."""
    import atexit

    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def stdout_is_devnull() -> bool:
    """rich's ``Console.on_broken_pipe`` answers a vanished reader by pointing stdout at
    /dev/null and raising ``SystemExit(1)``; a command body raises SystemExit for no
    other reason, so that pair means "the reader went away", which is not a failure."""
    try:
        return os.path.samestat(os.fstat(sys.stdout.fileno()), os.stat(os.devnull))
    except (OSError, ValueError):
        return False


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
    except SystemExit as exc:
        if exc.code == 1 and stdout_is_devnull():
            return EXIT_OK  # rich's own broken-pipe exit (Console.on_broken_pipe), see below
        raise
    except KeyboardInterrupt:
        raise
    except BrokenPipeError:
        return quiet_broken_pipe()
    except Exception as exc:  # an internal fault: short message, no traceback
        _fail([f"internal error: {type(exc).__name__}: {exc}"], EXIT_INTERNAL)


REPORT_SUFFIXES = (".html", ".htm", ".pdf")


def output_problems(option: str, paths: list[str], mkdir: bool = False) -> list[Problem]:
    """What is wrong with report/leaflet paths before any work is done: the suffix, a
    missing folder (created only with ``--mkdir``), a folder that is a file, a path that
    is a folder, a folder this user may not write to."""
    from gistcds.errors import Problem

    problems: list[Problem] = []
    for out in paths:
        path = Path(out)
        folder = path.parent
        if path.suffix.lower() not in REPORT_SUFFIXES:
            problems.append(Problem(option, f"must end in .html or .pdf, got {out!r}"))
        elif path.is_dir():
            problems.append(Problem(option, f"{out}: is a folder, expected a file name"))
        elif not folder.exists() and mkdir:
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                problems.append(Problem(option, f"{out}: cannot create {folder} ({exc.strerror})"))
        elif not folder.exists():
            problems.append(
                Problem(
                    option, f"{out}: folder {folder} does not exist (create it, or add --mkdir)"
                )
            )
        elif not folder.is_dir():
            problems.append(Problem(option, f"{out}: {folder} is not a folder"))
        elif not os.access(folder, os.W_OK):
            problems.append(Problem(option, f"{out}: cannot write to {folder} (permission denied)"))
        elif (refused := _refusal(folder)) is not None:
            problems.append(Problem(option, f"{out}: cannot write ({refused})"))
    return problems


def _refusal(folder: Path) -> str | None:
    """Why the system refuses a new file in ``folder``, found by making (and dropping) an
    unnamed temporary one; None when it accepts. ``os.access`` says yes to root for any
    folder, /proc and read-only mounts included, which would be found only after the work
    (and the terminal report) is done."""
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=folder):
            return None
    except OSError as exc:
        return exc.strerror or type(exc).__name__


def write_output(option: str, out: str, write: Callable[[], Path]) -> Path:
    """Run ``write``; an operating-system refusal (read-only disk, full disk, permissions)
    is a user error naming the path, exit 2, not an internal error."""
    from gistcds.errors import InputError, Problem

    try:
        return write()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError([Problem(option, f"{out}: cannot write ({reason})")]) from None
