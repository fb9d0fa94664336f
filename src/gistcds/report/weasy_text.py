"""Each text's Pango layout kept from layout to drawing (issue 19 item 12).

WeasyPrint 70 lays out every line of text with a Pango layout, then drops the layout's
Pango objects (``Layout.deactivate``) to keep memory low in long documents, and builds
them again to draw the line (``Layout.reactivate``): a new Pango context, font
description, font features and layout for each of the report's ~600 text boxes, about a
twentieth of a warm PDF. A report has a few pages, so the objects are kept: deactivating
only marks the layout, and reactivating it with the style it was laid out with sets
again what drawing needs from a fresh layout (no width, the text with its spacing). A
layout reactivated with another style, or never kept, takes WeasyPrint's own path.

``install()`` replaces the two methods of ``weasyprint.text.line_break.Layout``, once
per process; a WeasyPrint whose class is not as expected is left alone. The PDF is the
same byte for byte (tests/test_report_pdf_parse.py compares it with WeasyPrint's own
path for the full case).
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["install"]

_lock = threading.Lock()
_KEPT = "_gistcds_kept"


def _kept_methods(
    original_deactivate: Any, original_reactivate: Any, pango: Any
) -> tuple[Any, Any]:
    def deactivate(self: Any) -> None:
        setattr(self, _KEPT, True)

    def reactivate(self: Any, style: Any) -> None:
        if getattr(self, _KEPT, False) and style is getattr(self, "style", None):
            pango.pango_layout_set_width(self.layout, -1)  # as a new layout has
            self.set_text(self.text, justify=True)
            return
        original_reactivate(self, style)

    deactivate.original = original_deactivate  # type: ignore[attr-defined]
    reactivate.original = original_reactivate  # type: ignore[attr-defined]
    return deactivate, reactivate


def install() -> bool:
    """Keep text layouts for drawing; True if installed (now or before)."""
    from weasyprint.text import line_break
    from weasyprint.text.ffi import pango

    with _lock:
        layout = getattr(line_break, "Layout", None)
        current = getattr(layout, "reactivate", None)
        if hasattr(current, "original"):
            return True
        needed = ("deactivate", "reactivate", "set_text", "setup")
        if layout is None or not all(callable(getattr(layout, n, None)) for n in needed):
            return False
        deactivate, reactivate = _kept_methods(layout.deactivate, current, pango)
        layout.deactivate = deactivate
        layout.reactivate = reactivate
        return True
