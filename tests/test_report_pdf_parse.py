"""The PDF path reads the report's XHTML with the C XML parser, hands WeasyPrint the tree
its own HTML5 parser would build with the stylesheet parsed once, and a user-agent
stylesheet without the rules that cannot apply to a report (issue 19 item 12): the pages
must be the same as WeasyPrint's own, unmodified path gives."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from gistcds.report.html import render_html
from gistcds.report.model import build_report
from gistcds.report.pdf import (
    _limited_ua,
    _no_fetch,
    _user_agent_stylesheets,
    _without_custom_properties,
    render_document,
)
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
    ours = render_document(html)
    assert len(ours.pages) == len(own.pages) >= 4
    text = _text(ours.write_pdf())
    assert "Decision-support report" in text and "Treatment timeline" in text
    assert text == _text(own.write_pdf())


def test_a_document_that_is_not_xml_is_left_to_weasyprint() -> None:
    assert len(render_document("<p>one<br>two").pages) == 1


def test_the_user_agent_stylesheet_is_limited_only_where_expected() -> None:
    from importlib.resources import files

    text = (files("weasyprint") / "css" / "html5_ua.css").read_text(encoding="utf-8")
    limited = _limited_ua(text)
    assert limited is not None and _user_agent_stylesheets() is not None
    assert "\nli::marker, summary::marker {" in limited
    assert "::footnote" not in limited and "::note" not in limited
    # every other rule is kept as it was
    assert len(text.splitlines()) - len(limited.splitlines()) == 5
    # a stylesheet not as expected is used unchanged (None: WeasyPrint's own)
    assert _limited_ua(text.replace("::footnote-call {", "::footnote-reference {")) is None
    assert _limited_ua("p { color: red }") is None


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


def test_the_collector_is_paused_only_in_the_main_thread_and_restored() -> None:
    import gc
    import threading

    from gistcds.report.pdf import _collector_paused

    assert gc.isenabled()
    with _collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), _collector_paused():
        raise RuntimeError("a failed render")
    assert gc.isenabled()

    seen: list[bool] = []

    def worker() -> None:
        with _collector_paused():
            seen.append(gc.isenabled())

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [True]  # another thread leaves the process-wide collector alone
