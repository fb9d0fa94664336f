"""Trial matching (engine), the ClinicalTrials.gov API v2 import (parser, merge, CLI)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gistcds.errors import InputError
from gistcds.knowledge import KB_DIR, build_kb
from gistcds.knowledge.schema.trials import Table
from gistcds.trials import (
    TrialFacts,
    facts_for_trials,
    match_trials,
    merge_export,
    read_ctgov_export,
)
from therapy_helpers import facts_of, genotype, line, metastatic, risk

GISTCDS = str(Path(sys.executable).parent / "gistcds")
FIXTURE = Path(__file__).parent / "data" / "ctgov_export.json"
WT = {"tested_genes": ["KIT", "PDGFRA"]}


def trial_facts(patient: Any, geno: Any, kb: Any) -> TrialFacts:
    """The trial facts assess() matches against: read from the patient's ClinicalFacts."""
    return facts_for_trials(facts_of(patient, geno, risk(), [], kb))


def _ids(kb: Any, patient: Any, geno: Any) -> dict[str, str]:
    facts = trial_facts(patient, geno, kb)
    return {
        m.trial.registry_id: m.availability for m in match_trials(facts, kb.table("trials", Table))
    }


def test_kit11_after_imatinib_matches_second_line_trials(kb: Any) -> None:
    p = metastatic(ecog=1, therapy_lines=[line("imatinib", 400)])
    ids = _ids(kb, p, genotype("KIT_exon11"))
    assert ids["NCT05208047"] == "open"  # PEAK, second line after imatinib only
    assert {"NCT05489237", "NCT06630234", "NCT06655246"} <= set(ids)
    assert "NCT06208748" not in ids  # SARC044 needs prior sunitinib
    assert not {"NCT04595747", "NCT02638766"} & set(ids)  # wild-type trials


def test_a_second_post_imatinib_line_closes_peak_and_opens_sarc044(kb: Any) -> None:
    p = metastatic(ecog=1, therapy_lines=[line("imatinib", 400), line("sunitinib", 50)])
    ids = _ids(kb, p, genotype("KIT_exon11"))
    assert "NCT05208047" not in ids and "NCT06208748" in ids


def test_ecog_and_secondary_mutations_are_checked_or_flagged(kb: Any) -> None:
    p = metastatic(ecog=2, therapy_lines=[line("imatinib", 400)])
    table = kb.table("trials", Table)
    matches = {
        m.trial.registry_id: m
        for m in match_trials(trial_facts(p, genotype("KIT_exon11"), kb), table)
    }
    assert "NCT06630234" not in matches  # DCC-3009: ECOG 0-1
    insight = matches["NCT05734105"]  # INSIGHT needs ctDNA: not tested -> unchecked, kept
    assert any("secondary KIT mutations not tested" in u for u in insight.unchecked)
    atp = trial_facts(p, genotype("KIT_exon11", secondary=["KIT_ATP_pocket"]), kb)
    assert all(m.trial.registry_id != "NCT05734105" for m in match_trials(atp, table))


def test_sdh_deficient_first_line(kb: Any) -> None:
    ids = _ids(kb, metastatic(molecular=WT), genotype("SDH_deficient"))
    assert {"NCT03556384", "NCT05661643", "NCT07434843", "NCT04924075", "NCT02638766"} <= set(ids)
    assert "NCT04595747" not in ids  # rogaratinib: active, not recruiting (closed)
    assert "NCT06640361" not in ids  # olverembatinib: after prior therapy
    assert not any(i in ids for i in ("NCT05208047", "NCT06655246"))  # KIT-mutant trials


def test_fixture_parses_and_merges(kb: Any) -> None:
    studies = read_ctgov_export(FIXTURE.read_text())
    assert [s.nct_id for s in studies] == ["NCT05208047", "NCT00000000", "NCT00000001"]
    merged, report = merge_export(kb.table("trials", Table), studies)
    assert report.refreshed == ["NCT05208047"]
    assert report.added == ["NCT00000000"] and report.skipped == ["NCT00000001"]
    by_id = {t.registry_id: t for t in merged.trials}
    peak = by_id["NCT05208047"]
    assert peak.status == "ACTIVE_NOT_RECRUITING" and peak.status_date == "2026-10-01"
    assert peak.eligibility.required_prior_drugs == ["imatinib"]  # encoded rules kept
    new = by_id["NCT00000000"]
    assert new.eligibility.parsed is False and new.phase == "1/2" and new.regimen == ["x"]


def test_json_lines_export_is_read() -> None:
    doc = json.loads(FIXTURE.read_text())
    jsonl = "\n".join(json.dumps(s) for s in doc["studies"])
    assert len(read_ctgov_export(jsonl)) == 3


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (
            lambda s: s["protocolSection"]["identificationModule"].pop("nctId"),
            "studies[0].protocolSection.identificationModule.nctId",
        ),
        (
            lambda s: s["protocolSection"]["statusModule"].update(overallStatus="OPEN"),
            "studies[0].protocolSection.statusModule.overallStatus",
        ),
        (lambda s: s.pop("protocolSection"), "studies[0].protocolSection"),
    ],
)
def test_bad_records_name_their_json_path(mutate: Any, path: str) -> None:
    doc = json.loads(FIXTURE.read_text())
    mutate(doc["studies"][0])
    with pytest.raises(InputError) as err:
        read_ctgov_export(json.dumps(doc))
    assert [p.path for p in err.value.problems] == [path]


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=200))
def test_parser_never_fails_other_than_input_error(text: str) -> None:
    try:
        studies = read_ctgov_export(text)
    except InputError as exc:
        assert exc.problems
    else:
        assert all(s.nct_id.startswith("NCT") for s in studies)


def test_cli_import_writes_and_validates(tmp_path: Path) -> None:
    kb_dir = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb_dir, ignore=shutil.ignore_patterns("*.py", "__pycache__", "schema"))
    p = subprocess.run(
        [GISTCDS, "trials", "import", str(FIXTURE), "--dir", str(kb_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert "refreshed 1, added 1, skipped 1" in p.stderr
    table = build_kb(kb_dir).table("trials", Table)
    assert {t.registry_id: t.status for t in table.trials}["NCT05208047"] == "ACTIVE_NOT_RECRUITING"


def test_cli_import_bad_input_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"studies": [{"protocolSection": {}}]}')
    p = subprocess.run(
        [GISTCDS, "trials", "import", str(bad)], capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 2
    assert p.stderr.startswith("studies[0].protocolSection.identificationModule.nctId:")
