"""The PDF path reads the report's XHTML with the C XML parser and hands WeasyPrint the
tree its own HTML5 parser would build (issue 19 item 12): the pages must be the same."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from gistcds.report.html import _document, _no_fetch, _without_custom_properties, render_html
from gistcds.report.model import build_report
from test_report_model import GENERATED, full_case


def _text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True)
        return out.stdout.decode()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_xml_parsed_pdf_has_the_same_pages_as_weasyprints_own_parser() -> None:
    import weasyprint

    html = render_html(build_report(*full_case(), generated=GENERATED))
    own = weasyprint.HTML(string=html, url_fetcher=_no_fetch(), base_url=None).render()
    ours = _document(html, _no_fetch()).render()
    assert len(ours.pages) == len(own.pages) >= 4
    text = _text(ours.write_pdf())
    assert "Decision-support report" in text and "Treatment timeline" in text
    assert text == _text(own.write_pdf())


def test_a_document_that_is_not_xml_is_left_to_weasyprint() -> None:
    doc = _document("<p>one<br>two", _no_fetch())
    assert len(doc.render().pages) == 1


def test_custom_properties_are_resolved_for_the_pdf_only_where_defined() -> None:
    css = (
        ":root { --ink: #111; --rule: #ddd; }\n"
        "h1 { color: var(--ink); border: 1px solid var(--rule); }\n"
        "p { color: var(--other); }"
    )
    out = _without_custom_properties(css)
    assert "h1 { color: #111; border: 1px solid #ddd; }" in out
    assert "var(--other)" in out and ":root" not in out
    assert _without_custom_properties("p { color: red; }") == "p { color: red; }"
