"""Read one patient from JSON text, a file or stdin into a validated ``Patient``.

Everything that can go wrong with the bytes (too large, empty, not UTF-8, not
JSON, not an object) and with the content (types, ranges, dates) becomes an
``InputError`` with one ``Problem`` per fault; nothing is guessed or repaired.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from gistcds.domain.patient import Patient
from gistcds.domain.toxicity_input import TERMS_CONTEXT
from gistcds.errors import InputError, Problem
from gistcds.io.validation import problems_from

if TYPE_CHECKING:
    from gistcds.knowledge import KnowledgeBase

MAX_INPUT_BYTES = 5 * 1024 * 1024


def read_source(source: str) -> tuple[bytes, str]:
    """Bytes of a path or of stdin (``-``), at most MAX_INPUT_BYTES + 1, and a display name."""
    if source == "-":
        return sys.stdin.buffer.read(MAX_INPUT_BYTES + 1), "<stdin>"
    path = Path(source)
    try:
        if path.is_dir():
            raise InputError([Problem("", f"{source}: is a directory, not a file")])
        with path.open("rb") as fh:
            return fh.read(MAX_INPUT_BYTES + 1), source
    except FileNotFoundError:
        raise InputError([Problem("", f"{source}: no such file")]) from None
    except PermissionError:
        raise InputError([Problem("", f"{source}: permission denied")]) from None


def parse_json(data: bytes, name: str = "<input>") -> Any:
    """JSON document from bytes, or InputError that says what is wrong and where."""
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(
            [Problem("", f"{name}: larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB, refused")]
        )
    if not data.strip():
        raise InputError([Problem("", f"{name}: empty input, expected a JSON object")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem("", f"{name}: not UTF-8 text ({exc.reason})")]) from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            [
                Problem(
                    "", f"{name}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
                )
            ]
        ) from None
    except ValueError as exc:
        if "integer string conversion" in str(exc):  # Python's int-to-text limit
            limit = sys.get_int_max_str_digits()
            raise InputError(
                [Problem("", f"{name}: a number has more than {limit} digits")]
            ) from None
        raise InputError([Problem("", f"{name}: {exc}")]) from None
    except RecursionError:
        raise InputError([Problem("", f"{name}: JSON nested too deeply")]) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid JSON number")


def validation_context(
    obj: dict[str, Any], today: dt.date | None = None, kb: KnowledgeBase | None = None
) -> dict[str, Any]:
    """The pydantic context a patient record is validated with: today's date, and the
    CTCAE vocabulary of the KB (``kb``, else the default one) when the record lists
    adverse events (the KB is not read for a record without them)."""
    context: dict[str, Any] = {"today": today or dt.date.today()}
    if obj.get("adverse_events"):
        from gistcds.knowledge import load_kb
        from gistcds.knowledge.schema.ctcae_terms import Table

        context[TERMS_CONTEXT] = (kb or load_kb()).get(Table)
    return context


def patient_from_obj(
    obj: Any, today: dt.date | None = None, kb: KnowledgeBase | None = None
) -> Patient:
    """Validate a decoded JSON value as a Patient; InputError lists every problem. CTCAE
    terms are checked against ``kb``'s vocabulary (the default KB when None)."""
    if not isinstance(obj, dict):
        kind = type(obj).__name__ if obj is not None else "null"
        raise InputError([Problem("", f"expected a JSON object for the patient, got {kind}")])
    context = validation_context(obj, today, kb)
    try:
        return Patient.model_validate(obj, context=context)
    except ValidationError as exc:
        raise InputError(problems_from(exc)) from None


def load_patient(
    source: str, today: dt.date | None = None, kb: KnowledgeBase | None = None
) -> Patient:
    """Read, parse and validate one patient from a path or ``-`` (stdin)."""
    data, name = read_source(source)
    return patient_from_obj(parse_json(data, name), today, kb)
