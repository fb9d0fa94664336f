"""The report's summary, follow-up dates, side effects and terminal width (issue 19 items
1, 3 and 5; issue 17 "Side effects" section)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from conftest import EXAMPLES, TODAY
from gistcds.domain.assessment import Assessment
from gistcds.domain.patient import Patient
from gistcds.domain.results.therapy import FollowupVisit
from gistcds.io.patient_json import validation_context
from gistcds.knowledge import KnowledgeBase
from gistcds.report.citations import Citations
from gistcds.report.format import add_months
from gistcds.report.html import render_html
from gistcds.report.model import ReportData, build_report
from gistcds.report.text import render_text, terminal_width

GENERATED = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)


def _example(name: str, kb: KnowledgeBase) -> Assessment:
    from gistcds.assess import assess

    doc = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    patient = Patient.model_validate(doc, context=validation_context(doc, TODAY))
    return assess(patient, kb)


def _text(data: ReportData, width: int = 100) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, record=True)
    render_text(data, console)
    return console.export_text()


def test_summary_comes_first_and_answers_in_one_screen(kb: KnowledgeBase) -> None:
    """Localized high-risk GIST (examples/localized-high-risk-resected.json): every risk
    system on its line, the genotype and its drugs, the first option with its dose, the
    response status and the next follow-up date, before any other section."""
    assessment = _example("localized-high-risk-resected", kb)
    data = build_report(assessment, kb, GENERATED)
    topics = [line.topic for line in data.summary]
    assert topics == ["Risk"] * 4 + ["Genotype", "First option", "Response", "Next follow-up"]
    texts = [line.text for line in data.summary]
    assert texts[:4] == [
        "NIH 2002 (Fletcher): high",
        "Modified NIH (Joensuu): high",
        "AFIP (Miettinen-Lasota): high (86 % progressed)",
        "AJCC 8th edition: stage IIIB",
    ]
    assert texts[4].startswith("KIT exon 11: sensitive to imatinib")
    assert texts[5] == "Adjuvant imatinib 400 mg/day for 3 years"
    assert texts[6].startswith("not applicable: fewer than two CT time points")
    first_visit = min(v.month for v in assessment.followup)
    surgery = dt.date(2026, 9, 1)  # primary.resection_date: the schedule counts from it
    assert texts[7].startswith(
        f"{add_months(surgery, first_visit).isoformat()} (from surgery on 2026-09-01): CT"
    )
    text = _text(data)
    assert text.index("1. Summary") < text.index("2. Patient") < text.index("3. Genotype")
    html = render_html(data)
    assert html.index('<section id="summary"') < html.index('<section id="patient"')
    summary = html[html.index('<section id="summary"') : html.index('<section id="patient"')]
    assert summary.count(">Risk</th>") == 1  # the topic once for its lines
    assert "Adjuvant imatinib 400 mg/day for 3 years" in summary


def test_summary_names_the_cautions_that_matter_most(kb: KnowledgeBase) -> None:
    """Progression on imatinib (examples/progression-after-imatinib.json): the two most
    severe cautions, then a pointer to the rest; the response is the engine's reading."""
    assessment = _example("progression-after-imatinib", kb)
    data = build_report(assessment, kb, GENERATED)
    cautions = [line for line in data.summary if line.topic == "Caution"]
    assert len(cautions) == 3 and cautions[-1].text.endswith("cautions in all, listed below.")
    severities = [c.severity for c in assessment.cautions]
    assert "critical" not in severities and cautions[0].flag == "warn"
    response = next(line for line in data.summary if line.topic == "Response")
    assert response.flag == "alert" and "progression" in response.text
    assert response.text.startswith("latest CT 2025-08-11: read as progression (RECIST PD")


def test_follow_up_rows_are_dates_with_identical_visits_collapsed(kb: KnowledgeBase) -> None:
    from gistcds.report.build_followup import followup

    visits = [
        FollowupVisit(month=m, exam="CT abdomen/pelvis", source_ids=["joensuu2015"])
        for m in (3, 6, 9, 12)
    ]
    visits += [
        FollowupVisit(month=18, exam="CT abdomen/pelvis, 6-monthly", source_ids=["joensuu2015"])
    ]
    a = Assessment(patient_id="x", knowledge_base_version="t", gistcds_version="t", followup=visits)
    view = followup(a, Citations(kb), dt.date(2025, 3, 2))
    assert view is not None
    assert [r.cells for r in view.rows] == [
        ["every 3 months from 2025-06-02 until 2026-03", "CT abdomen/pelvis"],
        ["2026-09-02", "CT abdomen/pelvis, 6-monthly"],
    ]
    assert "2025-03-02" in view.anchor and view.next_visit.startswith("2025-06-02: ")
    now = Assessment(
        patient_id="x",
        knowledge_base_version="t",
        gistcds_version="t",
        followup=[FollowupVisit(month=0, exam="No routine imaging follow-up needed")],
    )
    view = followup(now, Citations(kb), dt.date(2025, 3, 2))
    assert view is not None and view.rows[0].cells[0] == "now"


@pytest.mark.parametrize(
    "start,months,expected",
    [
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),  # the day clamped to the month
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2025, 3, 2), 120, dt.date(2035, 3, 2)),
        (dt.date(2025, 3, 2), 0.5, dt.date(2025, 3, 17)),
    ],
)
def test_add_months_is_calendar_arithmetic(
    start: dt.date, months: float, expected: dt.date
) -> None:
    assert add_months(start, months) == expected


def test_side_effects_section_shows_the_toxicity_engines_advice(kb: KnowledgeBase) -> None:
    """Grade 3 hand-foot skin reaction on regorafenib (examples/regorafenib-hand-foot.json):
    the label's action, the counselling rates and the monitoring, cited."""
    assessment = _example("regorafenib-hand-foot", kb)
    assert assessment.toxicity and assessment.counselling and assessment.monitoring
    data = build_report(assessment, kb, GENERATED)
    se = data.side_effects
    assert se is not None
    hfs = next(r for r in se.actions if r.cells[0].startswith("Palmar-plantar"))
    advice = next(t for t in assessment.toxicity if t.event.startswith("Palmar-plantar"))
    assert hfs.cells[1] == "regorafenib" and hfs.cells[2].startswith(advice.action)
    assert hfs.flag == "alert" and hfs.refs
    assert len(se.counselling) == len(assessment.counselling)
    assert len(se.monitoring) == len(assessment.monitoring)
    text = _text(data)
    assert text.index("Side effects") < text.index("Prognosis")
    assert "Palmar-plantar erythrodysesthesia syndrome, grade 3 on regorafenib: hold" in " ".join(
        text.split()
    )
    html = render_html(data)
    section = html[html.index('<section id="side_effects"') : html.index('<section id="prognosis"')]
    assert "53 %" in section and "16 %" in section  # the label's any-grade / grade 3+ rates


def test_without_side_effect_data_the_section_says_so(kb: KnowledgeBase) -> None:
    assessment = _example("localized-high-risk-resected", kb)
    bare = assessment.model_copy(update={"toxicity": [], "counselling": [], "monitoring": []})
    data = build_report(bare, kb, GENERATED)
    assert data.side_effects is None
    assert data.side_effects_missing.capitalize() in _text(data)


@pytest.mark.parametrize("columns,expected", [("80", 80), ("300", 120), ("20", 60), ("", 100)])
def test_terminal_width_follows_columns(
    monkeypatch: pytest.MonkeyPatch, columns: str, expected: int
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    if not columns:
        monkeypatch.delenv("COLUMNS")
        import shutil

        monkeypatch.setattr(
            shutil, "get_terminal_size", lambda fallback: __import__("os").terminal_size(fallback)
        )
    assert terminal_width() == expected


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: Path(p).stem)
def test_every_example_reads_at_80_columns(path: Path, kb: KnowledgeBase) -> None:
    """At 80 columns nothing is cut off (no ellipsis) and no line is wider."""
    assessment = _example(path.stem, kb)
    text = _text(build_report(assessment, kb, GENERATED), width=80)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in text
    assert "1. Summary" in text and lines[-1].startswith("Decision support")
    # the genotype tables break no word (once "juxtamembra" / "ne" on two lines)
    g = build_report(assessment, kb, GENERATED).genotype
    rows = [*g.variants, *g.secondary] if g else []
    words = {w for r in rows for cell in r.cells for w in cell.split() if len(w) <= 20}
    # no percentage cut from its number in the response table (once "38 HU (-2.6" / "%)")
    assert not re.search(r"^\s+\(?[+-]?[\d.]* ?%\)?\s*$", text, re.MULTILINE)
    tables = text[text.find("\nVariants") : text.find("\nDrug sensitivity")]
    assert [w for w in sorted(words) if w not in tables] == []


def test_supplied_prognostic_factors_are_shown_as_supplied_not_unknown(kb: KnowledgeBase) -> None:
    """Issue 12 item 6: an 84-year-old with albumin 28 g/L saw "older age (OS, unknown)".
    The prognosis engine records the supplied value and that no published effect size lets
    it change the curve (``use: supplied_not_used``); the report shows both."""
    from gistcds.assess import assess

    doc = json.loads((EXAMPLES / "metastatic-kit11-untreated.json").read_text(encoding="utf-8"))
    doc["age_years"] = 84
    doc.setdefault("labs", {})["albumin_g_per_l"] = 28
    patient = Patient.model_validate(doc, context=validation_context(doc, TODAY))
    data = build_report(assess(patient, kb), kb, GENERATED)
    text = _text(data, width=160)
    assert "age 84 years" in text and "albumin 28 g/L" in text
    assert "supplied, not used" in text
    assert "older age (OS, unknown)" not in text and "albumin (OS, unknown)" not in text


def test_engine_warnings_are_headed_as_warnings(kb: KnowledgeBase) -> None:
    """The progression example's warning (generalized progression on the latest CT) is
    something to act on, not something that "could not be assessed"."""
    assessment = _example("progression-after-imatinib", kb)
    data = build_report(assessment, kb, GENERATED)
    assert any("generalized progression" in w for w in data.warnings)
    text = _text(data)
    assert "What could not be assessed" not in text
    warnings = text[text.index("Warnings ─") : text.index("References ─")]
    assert "• generalized progression (L3, L1, L2)" in warnings
    html = render_html(data)
    assert '<h2 id="warnings-h">Warnings</h2>' in html
