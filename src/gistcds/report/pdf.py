"""The PDF of a rendered report, through WeasyPrint (imported here only, lazily).

A warm PDF costs what WeasyPrint does per element and per line, so this module hands it
less to do, without changing what is drawn (a test compares the pages with WeasyPrint's
own unmodified path):

- the report is well-formed XHTML, read by the C XML parser instead of WeasyPrint's
  HTML5 parser (pure Python);
- the report's stylesheet is parsed once per process, with its custom properties
  resolved, and given to WeasyPrint as a parsed object;
- WeasyPrint's user-agent stylesheet gives every element of the document six
  pseudo-elements (``::marker`` and the footnote and note calls and markers), each with
  its own computed style: about a sixth of a warm PDF for a report that has no footnote
  and no list item outside ``li``. The report uses a copy of WeasyPrint's parsed
  user-agent stylesheet with those rules limited to the elements they can apply to;
- the figures' SVG labels are laid out and drawn as one run each, not one letter at a
  time (``report/weasy_svg_text.py``);
- each text's Pango layout is kept from layout to drawing instead of being built again
  (``report/weasy_text.py``);
- the HTML it renders is the report's PDF variant (``render_html(..., for_pdf=True)``):
  one link per citation, set column widths for the tables whose columns are known;
- WeasyPrint is imported without its library search, its C declarations read from
  cffi's stored tables and two unused fontTools modules deferred
  (``report/weasy_import.py``, ``report/weasy_ffi.py``);
- the PDF's streams are deflated at zlib's default level, not pydyf's level 9
  (:class:`_Deflate`);
- fonts are configured once per thread;
- Python's cyclic garbage collector is paused while the main thread renders: WeasyPrint
  allocates some hundred thousand objects per report, and each of the collections they
  trigger walks every object the process holds (knowledge base, modules), about a seventh
  of a warm PDF. The render's garbage is collected as usual afterwards.

This reaches into WeasyPrint internals (``HTML.wrapper_element``, ``HTML.etree_element``,
``HTML._ua_stylesheets``, the parsed stylesheet's cssselect2 matcher, pydyf's ``zlib``),
so pyproject.toml pins WeasyPrint's major version; each step checks what it changes is
as expected and otherwise leaves WeasyPrint's own behaviour. tests/test_report_pdf_parse.py
renders the full case both ways and compares the pages.
"""

from __future__ import annotations

import gc
import logging
import re
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, NoReturn

__all__ = ["html_to_pdf", "render_document", "warm_up"]

XHTML = "{http://www.w3.org/1999/xhtml}"
# Rules of WeasyPrint's html5_ua.css that match every element and create a pseudo-element
# with a computed style for each: ::marker applies only to list items, footnote and note
# pseudo-elements only to elements floated into footnotes or notes, which a report has none.
_UA_MARKER_ELEMENTS = ("li", "summary")
_UA_NOTE_RULES = ("footnote-call", "footnote-marker", "note-call", "note-marker", "note-callback")

_fonts = threading.local()


def _font_config() -> Any:
    """WeasyPrint's font configuration, shared by the PDFs of one thread (building one per
    document costs about a fifth of a warm PDF; one per thread, as the service renders
    reports in several)."""
    config = getattr(_fonts, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _fonts.config = FontConfiguration()
    return config


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"gistcds reports fetch nothing ({url})")


def _no_fetch() -> Any:
    """A WeasyPrint URL fetcher that refuses every URL (API of WeasyPrint 61 to 70+)."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before the URLFetcher class: a plain function
        return _refuse_fetch

    class _Refuse(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            return _refuse_fetch(url)

    return _Refuse(allowed_protocols=())


class _Deflate:
    """pydyf's ``zlib`` with its level 9 lowered to zlib's default, 6. pydyf compresses
    every stream of the PDF (page contents, the fonts) at level 9: about 34 ms of a PDF,
    against 9 ms at level 6 for a file 2 % larger (the same bytes once inflated)."""

    LEVEL = 6

    def compressobj(self, level: int = -1, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(min(level, self.LEVEL), *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


def _lower_compression() -> None:
    """Give pydyf (WeasyPrint's PDF writer) the ``zlib`` of :class:`_Deflate`, once."""
    import pydyf

    if getattr(pydyf, "zlib", None) is zlib:
        pydyf.zlib = _Deflate()


@lru_cache(maxsize=4)
def _without_custom_properties(css: str) -> str:
    """The stylesheet with every ``var(--name)`` replaced by its value from ``:root`` and
    the ``:root`` block dropped: WeasyPrint resolves custom properties per element and
    property, about a tenth of a PDF's layout work. (The web page keeps the variables.)"""
    root = re.search(r":root\s*\{([^}]*)\}", css)
    if root is None:
        return css
    values = dict(re.findall(r"--([\w-]+)\s*:\s*([^;]+);", root.group(1)))
    out = css[: root.start()] + css[root.end() :]
    return re.sub(r"var\(--([\w-]+)\)", lambda m: values.get(m.group(1), m.group(0)), out)


@lru_cache(maxsize=4)
def _stylesheet(css: str) -> Any:
    """The report's stylesheet parsed once per process (WeasyPrint's CSS objects are
    read-only once built; its own user-agent stylesheet is one shared object too)."""
    import weasyprint

    return weasyprint.CSS(string=_without_custom_properties(css), url_fetcher=_no_fetch())


def _limited_ua(sheet: Any) -> Any | None:
    """A copy of WeasyPrint's parsed user-agent stylesheet whose every-element
    pseudo-element rules are limited to the elements they apply to (``::marker`` to ``li``
    and ``summary``, the footnote and note ones dropped); WeasyPrint's own is left as it
    is. Made from the parsed rules, not by parsing the file again (about 27 ms of a cold
    PDF); None if the stylesheet is not as expected."""
    import copy

    matcher = getattr(sheet, "matcher", None)
    universal = getattr(matcher, "other_selectors", None)
    by_name = getattr(matcher, "lower_local_name_selectors", None)
    if not isinstance(universal, list) or not isinstance(by_name, dict):
        return None
    if not all(isinstance(entry, tuple) and len(entry) == 5 for entry in universal):
        return None
    # cssselect2's entries: (test, specificity, order, pseudo-element, payload)
    markers = [entry for entry in universal if entry[3] == "marker"]
    notes = [entry for entry in universal if entry[3] in _UA_NOTE_RULES]
    if len(markers) != 1 or len(notes) != len(_UA_NOTE_RULES):
        return None
    dropped = {id(entry) for entry in markers + notes}
    named = {name: list(rules) for name, rules in by_name.items()}
    for name in _UA_MARKER_ELEMENTS:
        named.setdefault(name, []).append(markers[0])
    limited: Any = copy.copy(matcher)
    limited.other_selectors = [entry for entry in universal if id(entry) not in dropped]
    limited.lower_local_name_selectors = named
    out = copy.copy(sheet)
    out.matcher = limited
    return out


@lru_cache(maxsize=1)
def _user_agent_stylesheets() -> list[Any] | None:
    from weasyprint.html import UA_STYLESHEET

    limited = _limited_ua(UA_STYLESHEET)
    return None if limited is None else [limited]


@lru_cache(maxsize=1)
def _report_html_class() -> type:
    import weasyprint

    ua = _user_agent_stylesheets()

    class ReportHTML(weasyprint.HTML):  # type: ignore[misc]
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            if ua is None or forms:
                return super()._ua_stylesheets(forms)  # type: ignore[no-any-return]
            return ua

    return ReportHTML


def warm_up(css: str | None = None) -> None:
    """Everything a first PDF costs besides its own layout: WeasyPrint's import, the fonts,
    the user-agent stylesheet and, given its text, the report's stylesheet (a process that
    will render a PDF can do this before it has the report: ``report/pdf_worker.py``)."""
    from gistcds.report import weasy_svg_text, weasy_text
    from gistcds.report.weasy_import import import_weasyprint

    import_weasyprint()
    weasy_svg_text.install()
    weasy_text.install()
    _lower_compression()
    _font_config()
    _report_html_class()
    if css is not None:
        _stylesheet(css.strip())


def render_document(html: str) -> Any:
    """The report laid out in pages (a WeasyPrint ``Document``). The report is
    well-formed XHTML (a test holds it so), so the C XML parser reads it in milliseconds,
    where WeasyPrint's own HTML5 parser takes a tenth of a warm PDF and, on its first use
    in a process, about a fifth of a cold one. WeasyPrint sees the same tree its parser
    would give (HTML tags without namespace, SVG tags in the SVG namespace) with the
    ``<style>`` element taken out and its stylesheet given parsed; anything that is not
    XML is left to WeasyPrint whole."""
    import xml.etree.ElementTree as ET

    import cssselect2

    from gistcds.report import weasy_svg_text, weasy_text
    from gistcds.report.weasy_import import import_weasyprint

    weasyprint = import_weasyprint()
    weasy_svg_text.install()
    weasy_text.install()
    _lower_compression()
    fetcher = _no_fetch()
    try:
        root = ET.fromstring(html)
    except ET.ParseError:
        doc = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=None)
        return doc.render(font_config=_font_config())
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith(XHTML):
            element.tag = element.tag[len(XHTML) :]
    sheets = []
    for parent in list(root.iter()):
        for style in parent.findall("style"):
            if style.get("media") is not None:
                continue
            sheets.append(_stylesheet((style.text or "").strip()))
            parent.remove(style)
    doc = _report_html_class()(string="<html></html>", url_fetcher=fetcher, base_url=None)
    doc.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    doc.etree_element = doc.wrapper_element.etree_element
    return doc.render(font_config=_font_config(), stylesheets=sheets)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block, in the main thread only: the
    collector is process-wide, and threads that render one report after another (the web
    service) could otherwise keep it off for good."""
    pause = gc.isenabled() and threading.current_thread() is threading.main_thread()
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if pause:
            gc.enable()


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of a rendered report (WeasyPrint; no URL is ever fetched)."""
    # WeasyPrint logs every unsupported CSS property at WARNING; keep stderr for us.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    with _collector_paused():
        pdf = render_document(html).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
