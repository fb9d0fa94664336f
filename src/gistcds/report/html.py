"""HTML and PDF reports from one Jinja2 template (PDF through WeasyPrint).

The HTML is a single self-contained file: inline CSS, inline SVG figures, no
script, font, image or stylesheet fetched from anywhere. The PDF renders that
same HTML with a URL fetcher that refuses every URL, so a report can never reach
the network. jinja2 is imported only here, lazily, and weasyprint only for a PDF, in
``gistcds.report.pdf``; the figures need no plotting library.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from gistcds.domain.assessment import Assessment
from gistcds.knowledge import KnowledgeBase
from gistcds.report.assets import TEMPLATES, report_css
from gistcds.report.model import ReportData, build_report

if TYPE_CHECKING:
    import jinja2

    from gistcds.report.pdf_worker import PdfWorker


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """One Jinja2 environment per process (it keeps the compiled template), with the
    compiled template also kept on disk in gistcds's private cache folder: compiling the
    report template costs more than rendering it."""
    import jinja2

    from gistcds.cache_folder import private_subdir

    folder = private_subdir("jinja2")
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(folder)) if folder else None,
    )


def render_html(data: ReportData, for_pdf: bool = False) -> str:
    """The report as one self-contained HTML (well-formed XML) document; ``for_pdf`` gives
    the variant the PDF is made from (same text, fewer boxes for WeasyPrint to lay out)."""
    from gistcds.report.plots import all_plots

    env = _environment()
    env.filters["capitalize"] = _first_upper
    template = env.get_template("report.html.j2")
    num = {sid: i for i, (sid, _) in enumerate(data.sections, 1)}
    return template.render(
        d=data, plots=all_plots(data), css=report_css(), num=num, for_pdf=for_pdf
    )


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of a rendered report (``gistcds.report.pdf``; no URL is ever fetched)."""
    from gistcds.report.pdf import html_to_pdf as to_pdf

    return to_pdf(html)


def write_report(
    path: str | Path,
    assessment: Assessment,
    kb: KnowledgeBase,
    generated: dt.datetime | None = None,
    pdf_worker: PdfWorker | None = None,
) -> Path:
    """Write ``.html`` or ``.pdf`` (by suffix) and return the path written; a PDF comes
    from ``pdf_worker`` when one is given and answers (``report/pdf_worker.py``)."""
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        from gistcds.errors import InputError, Problem

        raise InputError([Problem("--report", f"must end in .html or .pdf, got {str(path)!r}")])
    data = build_report(assessment, kb, generated)
    html = render_html(data, for_pdf=suffix == ".pdf")
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".pdf":
        pdf = pdf_worker.render(html) if pdf_worker is not None else None
        out.write_bytes(pdf if pdf is not None else html_to_pdf(html))
    else:
        out.write_text(html, encoding="utf-8")
    return out
