"""``gistcds cohort survival|cox|calibrate|report`` on the example registry: outputs and files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gistcds.cli import build_app

pytest.importorskip("lifelines")
EXAMPLE = Path(__file__).parents[1] / "examples" / "cohort" / "registry.csv"


def _run(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(build_app(), list(args))
    return res.exit_code, res.stdout, res.stderr


def test_report_is_one_self_contained_html_with_every_section(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    code, _, err = _run("cohort", "report", str(EXAMPLE), "--out", str(out))
    assert code == 0, err
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") and "not a medical device" in html
    for heading in (
        "Table 1: the cohort",
        "Recurrence-free survival by AFIP category",
        "Calibration: afip",
        "Calibration: nih",
        "Cox proportional hazards",
        "First-line imatinib 400 mg",
        "Overall survival by genotype class",
    ):
        assert heading in html, heading
    assert "Section left out" not in html
    # self-contained: no script, no external stylesheet, image or link
    assert "<script" not in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert html.count("<svg") >= 5 and "number at risk" in html


def test_calibrate_json_has_the_fields_registries_publish() -> None:
    code, out, err = _run(
        "cohort", "calibrate", str(EXAMPLE), "--system", "afip",
        "--time", "rfs_months", "--event", "rfs_event", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    for key in ("system", "n", "events", "c_index", "auc", "categories", "brier"):
        assert key in doc
    assert doc["system"] == "afip" and set(doc["auc"]) == {"24", "60", "120"}
    cat = doc["categories"][0]
    assert set(cat) >= {"category", "n", "expected_pct", "observed_pct", "lower", "upper"}
    high = next(c for c in doc["categories"] if c["category"] == "high")
    assert high["expected_pct"] > 50 and high["lower"] <= high["observed_pct"] <= high["upper"]


def test_survival_json_and_html_outputs(tmp_path: Path) -> None:
    out = tmp_path / "km.json"
    code, _, err = _run(
        "cohort", "survival", str(EXAMPLE), "--time", "pfs1_months", "--event", "pfs1_event",
        "--where", "first_line_drug=imatinib", "--arm", "s0033_imatinib400_pfs", "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    doc = json.loads(out.read_text())
    assert doc["groups"][0]["group"] == "all" and doc["groups"][0]["n"] > 50
    assert doc["overlays"][0]["trial"] and doc["overlays"][0]["source_ids"]
    code, _, err = _run(
        "cohort", "survival", str(EXAMPLE), "--time", "os_months", "--event", "os_event",
        "--by", "site", "--out", str(tmp_path / "km.html"),
    )  # fmt: skip
    assert code == 0 and "<svg" in (tmp_path / "km.html").read_text()


def test_cox_text_names_reference_levels_and_ph_checks() -> None:
    code, out, err = _run(
        "cohort", "cox", str(EXAMPLE), "--time", "rfs_months", "--event", "rfs_event",
        "--covariates", "site,size_cm,mitoses", "--where", "metastatic=false",
    )  # fmt: skip
    assert code == 0, err
    assert "reference levels: site=stomach" in out and "proportional hazards" in out
    assert "site=jejunum_ileum" in out


def test_bad_column_and_bad_event_name_the_column_and_row(tmp_path: Path) -> None:
    code, _, err = _run("cohort", "survival", str(EXAMPLE), "--time", "nope", "--event", "os_event")
    assert code == 2 and "column nope: not in" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("t,e\n3,1\n4,2\n-1,0\n")
    code, _, err = _run("cohort", "survival", str(bad), "--time", "t", "--event", "e")
    assert code == 2
    assert "row 3, column e: must be 0 or 1, got '2'" in err
    assert "row 4, column t: must be a number >= 0" in err
    code, _, err = _run("cohort", "survival", str(EXAMPLE), "--time", "os_months",
                        "--event", "os_event", "--arm", "no_such_arm")  # fmt: skip
    assert code == 2 and "--arm: no arm 'no_such_arm'" in err


def test_a_median_whose_upper_limit_is_not_reached_reads_nr() -> None:
    """A median reached with the upper confidence limit never crossed: "(111.6–NR)", not a
    doubled dash."""
    from gistcds.cohort.render import _median
    from gistcds.cohort.survival import GroupCurve

    def group(median: float | None, ci: tuple[float | None, float | None]) -> GroupCurve:
        return GroupCurve("g", 10, 5, median, ci, {}, [], [], [], [])

    assert _median(group(136.8, (111.6, None))) == "136.8 (111.6–NR)"
    assert _median(group(20.04, (12.0, 30.55))) == "20.0 (12.0–30.6)"
    assert _median(group(None, (None, None))) == "not reached"
