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
    """The copy of WeasyPrint's parsed user-agent stylesheet keeps every rule but the
    every-element pseudo-element ones: ::marker only for li and summary, no footnote or
    note rule; WeasyPrint's own stylesheet is unchanged."""
    import weasyprint
    from weasyprint.html import UA_STYLESHEET

    def pseudo(entries: list[tuple[object, ...]]) -> list[object]:
        return sorted(str(entry[3]) for entry in entries if entry[3])

    own = UA_STYLESHEET.matcher
    own_universal = pseudo(own.other_selectors)
    (limited,) = _user_agent_stylesheets() or [None]
    assert limited is not None and limited is not UA_STYLESHEET
    ours = limited.matcher
    assert pseudo(ours.other_selectors) == []
    assert own_universal == ["footnote-call", "footnote-marker", "marker", "note-call",
                             "note-callback", "note-marker"]  # fmt: skip
    assert pseudo(own.other_selectors) == own_universal  # WeasyPrint's own: untouched
    assert len(own.other_selectors) - len(ours.other_selectors) == 6
    for name, entries in own.lower_local_name_selectors.items():
        added = ["marker"] if name in ("li", "summary") else []
        assert pseudo(ours.lower_local_name_selectors[name]) == sorted(pseudo(entries) + added)
        assert len(ours.lower_local_name_selectors[name]) == len(entries) + len(added)
    for other in ("id_selectors", "class_selectors", "namespace_selectors"):
        assert getattr(ours, other) == getattr(own, other)
    assert limited.page_rules is UA_STYLESHEET.page_rules
    # a stylesheet not as expected is used unchanged (None: WeasyPrint's own)
    assert _limited_ua(weasyprint.CSS(string="p { color: red }")) is None
    assert _limited_ua(object()) is None


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


def test_the_pdf_streams_are_deflated_at_the_default_level_with_the_same_text() -> None:
    """pydyf deflates at level 9 (zlib header 78 DA); the report's PDF at zlib's default
    (78 9C): cheaper to write, the same pages and text once inflated."""
    import re
    import zlib

    import pydyf

    from gistcds.report.pdf import _Deflate, html_to_pdf

    html = render_html(build_report(*full_case(), generated=GENERATED), for_pdf=True)
    ours = html_to_pdf(html)
    assert isinstance(pydyf.zlib, _Deflate)
    heads = re.findall(rb"(?<!end)stream\r?\n(..)", ours)
    assert len(heads) > 10 and set(heads) == {b"\x78\x9c"}
    document = render_document(html)
    pydyf.zlib = zlib  # pydyf's own level 9, for comparison
    try:
        nine = document.write_pdf()
    finally:
        pydyf.zlib = _Deflate()
    assert set(re.findall(rb"(?<!end)stream\r?\n(..)", nine)) == {b"\x78\xda"}
    assert _text(ours) == _text(nine) and "Treatment timeline" in _text(ours)


def test_keeping_text_layouts_for_drawing_gives_the_same_pdf_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """report/weasy_text.py keeps each text's Pango layout from layout to drawing; the PDF
    is the one WeasyPrint's own rebuild-to-draw path writes, byte for byte."""
    from weasyprint.text import line_break

    from gistcds.report import weasy_text

    html = render_html(build_report(*full_case(), generated=GENERATED), for_pdf=True)
    ours = render_document(html).write_pdf()
    assert weasy_text.install() and hasattr(line_break.Layout.reactivate, "original")
    own_deactivate = line_break.Layout.deactivate.original
    own_reactivate = line_break.Layout.reactivate.original
    built_to_draw: list[object] = []

    def counted_reactivate(self: object, style: object) -> None:
        built_to_draw.append(self)
        own_reactivate(self, style)

    monkeypatch.setattr(weasy_text, "install", lambda: False)
    monkeypatch.setattr(line_break.Layout, "deactivate", own_deactivate)
    monkeypatch.setattr(line_break.Layout, "reactivate", counted_reactivate)
    own = render_document(html).write_pdf()
    assert len(built_to_draw) > 100  # WeasyPrint's own path did rebuild each layout
    assert ours == own and len(ours) > 10_000
