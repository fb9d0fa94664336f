"""No half-empty PDF pages (issue 19 item 4): for the synthetic full case and every example,
each page but the last is filled to within a quarter of its height. A page ends early
only where what follows cannot be split (a figure, a small table, an option); the print
stylesheet keeps those blocks small and lets a row of figures end a page."""

from __future__ import annotations

from typing import Any

import pytest

from gistcds.report.html import render_html
from gistcds.report.model import build_report
from gistcds.report.pdf import render_document
from test_report_html import CASES
from test_report_model import GENERATED

MAX_EMPTY = 0.25


def _empty_below(doc: Any) -> list[float]:
    """Share of each page's content height left empty below its last line, table row or
    figure, for every page but the last."""
    from weasyprint.formatting_structure import boxes

    shares = []
    for page in doc.pages[:-1]:
        page_box = page._page_box
        top = page_box.content_box_y()
        last = top
        stack = [b for b in page_box.children if not isinstance(b, boxes.MarginBox)]
        while stack:
            box = stack.pop()
            if isinstance(box, boxes.LineBox | boxes.TableRowBox | boxes.ReplacedBox):
                last = max(last, box.position_y + box.margin_height())
            else:
                stack.extend(getattr(box, "children", []))
        shares.append((top + page_box.height - last) / page_box.height)
    return shares


@pytest.mark.parametrize("name", sorted(n for n in CASES if n != "synthetic-empty"))
def test_no_page_is_left_partly_empty(name: str) -> None:
    html = render_html(build_report(*CASES[name](), generated=GENERATED))
    shares = _empty_below(render_document(html))
    assert shares, "every case with content fills more than one page"
    worst = max(shares)
    assert worst <= MAX_EMPTY, (
        f"page {shares.index(worst) + 1} is {worst:.0%} empty: {[f'{s:.0%}' for s in shares]}"
    )


def test_the_measure_sees_an_empty_page() -> None:
    html = (
        '<html><body><p>one</p><p style="break-before: page">two</p>'
        '<p style="break-before: page">three</p></body></html>'
    )
    shares = _empty_below(render_document(html))
    assert len(shares) == 2 and min(shares) > 0.9
