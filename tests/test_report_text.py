"""Terminal report (`--format text`): snapshots, 100-column fit, every example renders.

Snapshots live in tests/snapshots/report_text_<case>.txt (plain text, no colour).
After an intended change, regenerate them and review the diff:

    GISTCDS_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_report_text.py
    git diff tests/snapshots/
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from gistcds.domain.assessment import Assessment
from gistcds.knowledge import KnowledgeBase
from gistcds.report.model import SECTIONS, build_report
from gistcds.report.text import WIDTH, render_text
from test_report_model import GENERATED, empty_case, full_case

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
EXAMPLES = sorted((ROOT / "examples" / "patients").glob("*.json"))
UPDATE = os.environ.get("GISTCDS_UPDATE_SNAPSHOTS") == "1"


def _text(case: tuple[Assessment, KnowledgeBase]) -> str:
    assessment, kb = case
    console = Console(width=WIDTH, file=io.StringIO(), color_system=None, record=True)
    render_text(build_report(assessment, kb, GENERATED), console)
    return console.export_text()


@pytest.mark.parametrize("name,case", [("full", full_case), ("empty", empty_case)])
def test_snapshot(name: str, case: object) -> None:
    text = _text(case())  # type: ignore[operator]
    path = SNAPSHOTS / f"report_text_{name}.txt"
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if not path.exists():
        pytest.fail(f"snapshot {path.name} missing; generate it (see module docstring)")
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (
        f"text report differs from {path.relative_to(ROOT)}; if intended, rerun with "
        "GISTCDS_UPDATE_SNAPSHOTS=1 and review the diff"
    )


def _check_shape(text: str) -> None:
    lines = text.splitlines()
    too_wide = [ln for ln in lines if len(ln) > WIDTH]
    assert not too_wide, too_wide[:3]
    # every numbered section heading, in order, then references and the disclaimer
    positions = [text.index(f"{n}. {title}") for n, (_, title) in enumerate(SECTIONS[:-1], 1)]
    assert positions == sorted(positions) and text.rindex("References") > positions[-1]
    assert lines[-1].strip() == "Decision support for qualified clinicians, not a medical device."


def test_full_report_fits_100_columns_and_has_every_section() -> None:
    text = _text(full_case())
    _check_shape(text)
    for needle in ("KIT exon 11", "sunitinib 37.5 mg/day", "22.4", "[12]", "clarithromycin"):
        assert needle in text


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_renders_in_100_columns(path: Path) -> None:
    from gistcds.assess import assess
    from gistcds.io.patient_json import load_patient
    from gistcds.knowledge import load_kb
    from gistcds.report.model import iter_source_ids

    kb = load_kb()
    patient = load_patient(str(path))
    assessment = assess(patient, kb)
    text = _text((assessment, kb))
    _check_shape(text)
    assert patient.id in text
    flat = " ".join(text.split())  # line breaks and no-break spaces as plain spaces
    data = build_report(assessment, kb, GENERATED)
    assert {r.source_id for r in data.references} <= set(iter_source_ids(assessment))
    for ref in data.references:
        source = kb.sources[ref.source_id]
        assert source.pmid is None or f"PMID {source.pmid}" in flat
