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
    html = render_html(build_report(*CASES[name](), generated=GENERATED), for_pdf=True)
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


def _lines_outside_the_colophon(page: Any) -> int:
    from weasyprint.formatting_structure import boxes

    count, stack = 0, [(b, False) for b in page._page_box.children]
    while stack:
        box, inside = stack.pop()
        inside = inside or getattr(box, "element_tag", None) == "footer"
        if isinstance(box, boxes.MarginBox):
            continue
        if isinstance(box, boxes.LineBox) and not inside:
            count += 1
        stack.extend((child, inside) for child in getattr(box, "children", []))
    return count


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_closing_disclaimer_never_stands_alone_on_the_last_page(name: str) -> None:
    """The colophon (disclaimer, versions) keeps company: the last page also holds the end of
    the report before it (it once held the disclaimer alone)."""
    html = render_html(build_report(*CASES[name](), generated=GENERATED), for_pdf=True)
    doc = render_document(html)
    assert _lines_outside_the_colophon(doc.pages[-1]) > 0


def test_the_colophon_takes_the_last_source_along_whatever_the_lists_length() -> None:
    """With the report's stylesheet, a reference list of every length from one to three
    pages: the colophon never starts a page on its own (without the rule it does for some
    lengths, as it did for the sdh-deficient example)."""
    from gistcds.report.html import TEMPLATES

    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    item = (
        "<li>Author A, Author B, et al. A title long enough to fill most of a line of the "
        "printed reference list. Journal. 2020. <span class='rid'>PMID 12345678</span></li>"
    )
    alone = []
    for n in range(40, 100, 3):
        html = (
            f"<html><head><style>{css}</style></head><body><main><section><h2>References</h2>"
            f"<ol class='refs'>{item * n}</ol></section></main><footer class='colophon'>"
            "<p><strong>Decision support only.</strong></p><p>gistcds · generated</p>"
            "</footer></body></html>"
        )
        if _lines_outside_the_colophon(render_document(html).pages[-1]) == 0:
            alone.append(n)
    assert not alone


def test_the_colophon_measure_sees_a_colophon_alone() -> None:
    html = (
        "<html><body><main><p>one</p></main>"
        '<footer style="break-before: page"><p>disclaimer</p></footer></body></html>'
    )
    doc = render_document(html)
    assert _lines_outside_the_colophon(doc.pages[0]) == 1
    assert _lines_outside_the_colophon(doc.pages[-1]) == 0
