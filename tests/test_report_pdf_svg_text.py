"""SVG labels drawn as one run (report/weasy_svg_text.py, issue 19 item 12): the same words
at the same places as WeasyPrint's letter-by-letter path, and only for single-run text."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from gistcds.report import weasy_svg_text
from gistcds.report.pdf import render_document

SVG = (
    '<html><body><svg xmlns="http://www.w3.org/2000/svg" width="300" height="200" '
    'viewBox="0 0 300 200" font-family="DejaVu Sans, sans-serif">'
    '<text x="20" y="30" font-size="8px" fill="#1f2933">Tumour size over time</text>'
    '<text x="150" y="60" font-size="9.5px" text-anchor="middle" font-weight="bold">'
    "Progression-free survival</text>"
    '<text x="280" y="90" font-size="8px" text-anchor="end">RECIST PR −30 %</text>'
    '<text x="12" y="150" font-size="9px" text-anchor="middle" '
    'transform="rotate(-90 12 150)">probability</text>'
    "</svg></body></html>"
)


def _words(pdf: bytes) -> list[tuple[str, float, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(
            ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    return [
        (word, float(x), float(y))
        for x, y, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)<', out)
    ]


def _node(tag: str, **attrib: str) -> SimpleNamespace:
    return SimpleNamespace(tag=tag, attrib={k.replace("_", "-"): v for k, v in attrib.items()})


def test_only_text_placed_as_one_run_takes_the_single_layout() -> None:
    assert weasy_svg_text.single_run(_node("text", x="20", y="30"))
    assert weasy_svg_text.single_run(_node("tspan"))
    assert not weasy_svg_text.single_run(_node("text", x="20 30 40", y="30"))
    assert not weasy_svg_text.single_run(_node("text", x="20,30", y="30"))
    assert not weasy_svg_text.single_run(_node("text", x="20", y="30", dx="2"))
    assert not weasy_svg_text.single_run(_node("text", x="20", y="30", rotate="0 45"))
    assert not weasy_svg_text.single_run(_node("text", x="20", y="30", letter_spacing="1"))
    assert not weasy_svg_text.single_run(_node("text", textLength="80"))
    assert not weasy_svg_text.single_run(_node("textPath"))


def test_the_run_iterates_as_one_letter() -> None:
    run = weasy_svg_text._OneRun("months")
    assert list(run) == ["months"] and run == "months" and len(run) == 6


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_labels_are_drawn_where_weasyprints_own_path_draws_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import weasyprint.svg as svg

    ours = render_document(SVG)  # installs the single run
    assert weasy_svg_text.install() and hasattr(svg.TAGS["text"], "original")
    fast = _words(ours.write_pdf())
    original = svg.TAGS["text"].original
    for tag, function in list(svg.TAGS.items()):
        if function is svg.text:
            monkeypatch.setitem(svg.TAGS, tag, original)
    monkeypatch.setattr(svg, "text", original)
    own = _words(render_document(SVG).write_pdf())  # letter by letter
    assert [w for w, _, _ in fast] == [w for w, _, _ in own]
    assert {"Tumour", "Progression-free", "RECIST", "−30", "probability"} <= {w for w, *_ in own}
    for (word, x1, y1), (_, x2, y2) in zip(fast, own, strict=True):
        # the same place, to within the kerning one run adds over the whole label
        assert abs(x1 - x2) < 1.5 and abs(y1 - y2) < 0.5, (word, x1, x2, y1, y2)


def test_a_weasyprint_whose_tag_table_differs_is_left_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import weasyprint.svg as svg

    weasy_svg_text.install()
    original = svg.TAGS["text"].original
    monkeypatch.setattr(svg, "text", original)
    monkeypatch.setitem(svg.TAGS, "text", original)
    monkeypatch.setitem(svg.TAGS, "tspan", lambda *a: None)  # not the text function
    assert weasy_svg_text.install() is False
    assert svg.TAGS["text"] is original
