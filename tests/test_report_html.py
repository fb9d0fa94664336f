"""HTML report: well-formed, self-contained, accessible, every section and every source.

Rendered for the synthetic full and empty cases and for every bundled example
(through ``gistcds.assess.assess``, so whatever the engines return today).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gistcds.domain.assessment import Assessment
from gistcds.domain.patient import Patient
from gistcds.knowledge import KnowledgeBase
from gistcds.report.html import render_html
from gistcds.report.model import SECTIONS, build_report, iter_source_ids
from test_report_model import GENERATED, empty_case, full_case

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "patients").glob("*.json"))
NS = {"h": "http://www.w3.org/1999/xhtml", "svg": "http://www.w3.org/2000/svg"}


class _Collect(HTMLParser):
    """Ids, <th> scopes and (tag, attrs) pairs, with the stdlib parser."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.th_scopes: list[str | None] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "th":
            self.th_scopes.append(a.get("scope"))


def _example_case(path: Path) -> tuple[Assessment, KnowledgeBase]:
    from gistcds.assess import assess
    from gistcds.io.patient_json import load_patient
    from gistcds.knowledge import load_kb

    kb = load_kb()
    return assess(load_patient(str(path)), kb), kb


CASES = {"synthetic-full": full_case, "synthetic-empty": empty_case} | {
    p.stem: (lambda p=p: _example_case(p)) for p in EXAMPLES
}


@pytest.fixture(scope="module", params=sorted(CASES))
def rendered(request: pytest.FixtureRequest) -> tuple[str, Assessment, KnowledgeBase]:
    assessment, kb = CASES[request.param]()
    html = render_html(build_report(assessment, kb, GENERATED))
    return html, assessment, kb


def test_examples_exist() -> None:
    assert len(EXAMPLES) >= 6


def test_html_is_well_formed_xml_and_html(
    rendered: tuple[str, Assessment, KnowledgeBase],
) -> None:
    html = rendered[0]
    root = ET.fromstring(html)  # raises on any unclosed tag or bad entity
    assert root.tag == "{http://www.w3.org/1999/xhtml}html"
    assert root.get("lang") == "en"
    parser = _Collect()
    parser.feed(html)
    parser.close()
    for section_id, _ in SECTIONS:
        assert section_id in parser.ids, section_id
        assert root.find(f".//h:section[@id='{section_id}']/h:h2", NS) is not None, section_id


def test_sections_appear_in_the_issue_order(
    rendered: tuple[str, Assessment, KnowledgeBase],
) -> None:
    html = rendered[0]
    positions = [html.index(f'<section id="{sid}"') for sid, _ in SECTIONS]
    assert positions == sorted(positions)


def test_every_cited_source_is_in_the_bibliography(
    rendered: tuple[str, Assessment, KnowledgeBase],
) -> None:
    html, assessment, kb = rendered
    root = ET.fromstring(html)
    listed = {
        li.get("data-source-id"): "".join(li.itertext())
        for li in root.iterfind(".//h:ol[@class='refs']/h:li", NS)
    }
    # only what the report cites is listed (issue 19), and all of it comes from the assessment
    assert set(listed) <= set(iter_source_ids(assessment))
    marks = set(re.findall(r'href="#ref-(\d+)"', html))
    numbers = {
        li.get("id", "").removeprefix("ref-")
        for li in root.iterfind(".//h:ol[@class='refs']/h:li", NS)
    }
    assert numbers == marks, numbers ^ marks
    for sid in listed:
        source = kb.sources[sid]
        assert str(source.year) in listed[sid]
        assert source.journal in listed[sid]
        if source.pmid:
            assert f"PMID {source.pmid}" in listed[sid]
        if source.doi:
            assert f"DOI {source.doi}" in listed[sid]
    # every in-text citation mark points at an entry
    for href in re.findall(r'href="#ref-(\d+)"', html):
        assert f'id="ref-{href}"' in html


def test_self_contained_no_external_resource(
    rendered: tuple[str, Assessment, KnowledgeBase],
) -> None:
    html = rendered[0]
    parser = _Collect()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in ("script", "link", "img", "iframe", "object"), tag
        for name in ("src", "href", "xlink:href"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
    assert "@import" not in html and "url(http" not in html
    urls = set(re.findall(r"https?://[^\s\"'<)]+", html))
    # only XML namespace names, which are identifiers, never fetched
    assert urls <= {
        "http://www.w3.org/1999/xhtml",
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
        "http://purl.org/dc/elements/1.1/",
        "http://creativecommons.org/ns#",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    }, urls


def test_accessible_headings_table_headers_and_figures(
    rendered: tuple[str, Assessment, KnowledgeBase],
) -> None:
    html = rendered[0]
    root = ET.fromstring(html)
    assert len(root.findall(".//h:h1", NS)) == 1
    parser = _Collect()
    parser.feed(html)
    assert parser.th_scopes and all(s in ("col", "row") for s in parser.th_scopes)
    svgs = root.findall(".//svg:svg", NS)
    for svg in svgs:
        assert svg.get("role") == "img"
        title = svg.find("svg:title", NS)
        desc = svg.find("svg:desc", NS)
        assert title is not None and title.text
        assert desc is not None and desc.text
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate ids across inline SVGs"


def test_disclaimer_kb_version_and_date(
    rendered: tuple[str, Assessment, KnowledgeBase],
) -> None:
    html, assessment, _ = rendered
    assert "Decision support for qualified clinicians, not a medical device." in html
    assert assessment.knowledge_base_version in html
    assert "2026-11-26 09:30 UTC" in html


def test_full_case_shows_every_part_and_all_six_figures() -> None:
    assessment, kb = full_case()
    html = render_html(build_report(assessment, kb, GENERATED))
    for title in (
        "Spider plot",
        "Waterfall plot",
        "Mean density of the target lesions",
        "PFS and OS",
        "Simulated time on each line",
        "swimmer plot",
    ):
        assert title in html, title
    for text in (
        "KIT exon 11",
        "resistant",
        "do not agree on the risk category",
        "sunitinib 37.5 mg/day, continuous daily",
        "ESMO 2022",
        "Clarithromycin raises sunitinib exposure.",
        "median 22.4 months",  # sequence simulation median OS
        "Best overall response",
        "tissue confirmation of the ctDNA finding",
        "CT abdomen/pelvis with contrast",
        "clarithromycin",
    ):
        assert text in html, text
    assert "not assessed" not in html.lower()


def test_empty_case_says_not_assessed_everywhere() -> None:
    assessment, kb = empty_case()
    html = render_html(build_report(assessment, kb, GENERATED))
    assert "<svg" not in html
    body = html.lower()
    body = body[body.index('<section id="patient"') :]  # the sections (the summary repeats them)
    # genotype, therapy, cautions, follow-up: not assessed; risk, response, prognosis and
    # sequence: not applicable (no primary, no imaging, not metastatic)
    assert body.count("not assessed") == 4
    assert body.count("not applicable") == 4
    assert "not applicable: no primary-tumour data" in body
    assert "no previous therapy line recorded" in body


def test_plots_draw_the_response_engines_lesion_trajectories() -> None:
    """The plots draw the response engine's measurements (issue 13 item 3): counted target
    lesions of ``lesion_trajectories``; without the engine's data nothing is re-measured."""
    import datetime as dt

    from gistcds.domain.results.response import LesionPoint, LesionSeries
    from gistcds.report.plots import lesion_trajectories, waterfall

    assessment, kb = full_case()
    assert assessment.response_summary is not None

    def series(lid: str, kind: str, counted: bool, change: float) -> LesionSeries:
        return LesionSeries(
            lesion_id=lid,
            organ="lymph_node" if lid == "N1" else "liver",
            kind=kind,  # type: ignore[arg-type]
            measure="short_axis" if lid == "N1" else "longest_diameter",
            counted=counted,
            points=[
                LesionPoint(date=dt.date(2023, 1, 15), value_mm=48, change_from_baseline_pct=0.0),
                LesionPoint(
                    date=dt.date(2023, 4, 15), value_mm=24, change_from_baseline_pct=change
                ),
            ],
        )

    summary = assessment.response_summary.model_copy(
        update={
            "baseline_date": dt.date(2023, 1, 15),
            "lesion_trajectories": [
                series("L1", "target", True, -50.0),
                series("N1", "target", True, -20.0),
                series("L9", "target", False, -90.0),  # seen later, ignored by the criteria
                series("NT1", "non_target", True, -80.0),
            ],
        }
    )
    rich = assessment.model_copy(update={"response_summary": summary})
    data = build_report(rich, kb, GENERATED)
    traj, origin = lesion_trajectories(data)
    assert origin == "response engine"
    assert traj == {"L1": [(dt.date(2023, 4, 15), -50.0)], "N1": [(dt.date(2023, 4, 15), -20.0)]}
    svg = waterfall(data)
    assert svg is not None and "L1 -50.0 %" in svg and "N1 -20.0 %" in svg
    assert "sum -39.4 %" in svg  # the engine's waterfall figure
    bare = assessment.model_copy(update={"response_summary": None})
    assert lesion_trajectories(build_report(bare, kb, GENERATED)) == ({}, "")


def test_unverified_is_printed_beside_the_statement() -> None:
    assessment, kb = full_case()
    body = render_html(build_report(assessment, kb, GENERATED))
    # option 3 (regorafenib), the NCCN position, a caution, a follow-up visit, a sensitivity
    assert body.count(">unverified</span>") >= 5
    therapy = body[body.index('id="therapy"') : body.index('id="cautions"')]
    third = therapy[therapy.index("Regorafenib") :]
    assert 'conf-unverified">unverified</span>' in third
    cautions = body[body.index('id="cautions"') : body.index('id="prognosis"')]
    assert "ctDNA only." in cautions and ">unverified</span>" in cautions


def test_response_plots_draw_the_kbs_thresholds_and_fit_print() -> None:
    """Spider, waterfall and density carry the RECIST and Choi threshold lines with the
    knowledge base's values (issue 19 item 4); figures are drawn at print size, so text
    of TEXT_PT points is not scaled down on A4 (half-width figures fit 89 mm)."""
    import json

    from conftest import EXAMPLES, TODAY
    from gistcds.assess import assess
    from gistcds.knowledge import load_kb
    from gistcds.knowledge.schema.response_criteria import Table
    from gistcds.report.plots import density, spider, waterfall
    from gistcds.report.plots.base import FIG_HALF, TEXT_PT

    kb = load_kb()
    doc = json.loads((EXAMPLES / "progression-after-imatinib.json").read_text())
    patient = Patient.model_validate(doc, context={"today": TODAY})
    data = build_report(assess(patient, kb), kb, GENERATED)
    t = kb.get(Table)
    pd, pr = t.recist.pd_increase_from_nadir_pct.value, t.recist.pr_decrease_from_baseline_pct.value
    choi_size, choi_density = (
        t.choi.pr_size_decrease_pct.value,
        t.choi.pr_density_decrease_pct.value,
    )
    for svg in (spider(data), waterfall(data)):
        assert svg is not None
        for text in (f"RECIST PD +{pd:g} %", f"RECIST PR −{pr:g} %", f"Choi PR −{choi_size:g} %"):
            assert text in svg
    svg = density(data)
    assert svg is not None and f"Choi PR −{choi_density:g} %" in svg
    assert TEXT_PT >= 8 and FIG_HALF[0] * 25.4 <= 89 + 2
    sizes = [float(x) for x in re.findall(r"font-size[:=]\s*\"?([0-9.]+)px", svg)]
    assert sizes and min(sizes) >= TEXT_PT * 0.99


def test_survival_time_axis_is_fitted_to_the_curves() -> None:
    from gistcds.report.plots.outcomes import time_axis_end

    fast = [(m, 0.5 ** (m / 7)) for m in range(0, 121)]  # median 7 months
    assert time_axis_end([fast]) == 36  # falls to 5 % at about 30 months
    slow = [(m, 0.5 ** (m / 60)) for m in range(0, 121)]
    assert time_axis_end([fast, slow]) == 120  # the data end
    assert time_axis_end([]) == 12
    # no further than 1.5 times the latest published point: 24.7 months -> 37 -> 42
    assert time_axis_end([slow], [24.7]) == 42
