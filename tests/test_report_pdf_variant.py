"""The HTML the PDF is made from (``render_html(..., for_pdf=True)``) hands WeasyPrint fewer
boxes than the page's HTML (issue 19 item 12): one link per citation instead of one per
number, set column widths for the tables whose columns are known. It must say the same
thing, and every link in the PDF must lead somewhere."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from gistcds.report.html import render_html
from gistcds.report.model import build_report
from gistcds.report.pdf import render_document
from test_report_html import CASES
from test_report_model import GENERATED, full_case

XHTML = "{http://www.w3.org/1999/xhtml}"


def _text(html: str) -> str:
    """The printed text: the body's, without the contents (not printed, report.css)."""
    body = ET.fromstring(html).find(f"{XHTML}body")
    assert body is not None
    for nav in body.findall(f"{XHTML}nav"):
        body.remove(nav)
    return re.sub(r"\s+", " ", "".join(body.itertext())).strip()


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_pdfs_html_has_the_pages_text(name: str) -> None:
    data = build_report(*CASES[name](), generated=GENERATED)
    page, pdf = render_html(data), render_html(data, for_pdf=True)
    assert pdf != page or name == "synthetic-empty"
    assert _text(pdf) == _text(page)


def test_one_link_per_citation_to_its_first_source_and_set_table_widths() -> None:
    data = build_report(*full_case(), generated=GENERATED)
    page, pdf = render_html(data), render_html(data, for_pdf=True)
    cites = re.findall(r'<a class="cite" href="#ref-(\d+)">\[([\d, ]+)\]</a>', pdf)
    assert cites and 'class="cite"' not in re.sub(r'<a class="cite"[^>]*>', "", pdf)
    assert all(numbers.split(", ")[0] == first for first, numbers in cites)
    assert any(", " in numbers for _, numbers in cites)  # a group of several sources
    # the page keeps a link per number
    assert len(re.findall(r'<a href="#ref-\d+">', page)) > len(cites)
    # tables with set widths: the widths of each add up to the table's
    for group in re.findall(r"<colgroup>(.*?)</colgroup>", pdf):
        widths = [float(w) for w in re.findall(r"width: ([\d.]+)%", group)]
        assert len(widths) >= 2 and sum(widths) == pytest.approx(100)
    assert "<colgroup>" not in page
    # the contents list is not printed: the PDF's HTML leaves it out
    assert '<nav aria-label="Contents"' in page and "<nav" not in pdf


def test_every_link_in_the_pdf_leads_to_a_source_in_the_list() -> None:
    html = render_html(build_report(*full_case(), generated=GENERATED), for_pdf=True)
    doc = render_document(html)
    anchors = {name for page in doc.pages for name in page.anchors}
    links = [(kind, target) for page in doc.pages for kind, target, *_ in page.links]
    cited = set(re.findall(r'href="#(ref-\d+)"', html))
    assert links and all(kind == "internal" for kind, _ in links)
    assert {target for _, target in links} == cited
    assert cited <= anchors
