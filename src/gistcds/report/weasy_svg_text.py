"""SVG text in one run instead of one letter at a time (issue 19 item 12).

WeasyPrint 70 lays out and draws every character of an SVG ``<text>`` on its own (a
Pango layout, a position and a text-drawing call per letter), so that per-glyph ``x``,
``y``, ``dx``, ``dy`` and ``rotate`` lists can place each one. The report's figures
never use those lists: each label is one run at one (x, y). Their four hundred-odd
letters cost about a tenth of a warm PDF.

For a ``<text>`` or ``<tspan>`` whose placement is one point (at most one ``x`` and one
``y``, no ``dx``, ``dy``, ``rotate``, ``letter-spacing`` or ``textLength``), the
text WeasyPrint's own drawing function is given reads as a single "letter": a ``str``
whose iteration yields the whole string. The function then makes one layout and one
drawing call for the label, with its own style, fill, anchor and bounding box; the
glyphs are those of the same font at the same size, shaped as one run (so with the
font's kerning, as HTML text is). Anything else (a ``textPath``, per-glyph lists) takes
WeasyPrint's unchanged path.

``install()`` replaces the function in WeasyPrint's SVG tag table and in the module
namespace that compares against it (``weasyprint.svg.text``), once per process; a
WeasyPrint whose table is not as expected is left alone. pyproject.toml pins
WeasyPrint's major version, and tests/test_report_pdf_svg_text.py compares the drawn
labels with WeasyPrint's own path.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["install", "single_run"]

_PER_GLYPH = ("dx", "dy", "rotate", "letter-spacing", "textLength")
_TAGS = ("text", "tspan")
_lock = threading.Lock()


class _OneRun(str):
    """A string that iterates as one item, itself: WeasyPrint's per-letter loop then
    lays out and draws the whole label once."""

    __slots__ = ()

    def __iter__(self) -> Iterator[str]:
        yield str(self)


def _one_value(value: str | None) -> bool:
    return value is None or len(value.replace(",", " ").split()) <= 1


def single_run(node: Any) -> bool:
    """Whether an SVG text node is placed as one run (no per-glyph positions)."""
    attrib = node.attrib
    return (
        node.tag in _TAGS
        and not any(name in attrib for name in _PER_GLYPH)
        and _one_value(attrib.get("x"))
        and _one_value(attrib.get("y"))
    )


def _one_run_text(original: Callable[..., Any]) -> Callable[..., Any]:
    def text(svg: Any, node: Any, font_size: float) -> Any:
        etree = node._etree_node
        if etree.text and single_run(node):
            etree.text = _OneRun(etree.text)
        return original(svg, node, font_size)

    text.original = original  # type: ignore[attr-defined]
    return text


def install() -> bool:
    """Route single-run SVG text through one layout; True if installed (now or before)."""
    import weasyprint.svg as svg

    with _lock:
        current = getattr(svg, "text", None)
        if hasattr(current, "original"):
            return True
        if not callable(current) or any(svg.TAGS.get(tag) is not current for tag in _TAGS):
            return False
        fast = _one_run_text(current)
        for tag, function in list(svg.TAGS.items()):
            if function is current:
                svg.TAGS[tag] = fast
        svg.text = fast
        return True
