"""The report's figures, written as SVG without a plotting library (issue 19 item 12):
what each figure shows (axes, labels, threshold lines, legends), that every mark and
label lies inside the figure, that text is at least 8 pt, and that drawing them imports
no plotting library."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from conftest import EXAMPLES, TODAY
from gistcds.domain.patient import Patient
from gistcds.report.model import build_report
from gistcds.report.plots import all_plots, density, sequence, spider, survival, swimmer, waterfall
from gistcds.report.plots.base import TEXT_PT
from gistcds.report.plots.svg import Figure, nice_ticks, text_width, tick_label
from gistcds.report.views import ReportData
from test_report_model import GENERATED, full_case

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def full() -> ReportData:
    return build_report(*full_case(), generated=GENERATED)


@pytest.fixture(scope="module")
def progression() -> ReportData:
    from gistcds.assess import assess
    from gistcds.knowledge import load_kb

    kb = load_kb()
    doc = json.loads((EXAMPLES / "progression-after-imatinib.json").read_text())
    patient = Patient.model_validate(doc, context={"today": TODAY})
    return build_report(assess(patient, kb), kb, GENERATED)


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def _inside(svg: str) -> None:
    """Every text (by its estimated extent) and every polyline point lies in the viewBox."""
    root = ET.fromstring(svg)
    _, _, w, h = (float(v) for v in root.get("viewBox", "").split())
    for t in root.iter(f"{SVG}text"):
        x, y, size = (
            float(t.get("x", 0)),
            float(t.get("y", 0)),
            float(t.get("font-size", "0px")[:-2]),
        )
        assert size >= TEXT_PT, (t.text, size)
        turned = bool(t.get("transform"))  # turned labels: the text runs up along y
        along, across, length, depth = (y, x, h, w) if turned else (x, y, w, h)
        extent = text_width(t.text or "", size, t.get("font-weight") == "bold")
        anchor = t.get("text-anchor", "")
        start = {"middle": along - extent / 2, "end": along - extent}.get(anchor, along)
        assert start >= -1 and start + extent <= length + 1, (t.text, start, extent, length)
        assert 0 <= across <= depth + 1, (t.text, across, depth)
    for line in root.iter(f"{SVG}polyline"):
        for pt in line.get("points", "").split():
            x, y = (float(v) for v in pt.split(","))
            assert -1 <= x <= w + 1 and -1 <= y <= h + 1, (pt, w, h)
    for path in root.iter(f"{SVG}path"):  # grid lines and tick marks
        for x, y in re.findall(r"[ML]([-0-9.]+) ([-0-9.]+)", path.get("d", "")):
            assert -1 <= float(x) <= w + 1 and -1 <= float(y) <= h + 1, (x, y, w, h)


def test_ticks_are_round_and_cover_the_range() -> None:
    assert nice_ticks(0, 30) == [0, 5, 10, 15, 20, 25, 30]
    assert nice_ticks(0, 17) == [0, 2.5, 5, 7.5, 10, 12.5, 15]
    assert nice_ticks(-45, 28, most=6) == [-40, -20, 0, 20]
    assert nice_ticks(3, 3) == [3]
    assert tick_label(-30) == "−30" and tick_label(2.5) == "2.5" and tick_label(0) == "0"


def test_figure_is_a_sized_svg_document_with_escaped_text() -> None:
    fig = Figure(3.5, 2.7)
    fig.text(10, 10, "PFS < 6 & OS", 8, "#000")
    root = ET.fromstring(fig.document())
    assert root.get("width") == "252pt" and root.get("height") == "194.4pt"
    assert root.get("viewBox") == "0 0 252 194.4"
    assert [t.text for t in root.iter(f"{SVG}text")] == ["PFS < 6 & OS"]


def test_every_figure_of_the_full_case_is_inside_its_box_with_print_size_text(
    full: ReportData,
) -> None:
    plots = all_plots(full)
    assert all(plots.values()), [k for k, v in plots.items() if not v]
    for name, svg in plots.items():
        assert svg is not None
        assert svg.startswith('<svg role="img"'), name
        _inside(svg)


def test_survival_has_both_panels_labelled_and_every_option_in_the_legend(
    full: ReportData,
) -> None:
    svg = survival(full)
    assert svg is not None
    texts = _texts(svg)
    for text in ("Progression-free survival", "Overall survival", "months"):
        assert text in texts, text
    assert texts.count("probability") == 2  # a y label on each panel
    assert texts.count("1.0") == 2 and texts.count("0.0") == 2
    assert full.prognosis is not None
    for cs in full.prognosis.curves:
        assert cs.name in texts  # the legend
    # the alternative is dashed and drawn right after (above) the recommended solid line
    lines = re.findall(
        r'<polyline [^>]*stroke="(#[0-9A-Fa-f]{6})" stroke-width="([0-9.]+)"'
        r'( stroke-dasharray="([0-9.,]+)")?',
        svg,
    )
    solid = [i for i, (_, w, _, _) in enumerate(lines) if w == "2.2"]
    dashed = [i for i, (_, w, _, d) in enumerate(lines) if w == "1.4" and d == "7,4.2"]
    assert len(solid) == 3 and all(i + 1 in dashed for i in solid)  # two panels, legend


def test_response_figures_carry_the_thresholds_labels_and_axes(progression: ReportData) -> None:
    sp, wf, dn = spider(progression), waterfall(progression), density(progression)
    assert sp is not None and wf is not None and dn is not None
    for svg in (sp, wf):
        texts = _texts(svg)
        assert {"RECIST PD +20 %", "RECIST PR −30 %", "Choi PR −10 %"} <= set(texts)
        _inside(svg)
        # one dashed line per threshold, in the RECIST and Choi colours
        assert svg.count('stroke="#D55E00" stroke-width="0.9"') == 2
        assert svg.count('stroke="#0072B2" stroke-width="0.9"') == 1
    assert "change from baseline (%)" in _texts(sp) and "months since baseline CT" in _texts(sp)
    assert "best change from baseline (%)" in _texts(wf) and "sum" in _texts(wf)
    assert "Choi PR −15 %" in _texts(dn) and "density change (%)" in _texts(dn)
    _inside(dn)


def test_sequence_and_swimmer_name_every_line(full: ReportData) -> None:
    seq, sw = sequence(full), swimmer(full)
    assert seq is not None and sw is not None
    assert any(t.startswith("Simulated sequence: median OS") for t in _texts(seq))
    assert "line 3: sunitinib" in _texts(seq)
    texts = _texts(sw)
    assert "CT (RECIST)" in texts and "Treatment timeline" in texts
    assert {"metastatic", "progression", "ongoing"} <= set(texts)


def test_html_report_imports_no_plotting_library_and_no_weasyprint() -> None:
    code = (
        "import sys\n"
        "from gistcds.cli import main\n"
        f"try:\n    main(['assess', {str(EXAMPLES / 'progression-after-imatinib.json')!r},"
        " '--format', 'json', '--report', sys.argv[1]])\n"
        "except SystemExit:\n    pass\n"
        "heavy = [m for m in ('matplotlib', 'weasyprint') if m in sys.modules]\n"
        "print('heavy:' + ','.join(heavy), file=sys.stderr)"
    )
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.html"
        proc = subprocess.run(
            [sys.executable, "-c", code, str(out)], capture_output=True, text=True
        )
        assert out.exists() and "<svg" in out.read_text()
    assert proc.stderr.strip().splitlines()[-1] == "heavy:", proc.stderr


def test_waterfall_values_stand_clear_of_their_bars_on_a_white_ground(
    progression: ReportData,
) -> None:
    """Each bar's value sits LABEL_GAP points beyond the bar's end (issue 19 item 4: they
    touched the bars), on a white rectangle that a threshold line passing there runs under,
    with the axes' typographic minus."""
    from gistcds.report.plots.response import LABEL_GAP

    wf = waterfall(progression)
    assert wf is not None
    root = ET.fromstring(wf)
    rects = [
        (*(float(r.get(k, "0")) for k in ("x", "y", "width", "height")), r.get("fill"))
        for r in root.iter(f"{SVG}rect")
    ]
    bars = [r for r in rects if r[4] != "#ffffff" and r[3] > 0]
    grounds = [r for r in rects if r[4] == "#ffffff"]
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    values = [t for t in texts if t.endswith(" %") and not t.startswith(("RECIST", "Choi"))]
    assert values and all(t[0] in "+−" and "-" not in t for t in values)
    assert len(grounds) == len(values) <= len(bars)
    assert LABEL_GAP >= 4  # about half a line of the 8 pt labels
    for ground in grounds:
        x, y, w, h, _ = ground
        bar = min(bars, key=lambda b: abs((b[0] + b[2] / 2) - (x + w / 2)))
        bar_top, bar_bottom = bar[1], bar[1] + bar[3]
        # below a bar that goes down, above one that goes up, never over it
        gap = y - bar_bottom if y >= bar_bottom else bar_top - (y + h)
        assert gap >= LABEL_GAP - 0.01, (ground, bar)
