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


def _example_case(path: Path) -> tuple[Patient, Assessment, KnowledgeBase]:
    from gistcds.assess import assess
    from gistcds.io.patient_json import load_patient
    from gistcds.knowledge import load_kb

    kb = load_kb()
    patient = load_patient(str(path))
    return patient, assess(patient, kb), kb


CASES = {"synthetic-full": full_case, "synthetic-empty": empty_case} | {
    p.stem: (lambda p=p: _example_case(p)) for p in EXAMPLES
}


@pytest.fixture(scope="module", params=sorted(CASES))
def rendered(request: pytest.FixtureRequest) -> tuple[str, Patient, Assessment, KnowledgeBase]:
    patient, assessment, kb = CASES[request.param]()
    html = render_html(build_report(patient, assessment, kb, GENERATED))
    return html, patient, assessment, kb


def test_examples_exist() -> None:
    assert len(EXAMPLES) >= 6


def test_html_is_well_formed_xml_and_html(
    rendered: tuple[str, Patient, Assessment, KnowledgeBase],
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
    rendered: tuple[str, Patient, Assessment, KnowledgeBase],
) -> None:
    html = rendered[0]
    positions = [html.index(f'<section id="{sid}"') for sid, _ in SECTIONS]
    assert positions == sorted(positions)


def test_every_cited_source_is_in_the_bibliography(
    rendered: tuple[str, Patient, Assessment, KnowledgeBase],
) -> None:
    html, _, assessment, kb = rendered
    root = ET.fromstring(html)
    listed = {
        li.get("data-source-id"): "".join(li.itertext())
        for li in root.iterfind(".//h:ol[@class='refs']/h:li", NS)
    }
    cited = set(iter_source_ids(assessment))
    assert cited <= set(listed), cited - set(listed)
    for sid in cited:
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
    rendered: tuple[str, Patient, Assessment, KnowledgeBase],
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
    rendered: tuple[str, Patient, Assessment, KnowledgeBase],
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
    rendered: tuple[str, Patient, Assessment, KnowledgeBase],
) -> None:
    html, _, assessment, _ = rendered
    assert "Decision support for qualified clinicians, not a medical device." in html
    assert assessment.knowledge_base_version in html
    assert "2026-11-26 09:30 UTC" in html


def test_full_case_shows_every_part_and_all_six_figures() -> None:
    patient, assessment, kb = full_case()
    html = render_html(build_report(patient, assessment, kb, GENERATED))
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
        "KIT exon11",
        "resistant",
        "do not agree on the risk category",
        "sunitinib 37.5 mg/day, continuous daily",
        "ESMO 2022",
        "cyp3a4 inhibitor",
        "median 22.4 months",  # sequence simulation median OS
        "Best overall response",
        "tissue confirmation of the ctDNA finding",
        "CT abdomen/pelvis with contrast",
        "clarithromycin",
    ):
        assert text in html, text
    assert "not assessed" not in html.lower()


def test_empty_case_says_not_assessed_everywhere() -> None:
    patient, assessment, kb = empty_case()
    html = render_html(build_report(patient, assessment, kb, GENERATED))
    assert "<svg" not in html
    body = html.lower()
    # genotype, therapy, cautions, follow-up: not assessed; risk, response, prognosis and
    # sequence: not applicable (no primary, no imaging, not metastatic)
    assert body.count("not assessed") == 4
    assert body.count("not applicable") == 4
    assert "not applicable: no primary-tumour data" in body
    assert "no previous therapy line recorded" in body


def test_plots_prefer_the_response_engines_lesion_trajectories() -> None:
    """When the assessment carries the engine's spider data, the plots use it, not raw sizes."""
    import datetime as dt

    from gistcds.domain.results.response import LesionTrajectory, TrajectoryPoint
    from gistcds.report.plots import lesion_trajectories, waterfall

    patient, assessment, kb = full_case()
    assert assessment.response_summary is not None
    summary = assessment.response_summary.model_copy(
        update={
            "spider_lesions": [
                LesionTrajectory(
                    lesion_id="L1",
                    organ="liver",
                    measure="longest_diameter",
                    points=[
                        TrajectoryPoint(
                            date=dt.date(2023, 1, 15), value_mm=48, change_from_baseline_pct=0.0
                        ),
                        TrajectoryPoint(
                            date=dt.date(2023, 4, 15), value_mm=24, change_from_baseline_pct=-50.0
                        ),
                    ],
                )
            ]
        }
    )
    rich = assessment.model_copy(update={"response_summary": summary})
    data = build_report(patient, rich, kb, GENERATED)
    traj, origin = lesion_trajectories(data)
    assert origin == "response engine"
    assert traj == {"L1": [(dt.date(2023, 4, 15), -50.0)]}  # baseline point dropped
    svg = waterfall(data)
    assert svg is not None and "L1 -50.0 %" in svg
    # the sum's best change is the engine's waterfall figure
    assert "sum -39.4 %" in svg
    # without the engine's data: the recorded diameters (L1 48 -> 30 mm at best: -37.5 %)
    bare = assessment.model_copy(update={"response_summary": None})
    raw, origin = lesion_trajectories(build_report(patient, bare, kb, GENERATED))
    assert origin == "recorded diameters"
    assert min(v for _, v in raw["L1"]) == -37.5


def test_unverified_is_printed_beside_the_statement() -> None:
    patient, assessment, kb = full_case()
    body = render_html(build_report(patient, assessment, kb, GENERATED))
    # option 3 (regorafenib), the NCCN position, a caution, a follow-up visit, a sensitivity
    assert body.count(">unverified</span>") >= 5
    therapy = body[body.index('id="therapy"') : body.index('id="cautions"')]
    third = therapy[therapy.index("Regorafenib") :]
    assert 'conf-unverified">unverified</span>' in third
    cautions = body[body.index('id="cautions"') : body.index('id="prognosis"')]
    assert "ctDNA only." in cautions and ">unverified</span>" in cautions
