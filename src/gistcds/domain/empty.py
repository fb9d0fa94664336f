"""Empty containers as ``default_factory`` of pydantic fields.

pydantic asks ``inspect.signature`` of every default factory whether it takes the
validated data; for the built-in ``list``, ``dict`` and ``set`` that answer is parsed
from their text signature, about a millisecond each, and the domain models have well
over a hundred such fields: a tenth of a second of every cold start of the command line
(``benchmarks/bench_startup.py``). A plain function answers in microseconds and gives
the same empty value (and the same JSON Schema)."""

from __future__ import annotations

from typing import Any

__all__ = ["new_dict", "new_list", "new_set"]


def new_list() -> list[Any]:
    return []


def new_dict() -> dict[Any, Any]:
    return {}


def new_set() -> set[Any]:
    return set()
