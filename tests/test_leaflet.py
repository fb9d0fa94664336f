"""The patient leaflet: one page per drug, no identifier, plain language (textstat), HTML
well-formed and PDF rendered, CLI option."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, TODAY
from gistcds.assess import assess
from gistcds.domain.assessment import Assessment
from gistcds.io.patient_json import patient_from_obj
from gistcds.leaflet import leaflet_text, render_leaflet, write_leaflet
from gistcds.leaflet.render import how_often

DOSES = {
    "imatinib": 400,
    "sunitinib": 50,
    "regorafenib": 160,
    "ripretinib": 150,
    "avapritinib": 300,
    "entrectinib": 600,
    "larotrectinib": 200,
}


def on(kb: Any, drug: str) -> Assessment:
    record = {
        "id": "leaflet-1",
        "metastatic": {"sites": ["liver"]},
        "therapy_lines": [{"drug": drug, "dose_mg_per_day": DOSES[drug], "start": "2025-01-01"}],
    }
    return assess(patient_from_obj(record, today=TODAY), kb)


def two_drugs(kb: Any) -> Assessment:
    record = json.loads((EXAMPLES / "progression-after-imatinib.json").read_text())
    last = record["therapy_lines"][-1]
    last.pop("end", None)
    last.pop("stop_reason", None)
    return assess(patient_from_obj(record, today=TODAY), kb)


def _plain_syllables() -> None:
    """textstat counts syllables with CMUdict, which NLTK would download; pyphen's English
    hyphenation (textstat's own fallback) keeps the check offline."""
    import textstat.backend.counts._count_syllables as counts

    counts.get_cmudict = lambda lang: None  # type: ignore[assignment]


@pytest.mark.parametrize("drug", sorted(DOSES))
def test_reading_age_about_12(kb, drug):  # type: ignore[no-untyped-def]
    import textstat

    _plain_syllables()
    text = leaflet_text(render_leaflet(on(kb, drug)))
    # Flesch-Kincaid grade <= 7 ~ reading age <= 12-13; reading ease >= 70 = "fairly easy"
    assert textstat.flesch_kincaid_grade(text) <= 7
    assert textstat.flesch_reading_ease(text) >= 70


def test_one_section_per_drug_and_no_identifier(kb):  # type: ignore[no-untyped-def]
    assessment = two_drugs(kb)
    html = render_leaflet(assessment)
    root = ET.fromstring(html.replace("<!DOCTYPE html>", ""))
    sections = root.findall(".//section")
    assert len(sections) == len(assessment.patient_guides) == 2
    assert assessment.patient_id not in html
    text = leaflet_text(html)
    assert "You take this medicine now" in text and "Your team may offer you" in text
    assert "About 4 in 10 people get this." in text  # sunitinib diarrhoea, 40 %


def test_pdf_has_one_page_per_drug(kb, tmp_path: Path):  # type: ignore[no-untyped-def]
    import weasyprint

    assessment = two_drugs(kb)
    assert len(weasyprint.HTML(string=render_leaflet(assessment)).render().pages) == 2
    out = write_leaflet(tmp_path / "leaflet.pdf", assessment)
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("pct", "words"),
    [
        (None, None),
        (53, "About 5 in 10 people get this."),
        (4.7, "About 5 in 100 people get this."),
        (0.3, "Fewer than 1 in 100 people get this."),
    ],
)
def test_how_often(pct: float | None, words: str | None) -> None:
    assert how_often(pct) == words


def test_how_often_falls_back_to_the_severe_rate() -> None:
    assert how_often(None, 20) == "About 2 in 10 people get a severe form."
    assert how_often(40, 4) == "About 4 in 10 people get this."


def test_plain_texts_carry_no_rate_of_their_own(kb):  # type: ignore[no-untyped-def]
    """Rates reach the leaflet only through the cited percentages, never typed in the text."""
    import re

    from gistcds.knowledge.schema.toxicity_counselling import Table

    for drug in kb.table("toxicity_counselling", Table).drugs:
        for e in drug.effects:
            assert not re.search(r"\d|half", e.plain_effect + e.plain_advice), e.effect


def test_cli_writes_leaflet_and_refuses_other_suffixes(tmp_path: Path) -> None:
    exe = [
        sys.executable,
        "-m",
        "gistcds.cli",
        "assess",
        str(EXAMPLES / "metastatic-kit11-untreated.json"),
    ]
    ok = subprocess.run(
        [*exe, "--leaflet", str(tmp_path / "l.html")], capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0, ok.stderr
    assert (
        "leaflet written" in ok.stdout and (tmp_path / "l.html").read_text().count("<section") == 1
    )
    bad = subprocess.run(
        [*exe, "--leaflet", str(tmp_path / "l.txt")], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2 and "--leaflet: must end in .html or .pdf" in bad.stderr
