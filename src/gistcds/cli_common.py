"""The typer pieces every command module shares: one help style for all commands and groups
(rich panels, ``-h`` and ``--help``, placeholders in words rather than Python type names)
and the options several commands take. Imported only when a command runs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

import typer

# typer (0.2x) raises the usage errors of its own copy of click; it exports no name for them
from typer._click.exceptions import (
    BadOptionUsage,
    BadParameter,
    ClickException,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperCommand, TyperGroup

from gistcds.cli_base import HELP_OPTION_NAMES
from gistcds.errors import Problem

__all__ = [
    "Command",
    "Group",
    "KbDir",
    "OutputFormat",
    "add_command",
    "new_group",
    "set_option_help",
    "usage_problem",
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


def _option(param: Any) -> str:
    """An option by its long name (``--format``), an argument by its placeholder (``FILE``)."""
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
    if param.param_type_name == "option":
        return str(opts[0] if opts else param.opts[0])
    return str(param.metavar or param.name or "value").upper()


def _bad_value(exc: BadParameter) -> str:
    """typer checks a value with pydantic: the house wording of ``io.validation``, and a
    choice as ``must be one of a, b, got 'x'``."""
    from pydantic import ValidationError

    from gistcds.io.validation import error_message

    cause = exc.__cause__
    if not isinstance(cause, ValidationError) or not cause.errors():
        return _sentence(exc.message)
    err = cause.errors(include_url=False)[0]
    desc = getattr(exc.param, "type_descriptor", None)
    if desc is not None and desc.is_choice:
        choices = ", ".join(str(getattr(c, "value", c)) for c in desc.choices or ())
        words = f"must be one of {choices}"
    else:
        words = error_message(err)
    # the value as typed, quoted as the CLI's own option errors quote it
    return f"{words}, got {str(err.get('input'))!r}"


def _sentence(message: str) -> str:
    """click's "Missing argument 'TABLE'." as a clause: lower case, no full stop."""
    message = message.strip().rstrip(".")
    return message[:1].lower() + message[1:]


def usage_problem(exc: ClickException) -> Problem:
    """A usage error of typer or click as the CLI's own errors read (docs/cli.md): one
    ``where: what`` line naming the option, argument or command, instead of typer's
    boxed panel with the usage above it."""
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "gistcds"
    see = f" (see '{command} -h')"
    if isinstance(exc, MissingParameter) and exc.param is not None:
        return Problem(_option(exc.param), "required" + see)
    if isinstance(exc, BadParameter) and exc.param is not None:
        return Problem(_option(exc.param), _bad_value(exc))
    if isinstance(exc, NoSuchOption):
        return Problem(exc.option_name, f"{command} has no such option" + see)
    if isinstance(exc, BadOptionUsage):
        if exc.message.endswith("requires an argument."):
            return Problem(exc.option_name, "needs a value")
        return Problem(exc.option_name, _sentence(exc.message) + see)
    if isinstance(exc, UsageError):
        message = _sentence(exc.format_message())
        if message.startswith("got unexpected extra argument"):  # "...(s) (a b)"
            message = "unexpected extra argument(s): " + message.rsplit("(", 1)[-1].rstrip(")")
        return Problem(command, message + see)
    return Problem("", _sentence(exc.format_message()))


@contextmanager
def _usage_errors_in_words() -> Iterator[None]:
    """Print a usage error as :func:`usage_problem` words it and exit with its code (2);
    ``no_args_is_help`` (typer's help for a bare group) goes on to typer unchanged."""
    try:
        yield
    except NoArgsIsHelpError:
        raise
    except ClickException as exc:
        print(usage_problem(exc), file=sys.stderr)
        raise typer.Exit(exc.exit_code) from None


class Group(TyperGroup):
    """A gistcds command group, help as for :class:`Command`. Usage errors anywhere below
    it (its own options, a sub-command's options and arguments) read as the CLI's own
    errors: this is the one place they are worded."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _placeholders(super().get_params(ctx))

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with _usage_errors_in_words():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        with _usage_errors_in_words():
            return super().invoke(ctx)


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
