"""The ``gistcds`` command line (CONTRACT.md "Commands").

Imports are lazy: the module top imports nothing heavy, and ``gistcds --help``
is answered from ``COMMANDS`` without importing typer at all, so it stays close
to a bare interpreter start (measured in ``benchmarks/bench_cli.py``).

Exit status: 0 ok; 2 invalid input (one ``path: message`` line per problem on
stderr); 1 internal or knowledge-base error (a short message, never a traceback).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    import typer

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2

# name -> one-line help; the single list both the fast help and typer use.
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

_FAST_HELP = """Usage: gistcds [OPTIONS] COMMAND [ARGS]...

  gistcds: decision support for gastrointestinal stromal tumour (GIST).
  Decision support for qualified clinicians, not a medical device.

Options:
  --help  Show this message and exit.

Commands:
{commands}
"""


def fast_help() -> str:
    width = max(len(n) for n in COMMANDS)
    lines = "\n".join(f"  {n.ljust(width)}  {h}" for n, h in COMMANDS.items())
    return _FAST_HELP.format(commands=lines)


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
        return EXIT_OK
    except Exception as exc:  # an internal fault: short message, no traceback
        _fail([f"internal error: {type(exc).__name__}: {exc}"], EXIT_INTERNAL)


def build_app() -> typer.Typer:
    import typer

    from gistcds.cli_commands import register

    app = typer.Typer(
        help="gistcds: decision support for GIST. Not a medical device.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    register(app)
    from gistcds.cli_service import register as register_service

    register_service(app)
    return app


def main(argv: list[str] | None = None) -> Any:
    args = sys.argv[1:] if argv is None else argv
    # gistcds uses no pydantic plugin; looking for them scans every installed package's
    # entry points (~30 ms of each start). PYDANTIC_DISABLE_PLUGINS= (empty) turns them on.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if args in ([], ["--help"], ["-h"]):
        sys.stdout.write(fast_help())
        return EXIT_OK
    app = build_app()
    return app(args=args, prog_name="gistcds")


if __name__ == "__main__":
    main()
