"""The typer pieces every command module shares: one help style for all commands and groups
(rich panels, ``-h`` and ``--help``, placeholders in words rather than Python type names)
and the options several commands take. Imported only when a command runs.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

import typer
from typer.core import TyperCommand, TyperGroup

from gistcds.cli_base import HELP_OPTION_NAMES

__all__ = [
    "Command",
    "Group",
    "KbDir",
    "OutputFormat",
    "add_command",
    "new_group",
    "set_option_help",
]


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


KbDir = Annotated[
    Path | None,
    typer.Option("--dir", metavar="DIR", help="knowledge-base folder (default: the bundled one)"),
]


def _placeholder(param: Any) -> str:
    """A value placeholder in words: the choices, or NAME for an argument, else N, NUMBER,
    PATH or TEXT (never a Python type such as ``<list[str]>``)."""
    if param.param_type_name == "argument":
        return str(param.name or "value").upper()
    desc = param.type_descriptor
    if desc.is_choice:
        return "|".join(str(getattr(c, "value", c)) for c in desc.choices or ())
    annotation = desc.annotation
    if get_origin(annotation) is list:
        annotation = get_args(annotation)[0]
    if desc.is_path:
        return "PATH"
    if annotation is int:
        return "N"
    if annotation is float:
        return "NUMBER"
    return "TEXT"


def _placeholders(params: list[Any]) -> list[Any]:
    """A flag takes no value, so it shows none (typer would print ``<bool>``); every other
    parameter without an explicit placeholder gets one from :func:`_placeholder`."""
    for param in params:
        if param.metavar is None:
            param.metavar = "" if getattr(param, "is_flag", False) else _placeholder(param)
        if param.param_type_name == "argument":
            param.display_type_rich = _no_type  # the name says it; typer would add <str>
    return params


def _no_type(ctx: Any) -> None:
    return None


class Command(TyperCommand):
    """A gistcds command: typer's rich help, with plain placeholders. ``before_help`` may
    fill in help text that costs something to compute (the knowledge base's sequence ids)
    only when the help is actually shown."""

    before_help: Callable[[Any], None] | None = None

    def format_help(self, ctx: Any, formatter: Any) -> None:
        if self.before_help is not None:
            self.before_help(self)
        super().format_help(ctx, formatter)

    def get_params(self, ctx: Any) -> list[Any]:
        return _placeholders(super().get_params(ctx))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """``gistcds assess [OPTIONS] FILE`` (typer would write ``{FILE}``)."""
        return [
            piece[1:-1] if piece.startswith("{") and piece.endswith("}") else piece
            for piece in super().collect_usage_pieces(ctx)
        ]


class Group(TyperGroup):
    """A gistcds command group, help as for :class:`Command`."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _placeholders(super().get_params(ctx))


def new_group(help_text: str, **kwargs: Any) -> typer.Typer:
    """A typer app or sub-group in the house style (help on ``-h``; no completion
    commands; errors without typer's pretty tracebacks)."""
    return typer.Typer(
        cls=Group,
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": HELP_OPTION_NAMES},
        **kwargs,
    )


def add_command(
    group: typer.Typer,
    name: str,
    help_text: str,
    fn: Callable[..., Any],
    before_help: Callable[[Any], None] | None = None,
) -> None:
    """Register ``fn`` as ``name`` on ``group`` with the house help style."""
    cls = Command
    if before_help is not None:
        hook = before_help

        class WithHook(Command):
            before_help = staticmethod(hook)

        cls = WithHook
    group.command(name, help=help_text, cls=cls)(fn)


def set_option_help(command: Any, option: str, text: str) -> None:
    """Replace the help of ``option`` (e.g. ``--sequence``) on a click command."""
    for param in command.params:
        if option in getattr(param, "opts", ()):
            param.help = text
