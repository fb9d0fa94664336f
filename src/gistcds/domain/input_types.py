"""Input value types of the patient record: numbers are numbers, flags are booleans, and
text carries no control or invisible formatting character (issue 12 item 7)."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator
from pydantic import Strict as StrictType

__all__ = ["Flag", "Number", "Text", "WholeNumber", "plain_text", "whole_number"]


def plain_text(value: str) -> str:
    """Refuse control (Cc) and invisible formatting (Cf: bidi overrides, zero-width) characters."""
    for i, ch in enumerate(value, start=1):
        if unicodedata.category(ch) in ("Cc", "Cf"):
            name = unicodedata.name(ch, "control character")
            raise ValueError(
                "must not contain control or invisible formatting characters "
                f"(U+{ord(ch):04X} {name} at character {i})"
            )
    return value


def whole_number(value: Any) -> Any:
    """A JSON number without a fraction (1 or 1.0); booleans and strings are refused."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be a whole number")
        return int(value)
    return value


Number = Annotated[float, StrictType()]
"""A JSON number (integer or decimal); a boolean or a string is invalid input."""
WholeNumber = Annotated[int, StrictType()]
"""A whole JSON number; a whole-valued decimal (1.0) is read as 1 by ``_whole_number``."""
Flag = Annotated[bool, StrictType()]
"""true or false; 1, 0 or "true" are invalid input."""
Text = Annotated[str, AfterValidator(plain_text)]
