"""The ``gistcds`` command line (CONTRACT.md "Commands"); also ``python -m gistcds``.

Imports are lazy: ``gistcds``, ``gistcds --help`` and ``gistcds --version`` are answered
without importing typer at all (the help text is typer's own rendering, kept in
``cli_help.txt``), so they stay close to a bare interpreter start (measured in
``benchmarks/bench_cli.py``). Everything shared by the commands lives in ``cli_base``
(no typer) and ``cli_common`` (typer); this module only starts them.

Exit status: 0 ok; 2 invalid input (one ``path: message`` line per problem on stderr);
1 internal or knowledge-base error (a short message, never a traceback).
"""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING, Any

from gistcds.cli_base import (
    COMMANDS,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    HELP_OPTION_NAMES,
    exit_now,
    fast_help,
    guarded,
    quiet_broken_pipe,
    stdout_is_devnull,
    version_text,
)

if TYPE_CHECKING:
    import typer

__all__ = [
    "COMMANDS",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "build_app",
    "fast_help",
    "guarded",
    "main",
    "render_help",
]


def build_app() -> typer.Typer:
    from gistcds.cli_commands import build_app as build

    return build()


def render_help(width: int = 80) -> str:
    """typer's ``gistcds --help`` as plain text at ``width`` columns (what cli_help.txt
    holds): ``python -c 'from gistcds.cli import render_help; print(render_help(), end="")'
    > src/gistcds/cli_help.txt``."""
    import os
    from unittest import mock

    from typer.testing import CliRunner

    env = {"COLUMNS": str(width), "TERMINAL_WIDTH": str(width), "NO_COLOR": "1"}
    with mock.patch.dict(os.environ, env):
        result = CliRunner().invoke(build_app(), ["--help"], prog_name="gistcds", color=False)
    return result.stdout


def main(argv: list[str] | None = None) -> Any:
    args = sys.argv[1:] if argv is None else argv
    if argv is None:  # the process is the command (docs/cli.md "Environment")
        # gistcds uses no pydantic plugin; looking for them scans every installed
        # distribution's entry points at each start. Set before pydantic is imported; a
        # value the user set (PYDANTIC_DISABLE_PLUGINS= turns plugins on) is kept, and a
        # Python caller's main(argv) leaves its process's environment alone.
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
        if args[:1] == ["assess"]:
            # One patient's arithmetic (numpy for the survival bands) is elementwise: no
            # BLAS thread pool is worth its start-up at numpy's import, which costs more CPU
            # than the whole band computation (benchmarks/bench_startup.py). Cohort commands
            # keep OpenBLAS's own default.
            os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        if args == [] or (len(args) == 1 and args[0] in HELP_OPTION_NAMES):
            sys.stdout.write(fast_help())
            sys.stdout.flush()
            return EXIT_OK
        if args == ["--version"]:
            sys.stdout.write(version_text())
            sys.stdout.flush()
            return EXIT_OK
        if args[0] == "assess":  # the plain forms skip typer (cli_assess explains)
            from gistcds.cli_assess import parse_assess_args, run_assess

            plain = parse_assess_args(args[1:])
            if plain is not None:
                # The whole process (not a caller's main(argv)): no interpreter teardown
                # (cli_base.exit_now; reports and leaflets are written and closed by then)
                # and no cyclic garbage collection: its passes over the ~200 model classes
                # being built (and a PDF's layout) free nothing worth it, the peak memory is
                # the same, and they cost about a tenth of the JSON command.
                whole = argv is None
                if whole:
                    gc.disable()
                try:
                    code = run_assess(plain)
                except (KeyboardInterrupt, EOFError):  # as typer answers them
                    print("\nAborted!", file=sys.stderr)
                    code = EXIT_INTERNAL
                if whole:
                    exit_now(code)
                raise SystemExit(code)
        app = build_app()
        return app(args=args, prog_name="gistcds")
    except BrokenPipeError:
        raise SystemExit(quiet_broken_pipe()) from None
    except SystemExit as exc:  # help printed by rich into a closed pipe
        if exc.code == 1 and stdout_is_devnull():
            raise SystemExit(EXIT_OK) from None
        raise


if __name__ == "__main__":
    main()
