"""Every command's help (issue 19 item 6): ``-h`` and ``--help`` everywhere, one style
(typer's rich panels, also for the quick top-level help), placeholders in words, every
option described; ``--version`` and ``python -m gistcds``."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import gistcds
from gistcds.cli import build_app, fast_help, render_help


def _paths(command: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _paths(sub, (*prefix, name))


COMMAND = typer.main.get_command(build_app())
PATHS = list(_paths(COMMAND))


def _lookup(path: tuple[str, ...]) -> Any:
    command = COMMAND
    for name in path:
        command = command.commands[name]
    return command


def test_the_walk_sees_every_command() -> None:
    assert len(PATHS) > 25
    assert ("cohort", "survival") in PATHS and ("token", "create") in PATHS


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "gistcds")
def test_every_command_has_h_and_plain_placeholders(path: tuple[str, ...]) -> None:
    runner = CliRunner()
    short = runner.invoke(build_app(), [*path, "-h"], prog_name="gistcds", color=False)
    assert short.exit_code == 0, short.output
    long = runner.invoke(build_app(), [*path, "--help"], prog_name="gistcds", color=False)
    assert short.stdout == long.stdout
    text = short.stdout
    assert f"Usage: gistcds {' '.join(path)}".replace("  ", " ") in text
    assert "╭─ Options" in text  # the rich panels, the one help style
    bad = re.findall(r"<[a-z][^>]*>|\{[A-Za-z_]+\}", text)
    assert bad == [], f"internal type names as placeholders: {bad}"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "gistcds")
def test_every_option_and_argument_is_described(path: tuple[str, ...]) -> None:
    command = _lookup(path)
    assert command.help, path
    undescribed = [p.name for p in command.params if not (p.help or "").strip()]
    assert undescribed == [], f"{' '.join(path)}: no help for {undescribed}"


def test_quick_help_is_typers_own_rendering() -> None:
    """`gistcds --help` is printed without typer; it must be what typer renders
    (regenerate with the command in render_help's docstring)."""
    assert fast_help() == render_help(80)


def test_version_and_python_m() -> None:
    for argv in (["gistcds", "--version"], [sys.executable, "-m", "gistcds", "--version"]):
        if argv[0] == "gistcds":
            argv = [str(__import__("pathlib").Path(sys.executable).parent / "gistcds"), argv[1]]
        p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        assert p.stdout == f"gistcds {gistcds.__version__}\n"
    typer_version = CliRunner().invoke(build_app(), ["--version"], prog_name="gistcds")
    assert typer_version.stdout == f"gistcds {gistcds.__version__}\n"
    p = subprocess.run(
        [sys.executable, "-m", "gistcds", "simulate", "-h"], capture_output=True, text=True
    )
    assert p.returncode == 0 and "Usage: gistcds simulate" in p.stdout


def test_quick_help_and_version_do_not_import_typer() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from gistcds.cli import main\n"
        "for args in (['-h'], ['--version'], []):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        main(args)\n"
        "print(sorted(m for m in ('typer', 'rich', 'click') if m in sys.modules))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert p.stdout.strip() == "[]"


def test_cli_modules_form_no_import_cycle() -> None:
    """Issue 13 item 6: ``cli`` and ``cli_commands`` imported each other. The command
    modules now share ``cli_base``/``cli_common`` and the graph among them is acyclic."""
    import ast
    from graphlib import CycleError, TopologicalSorter
    from pathlib import Path

    package = Path(gistcds.__file__).parent
    graph: dict[str, set[str]] = {}
    for path in package.glob("cli*.py"):
        deps = graph.setdefault(path.stem, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("gistcds.cli"):
                deps.add(str(node.module).removeprefix("gistcds."))
    assert {"cli", "cli_base", "cli_common", "cli_commands"} <= set(graph)
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:  # pragma: no cover - the failure message
        pytest.fail(f"import cycle among the CLI modules: {exc.args[1]}")
    assert order.index("cli_base") < order.index("cli_commands") < order.index("cli")


def test_building_the_command_line_imports_no_engine_nor_pydantic() -> None:
    """Every command pays for building the app: help texts that need the patient model or
    the knowledge base are filled in only when that help is shown."""
    code = (
        "import sys\n"
        "from gistcds.cli import build_app\n"
        "build_app()\n"
        "heavy = ('pydantic', 'yaml', 'numpy', 'gistcds.domain', 'gistcds.knowledge')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert p.stdout.strip() == "[]"
