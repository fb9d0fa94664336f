"""`gistcds kb stats`: records and unverified records per knowledge-base table."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from gistcds.knowledge import KB_DIR, build_kb, load_kb
from gistcds.knowledge.stats import iter_records, kb_stats, stats_document

GISTCDS = str(Path(sys.executable).parent / "gistcds")


def test_json_shape_and_totals_add_up() -> None:
    p = subprocess.run(
        [GISTCDS, "kb", "stats", "--format", "json"], capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    tables = doc["tables"]
    assert set(tables) == set(load_kb().tables)
    assert doc["total"]["records"] == sum(t["records"] for t in tables.values())
    assert doc["total"]["unverified"] == sum(t["unverified"] for t in tables.values())
    for t in tables.values():
        assert 0 <= t["unverified"] <= t["records"]


def test_text_output_has_one_line_per_table() -> None:
    p = subprocess.run([GISTCDS, "kb", "stats"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    names = {line.split()[0] for line in p.stdout.splitlines()[1:-1]}
    assert names == set(load_kb().tables) | {"total"}


def test_marking_a_record_unverified_is_counted(tmp_path: Path) -> None:
    """Flip one verified record of the copied KB to unverified: the count moves by one."""
    kb_dir = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb_dir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    before = kb_stats(build_kb(kb_dir))["risk_mskcc"]
    path = kb_dir / "risk_mskcc.yaml"
    text = path.read_text()
    assert text.count("confidence: secondary") == 1
    path.write_text(text.replace("confidence: secondary", "confidence: unverified"))
    after = kb_stats(build_kb(kb_dir))["risk_mskcc"]
    assert after.records == before.records
    assert after.unverified == before.unverified + 1


def test_guideline_positions_count_as_records() -> None:
    kb = load_kb()
    kinds = {type(m).__name__ for _, m in iter_records(kb.tables["therapy_rules"])}
    assert "GuidelinePosition" in kinds
    assert stats_document(kb)["total"]["records"] > 0
