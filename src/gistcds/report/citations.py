"""Citations: sources numbered in order of first citation; only cited sources are listed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from gistcds.knowledge import KnowledgeBase, Source

__all__ = ["Citations", "Reference", "cite_text", "iter_source_ids"]

_QUOTED_IDS = re.compile(r"\[([A-Za-z][\w.-]*(?:,\s*[A-Za-z][\w.-]*)*)\]")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".?!" else text + "."


@dataclass
class Reference:
    number: int
    source_id: str
    source: Source | None

    @property
    def text(self) -> str:
        s = self.source
        if s is None:
            return "Source not found in the knowledge base."
        return f"{_sentence(s.authors)} {_sentence(s.title)} {_sentence(s.journal)} {s.year}."

    @property
    def identifiers(self) -> list[tuple[str, str]]:
        """(kind, value) pairs: PMID and DOI, as printed."""
        s = self.source
        out: list[tuple[str, str]] = []
        if s is not None and s.pmid:
            out.append(("PMID", s.pmid))
        if s is not None and s.doi:
            out.append(("DOI", s.doi))
        return out


class Citations:
    """Numbers sources in order of first citation; the bibliography lists exactly those."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._numbers: dict[str, int] = {}

    def cite(self, source_ids: Iterable[str] | None) -> list[int]:
        out: list[int] = []
        for sid in source_ids or []:
            if sid not in self._numbers:
                self._numbers[sid] = len(self._numbers) + 1
            n = self._numbers[sid]
            if n not in out:
                out.append(n)
        return sorted(out)

    def mark(self, text: str) -> str:
        """Source ids quoted in engine prose (``[heinrich2008]``) as citation numbers."""

        def number(m: re.Match[str]) -> str:
            ids = [i.strip() for i in m.group(1).split(",")]
            if not all(i in self._kb.sources for i in ids):
                return m.group(0)
            return cite_text(self.cite(ids))

        return _QUOTED_IDS.sub(number, text)

    @property
    def references(self) -> list[Reference]:
        return [
            Reference(n, sid, self._kb.sources.get(sid))
            for sid, n in sorted(self._numbers.items(), key=lambda kv: kv[1])
        ]


def cite_text(numbers: list[int]) -> str:
    """``[1, 3-5]`` style citation mark, or empty."""
    if not numbers:
        return ""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return "[" + ", ".join(parts) + "]"


def iter_source_ids(value: Any) -> Iterator[str]:
    """Every source id anywhere in a result model (fields named ``*source_ids``); the tests
    use it to check what a report cites."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            child = getattr(value, name, None)
            if name.endswith("source_ids"):
                if isinstance(child, list):
                    yield from (str(s) for s in child)
                elif isinstance(child, dict):
                    for ids in child.values():
                        yield from (str(s) for s in ids or [])
            else:
                yield from iter_source_ids(child)
    elif isinstance(value, dict):
        for v in value.values():
            yield from iter_source_ids(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from iter_source_ids(v)
