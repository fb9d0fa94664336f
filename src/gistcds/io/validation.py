"""Turn pydantic's validation errors into ``path: message, got value`` problems.

One place for the wording, so the CLI, the batch path and the web service say
the same thing about the same mistake.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from gistcds.errors import Problem

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MAX_SHOWN = 60  # characters of the offending value repeated back
# What a pattern means, in words (a message never shows a regular expression).
_PATTERNS = {
    r"^[A-Z0-9][A-Z0-9-]{0,19}$": "gene symbols are upper-case letters and digits, e.g. KIT",
}


def json_path(loc: Sequence[str | int]) -> str:
    """``("therapy_lines", 0, "end")`` -> ``therapy_lines[0].end``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            out += f".{part}" if out else part
        else:  # a key that is not a plain name is shown quoted, escapes and all
            out += f"[{json.dumps(part, ensure_ascii=True)}]"
    return out


def _escaped(text: str) -> str:
    """Control and invisible formatting characters as \\uXXXX, so a message cannot hide
    or reorder text on the terminal (U+202E) or cut a line (NUL)."""
    return "".join(
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text
    )


def _shown(value: Any) -> str:
    if _huge(value):  # too long to repeat (and past Python's int-to-text limit for some)
        return f"a number of {_digits(value)} digits"
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = type(value).__name__
    text = _escaped(text)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _digits(value: int) -> int:
    """Decimal digits of a large int without converting it to text."""
    value = abs(value)
    n = int(value.bit_length() * 0.30102999566398) + 1
    return n if value >= 10 ** (n - 1) else n - 1


def _number(value: Any) -> str:
    """``0.0`` -> ``0``, ``2.5`` -> ``2.5``: bounds read as people write them."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _message(err: ErrorDetails) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    bounds = {
        "greater_than": ("must be >", "gt"),
        "greater_than_equal": ("must be >=", "ge"),
        "less_than": ("must be <", "lt"),
        "less_than_equal": ("must be <=", "le"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return f"{words} {_number(ctx.get(key))}"
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", "")).replace("'", "")
        if " or " not in expected and "," not in expected:  # one allowed value
            return f"must be {json.dumps(expected)}"
        return f"must be one of {expected}"
    if kind.startswith("int"):
        return "must be a whole number"
    if kind.startswith("float") and _huge(err.get("input")):
        return "must be a smaller number"
    if kind.startswith("float"):
        return "must be a number"
    if kind.startswith("bool"):
        return "must be true or false"
    if kind.startswith("string_too_short"):
        return "must not be empty"
    if kind.startswith("string_too_long"):
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        return _PATTERNS.get(str(ctx.get("pattern")), "contains characters not allowed here")
    if kind.startswith("string"):
        return "must be a string"
    if kind.startswith("date"):
        return "must be a date YYYY-MM-DD"
    if kind in ("list_type", "tuple_type"):
        return "must be a list"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "must be an object"
    if kind in ("too_short", "too_long"):
        return _length(kind, err)
    return _plain(str(err["msg"]))


def _huge(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200


def _length(kind: str, err: ErrorDetails) -> str:
    """``must not be empty``, ``must have at least 2 items``, ``at most 1 item``."""
    ctx = err.get("ctx") or {}
    if kind == "too_short":
        n = int(ctx.get("min_length", 1))
        if n == 1:
            return "must not be empty"
        return f"must have at least {n} items"
    n = int(ctx.get("max_length", 0))
    noun = "characters" if isinstance(err.get("input"), str) else "items"
    return f"must have at most {n} {noun if n != 1 else noun[:-1]}"


def _plain(msg: str) -> str:
    """pydantic's own wording in the house voice: no "Input should", no Python names."""
    msg = msg.removeprefix("Value error, ")
    if msg.startswith("Input should be "):
        msg = "must be " + msg.removeprefix("Input should be ")
    return re.sub(r" or instance of \w+", "", msg)


def error_message(err: ErrorDetails) -> str:
    """The house wording of one pydantic error, without the value (``must be >= 1``): for
    callers that show the value their own way (the CLI's option errors)."""
    return _message(err)


def problems_from(error: ValidationError, prefix: Sequence[str | int] = ()) -> list[Problem]:
    """One Problem per pydantic error, each naming its JSON path and the value given."""
    out: list[Problem] = []
    for err in error.errors(include_url=False):
        loc = [*prefix, *err["loc"]]
        message = _message(err)
        if err["type"] != "missing" and message != "must not be empty" and "got " not in message:
            message += f", got {_shown(err.get('input'))}"
        out.append(Problem(json_path(loc), message))
    return out
