"""HTML and PDF reports from one Jinja2 template (PDF through WeasyPrint).

The HTML is a single self-contained file: inline CSS, inline SVG figures, no
script, font, image or stylesheet fetched from anywhere. The PDF renders that
same HTML with a URL fetcher that refuses every URL, so a report can never reach
the network. jinja2 and weasyprint are imported only here, lazily (weasyprint only for a
PDF); the figures need no plotting library.
"""

from __future__ import annotations

import datetime as dt
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from gistcds.domain.assessment import Assessment
from gistcds.knowledge import KnowledgeBase
from gistcds.report.model import ReportData, build_report

if TYPE_CHECKING:
    import jinja2

TEMPLATES = Path(__file__).parent / "templates"


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """One Jinja2 environment per process (it keeps the compiled template), with the
    compiled template also kept on disk in gistcds's private cache folder: compiling the
    report template costs more than rendering it."""
    import jinja2

    from gistcds.knowledge.cache import private_subdir

    folder = private_subdir("jinja2")
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(folder)) if folder else None,
    )


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


def render_html(data: ReportData) -> str:
    """The report as one self-contained HTML (well-formed XML) document."""
    from gistcds.report.plots import all_plots

    env = _environment()
    env.filters["capitalize"] = _first_upper
    template = env.get_template("report.html.j2")
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    num = {sid: i for i, (sid, _) in enumerate(data.sections, 1)}
    return template.render(d=data, plots=all_plots(data), css=css, num=num)


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


XHTML = "{http://www.w3.org/1999/xhtml}"


@lru_cache(maxsize=4)
def _without_custom_properties(css: str) -> str:
    """The stylesheet with every ``var(--name)`` replaced by its value from ``:root`` and
    the ``:root`` block dropped: WeasyPrint resolves custom properties per element and
    property, about a tenth of a PDF's layout work. (The web page keeps the variables.)"""
    import re

    root = re.search(r":root\s*\{([^}]*)\}", css)
    if root is None:
        return css
    values = dict(re.findall(r"--([\w-]+)\s*:\s*([^;]+);", root.group(1)))
    out = css[: root.start()] + css[root.end() :]
    return re.sub(r"var\(--([\w-]+)\)", lambda m: values.get(m.group(1), m.group(0)), out)


def _document(html: str, fetcher: Any) -> Any:
    """A WeasyPrint document of the report. The report is well-formed XHTML (a test holds
    it so), so the C XML parser reads it in milliseconds, where WeasyPrint's own HTML5
    parser (pure Python) takes a tenth of a warm PDF and, on its first use in a process,
    about a fifth of a cold one. WeasyPrint sees the same tree its parser would give (HTML
    tags without namespace, SVG tags in the SVG namespace); anything else is parsed by
    WeasyPrint itself."""
    import xml.etree.ElementTree as ET

    import cssselect2
    import weasyprint

    try:
        root = ET.fromstring(html)
    except ET.ParseError:
        return weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=None)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith(XHTML):
            element.tag = element.tag[len(XHTML) :]
            if element.tag == "style" and element.text:
                element.text = _without_custom_properties(element.text)
    doc = weasyprint.HTML(string="<html></html>", url_fetcher=fetcher, base_url=None)
    doc.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    doc.etree_element = doc.wrapper_element.etree_element
    return doc


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of a rendered report (WeasyPrint; no URL is ever fetched)."""
    import logging

    # WeasyPrint logs every unsupported CSS property at WARNING; keep stderr for us.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    pdf = _document(html, _no_fetch()).write_pdf(font_config=_font_config())
    assert isinstance(pdf, bytes)
    return pdf


def write_report(
    path: str | Path,
    assessment: Assessment,
    kb: KnowledgeBase,
    generated: dt.datetime | None = None,
) -> Path:
    """Write ``.html`` or ``.pdf`` (by suffix) and return the path written."""
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        from gistcds.errors import InputError, Problem

        raise InputError([Problem("--report", f"must end in .html or .pdf, got {str(path)!r}")])
    data = build_report(assessment, kb, generated)
    html = render_html(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".pdf":
        out.write_bytes(html_to_pdf(html))
    else:
        out.write_text(html, encoding="utf-8")
    return out
