"""PDF report (WeasyPrint): it opens, has pages, and page 1 renders to a non-blank PNG.

pdftoppm (poppler-utils) renders the page; `make install` / CI install it where
missing (scripts/system-deps.sh). Outside CI a machine without it skips these.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gistcds.domain.assessment import Assessment
from gistcds.knowledge import KnowledgeBase
from gistcds.report.html import html_to_pdf, render_html
from gistcds.report.model import build_report
from test_report_model import GENERATED, empty_case, full_case

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "patients" / "progression-after-imatinib.json"


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} missing in CI: scripts/system-deps.sh should install it")
        pytest.skip(f"{tool} not installed (poppler-utils)")
    return path


def _page_stats(pdf: bytes, tmp_path: Path) -> tuple[int, float, tuple[int, int]]:
    """(pages, grey-level variance of page 1, page-1 size in px)."""
    from PIL import Image, ImageStat

    src = tmp_path / "r.pdf"
    src.write_bytes(pdf)
    info = subprocess.run(
        [_need("pdfinfo"), str(src)], check=True, capture_output=True, text=True
    ).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    subprocess.run(
        [
            _need("pdftoppm"),
            "-f",
            "1",
            "-l",
            "1",
            "-r",
            "40",
            "-png",
            str(src),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    png = next(tmp_path.glob("p*.png"))
    with Image.open(png) as im:
        grey = im.convert("L")
        return pages, float(ImageStat.Stat(grey).var[0]), grey.size


def _pdf(case: tuple[Assessment, KnowledgeBase]) -> bytes:
    assessment, kb = case
    return html_to_pdf(render_html(build_report(assessment, kb, GENERATED)))


def test_full_report_pdf_has_pages_and_a_non_blank_first_page(tmp_path: Path) -> None:
    pdf = _pdf(full_case())
    assert pdf.startswith(b"%PDF-")
    pages, variance, (w, h) = _page_stats(pdf, tmp_path)
    assert pages >= 3  # every section with figures does not fit on fewer
    assert h > w  # A4 portrait
    assert variance > 200, variance  # a blank page has variance ~0
    # document metadata: the title names the patient by id only, and no author
    info = subprocess.run(
        [_need("pdfinfo"), str(tmp_path / "r.pdf")], check=True, capture_output=True, text=True
    ).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert fields["Title"].strip() == "GIST decision-support report: synthetic-full-001"
    assert "Author" not in fields


def test_empty_report_pdf_still_renders(tmp_path: Path) -> None:
    pages, variance, _ = _page_stats(_pdf(empty_case()), tmp_path)
    assert pages >= 1
    assert variance > 100, variance


def test_example_pdf_through_assess(tmp_path: Path) -> None:
    from gistcds.assess import assess
    from gistcds.io.patient_json import load_patient
    from gistcds.knowledge import load_kb

    kb = load_kb()
    assessment = assess(load_patient(str(EXAMPLE)), kb)
    pages, variance, _ = _page_stats(_pdf((assessment, kb)), tmp_path)
    assert pages >= 1
    assert variance > 100, variance


def test_pdf_rendering_fetches_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every URL WeasyPrint would load goes to our fetcher, which refuses it."""
    import gistcds.report.html as report_html
    import gistcds.report.pdf as report_pdf

    asked: list[str] = []

    def refuse(url: str, *args: object, **kwargs: object) -> None:
        asked.append(url)
        raise ValueError("refused")

    monkeypatch.setattr(report_pdf, "_refuse_fetch", refuse)
    html = (
        '<html><head><link rel="stylesheet" href="http://127.0.0.1:9/s.css"/></head>'
        '<body><p>x</p><img src="http://127.0.0.1:9/x.png" alt="x"/></body></html>'
    )
    assert report_html.html_to_pdf(html).startswith(b"%PDF-")
    assert sorted(asked) == ["http://127.0.0.1:9/s.css", "http://127.0.0.1:9/x.png"]


def test_the_pdf_embeds_only_the_regular_and_bold_faces(tmp_path: Path) -> None:
    """The parts a report could not fill read "not assessed ..." in the muted colour: in
    the HTML in italics, in the PDF upright, so the PDF loads and embeds no oblique face
    for those lines alone. The empty case is mostly such parts."""
    data = build_report(*empty_case(), generated=GENERATED)
    html, web = render_html(data, for_pdf=True), render_html(data)
    assert 'class="missing upright"' in html and 'class="missing"' in web
    assert "missing upright" not in web
    src = tmp_path / "r.pdf"
    src.write_bytes(html_to_pdf(html))
    fonts = subprocess.run(
        [_need("pdffonts"), str(src)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    faces = sorted(line.split()[0].split("+")[-1] for line in fonts)
    assert faces == ["DejaVu-Sans", "DejaVu-Sans-Bold"]
    text = subprocess.run(
        [_need("pdftotext"), str(src), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Not assessed" in text
