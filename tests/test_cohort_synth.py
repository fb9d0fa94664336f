"""``gistcds cohort synth``: seeded, drawn from the KB's cited figures, agrees with the engines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from gistcds.cli import build_app
from gistcds.cohort import synth
from gistcds.cohort.score import score_table
from gistcds.knowledge import load_kb
from gistcds.knowledge.schema.cohort_synth import Table as SynthTable


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return synth.synth(20_000, seed=11)


def test_same_seed_same_table_other_seed_other_table() -> None:
    a, b, c = synth.synth(500, 3), synth.synth(500, 3), synth.synth(500, 4)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_columns_are_the_score_inputs_plus_outcomes(table: pd.DataFrame) -> None:
    assert list(table.columns) == list(synth.COLUMNS)
    from gistcds.cohort.genotype import INPUT_COLUMNS
    from gistcds.cohort.schema import COLUMNS

    assert set(COLUMNS) | set(INPUT_COLUMNS) <= set(table.columns)
    assert set(table["os_event"].dropna().unique()) <= {0, 1}
    assert set(table["rfs_event"].dropna().unique()) <= {0, 1}


def test_frequencies_follow_the_cited_kb_figures(table: pd.DataFrame) -> None:
    t = load_kb().table("cohort_synth", SynthTable)
    n = len(table)
    weights = {w.value: w.weight for w in t.sites.items}
    total = sum(weights.values())
    for site, w in weights.items():
        share = (table["site"] == site).mean()
        assert share == pytest.approx(w / total, abs=4 * np.sqrt(w / total / n) + 1e-3), site
    meta = (table["metastatic"] == "true").mean()
    assert meta == pytest.approx(t.metastatic_at_diagnosis.value, abs=0.015)
    gw = {g.genotype: g.weight for g in t.genotypes.items}
    gtotal = sum(gw.values())
    for cls, w in gw.items():
        share = (table["genotype_class"] == cls).mean()
        assert share == pytest.approx(w / gtotal, abs=4 * np.sqrt(w / gtotal / n) + 1e-3), cls


def test_rows_score_cleanly_and_the_genotype_engine_agrees(table: pd.DataFrame) -> None:
    scored, summary = score_table(table.head(3000))
    assert summary.skipped == 0
    out = scored.to_pandas()
    assert (out["genotype_class"] == out["genotype_class_input"]).all()


def test_recurrence_follows_the_afip_percentage(table: pd.DataFrame) -> None:
    """Per AFIP cell, the Kaplan–Meier share recurred by 120 months (recurrences are placed
    within 10 years) is the cell's published percentage, within sampling error."""
    from lifelines import KaplanMeierFitter

    scored = score_table(table)[0].to_pandas()
    local = scored[scored["metastatic"] == "false"]
    checked = 0
    for pct, cell in local.groupby("afip_progression_pct", dropna=True):
        if len(cell) < 300:
            continue
        kmf = KaplanMeierFitter().fit(cell["rfs_months"], cell["rfs_event"].astype(int))
        observed = 1 - float(kmf.survival_function_at_times(119.9).iloc[0])
        assert observed == pytest.approx(pct / 100, abs=4 * np.sqrt(0.25 / len(cell)) + 0.01)
        checked += 1
    assert checked >= 5


def test_metastatic_course_comes_from_the_prognosis_engine(table: pd.DataFrame) -> None:
    treated = table[table["first_line_drug"] != ""]
    assert set(treated["first_line_drug"]) == {"imatinib"}
    kit9 = treated[treated["genotype_class"] == "KIT_exon9"]
    assert set(kit9["first_line_dose_mg_per_day"].dropna()) == {800}
    other = treated[treated["genotype_class"] == "KIT_exon11"]
    assert set(other["first_line_dose_mg_per_day"].dropna()) == {400}
    assert treated["lines_received"].dropna().between(1, 4).all()
    d842v = table[table["genotype_class"] == "PDGFRA_D842V"]
    assert d842v["os_months"].isna().all() and (d842v["first_line_drug"] == "").all()


def test_cli_writes_the_format_of_the_extension(tmp_path: Path) -> None:
    out = tmp_path / "syn.parquet"
    res = CliRunner().invoke(build_app(), ["cohort", "synth", "--n", "50", "--out", str(out)])
    assert res.exit_code == 0 and "SYNTHETIC" in res.stderr
    assert len(pd.read_parquet(out)) == 50
