"""A note with its stable code: the engine builds these, the output carries the words in
``notes`` and the codes in ``note_codes`` (same order)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

__all__ = ["Note", "fields"]


class Note(NamedTuple):
    code: str
    text: str


def fields(notes: Iterable[Note]) -> dict[str, list[str]]:
    """``notes`` and ``note_codes`` for an output model."""
    items = list(notes)
    return {"notes": [n.text for n in items], "note_codes": [n.code for n in items]}
