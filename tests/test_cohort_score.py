"""``gistcds cohort score``: validation by row and column, output, and pandas == Dask."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from gistcds.cli import build_app
from gistcds.cohort.genotype import OUTPUT_COLUMNS as GENOTYPE_COLUMNS
from gistcds.cohort.schema import validate
from gistcds.cohort.score import score_table
from gistcds.knowledge import load_kb
from gistcds.risk import RiskInput, score_input
from gistcds.risk.batch import OUTPUT_COLUMNS
from gistcds.risk.panel import flatten

HEADER = "id,site,size_cm,mitoses,mitoses_per,rupture,nodes,metastatic\n"
GOOD = (
    "a,stomach,11,12,5mm2,false,,false\n"
    "b,jejunum_ileum,4,3,50hpf,no,N0,\n"
    "c,colon,4,3,5mm2,no,,no\n"
    "d,stomach,9,8,5mm2,false,,true\n"
    "e,duodenum,1.5,8,5mm2,,N1,false\n"
)
BAD = "f,stomack,-1,3,,maybe,N2,perhaps\n"


def _run(*args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    res = runner.invoke(build_app(), list(args))
    return res.exit_code, res.stdout, res.stderr


def _write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    p = tmp_path / name
    p.write_text(HEADER + text)
    return p


def test_scores_a_csv_into_parquet_like_the_scalar_engine(tmp_path: Path) -> None:
    src, out = _write(tmp_path, GOOD), tmp_path / "out.parquet"
    code, _, err = _run("cohort", "score", str(src), "--out", str(out))
    assert code == 0, err
    df = pd.read_parquet(out)
    assert list(df.columns) == ["id", *OUTPUT_COLUMNS, *GENOTYPE_COLUMNS]
    assert df["id"].tolist() == list("abcde")
    a = df.iloc[0]
    assert (a["nih_category"], a["afip_category"], a["afip_progression_pct"], a["ajcc8_stage"]) == (
        "high",
        "high",
        86.0,
        "IIIB",
    )
    d = df.iloc[3]
    assert pd.isna(d["nih_category"]) and (d["ajcc8_m"], d["ajcc8_stage"]) == ("M1", "IV")
    e = df.iloc[4]
    expected = flatten(
        score_input(RiskInput(site="duodenum", size_cm=1.5, mitoses=8, nodes="N1"), load_kb())
    )
    for col, want in expected.items():
        got = e[col]
        assert (pd.isna(got) and want is None) or got == want, col


def test_bad_rows_exit_2_naming_row_and_column_and_write_nothing(tmp_path: Path) -> None:
    src, out = _write(tmp_path, GOOD + BAD), tmp_path / "out.parquet"
    code, _, err = _run("cohort", "score", str(src), "--out", str(out))
    assert code == 2
    assert not out.exists()
    lines = err.strip().splitlines()
    for column in ("site", "size_cm", "mitoses_per", "rupture", "nodes", "metastatic"):
        assert any(line.startswith(f"row 6, column {column}:") for line in lines), column
    assert "Traceback" not in err


def test_skip_invalid_scores_the_good_rows(tmp_path: Path) -> None:
    src, out = _write(tmp_path, BAD + GOOD), tmp_path / "out.parquet"
    code, _, err = _run("cohort", "score", str(src), "--out", str(out), "--skip-invalid")
    assert code == 0
    assert "skipped row 1, column site" in err
    assert pd.read_parquet(out)["id"].tolist() == list("abcde")


def test_missing_column_and_duplicate_id(tmp_path: Path) -> None:
    p = tmp_path / "in.csv"
    p.write_text("id,site,size_cm\na,stomach,3\n")
    code, _, err = _run("cohort", "score", str(p))
    assert code == 2 and "column mitoses: column missing" in err
    _, problems = validate(
        pd.read_csv(_write(tmp_path, GOOD + "a,stomach,3,1,5mm2,,,\n"), dtype=str)
    )
    assert [str(p) for p in problems] == ["row 6, column id: repeated id, got 'a'"]


def test_parquet_input_gives_the_same_output_as_csv(tmp_path: Path) -> None:
    csv = _write(tmp_path, GOOD)
    typed = pd.DataFrame(
        {
            "id": list("abcde"),
            "site": ["stomach", "jejunum_ileum", "colon", "stomach", "duodenum"],
            "size_cm": [11, 4, 4, 9, 1.5],
            "mitoses": [12, 3, 3, 8, 8],
            "mitoses_per": ["5mm2", "50hpf", "5mm2", "5mm2", "5mm2"],
            "rupture": [False, False, False, False, None],
            "nodes": [None, "N0", None, None, "N1"],
            "metastatic": [False, None, False, True, False],
        }
    )
    pq = tmp_path / "in.parquet"
    typed.to_parquet(pq)
    outs = []
    for src in (csv, pq):
        out = tmp_path / f"{src.stem}-{src.suffix[1:]}.parquet"
        assert _run("cohort", "score", str(src), "--out", str(out))[0] == 0
        outs.append(pd.read_parquet(out))
    pd.testing.assert_frame_equal(outs[0], outs[1])


def _random_cohort(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    sites = ["stomach", "duodenum", "jejunum_ileum", "rectum", "colon", "omentum", ""]
    raw = pd.DataFrame(
        {
            "id": [f"p{i}" for i in range(n)],
            "site": rng.choice(sites, n),
            "size_cm": rng.choice([2.0, 5.0, 10.0, 3.3, 12.0, 0.5], n).astype(str),
            "mitoses": rng.choice([5, 10, 0, 7, 30], n).astype(str),
            "mitoses_per": "5mm2",
            "rupture": rng.choice(["true", "false", ""], n),
            "nodes": rng.choice(["N0", "N1", "NX", ""], n),
            "metastatic": rng.choice(["true", "false"], n, p=[0.1, 0.9]),
        }
    )
    clean, problems = validate(raw)
    assert not problems
    return clean


def test_pandas_partitions_do_not_change_the_output() -> None:
    df, kb = _random_cohort(3000), load_kb()
    whole = score_table(df, kb, partition_rows=10_000, progress=False)
    parts = score_table(df, kb, partition_rows=700, progress=True)
    pd.testing.assert_frame_equal(whole, parts)


def test_dask_engine_output_is_identical_to_pandas() -> None:
    pytest.importorskip("distributed")
    df, kb = _random_cohort(2000), load_kb()
    local = score_table(df, kb, engine="pandas", partition_rows=500)
    dask = score_table(df, kb, engine="dask", workers=1, partition_rows=500)
    pd.testing.assert_frame_equal(local, dask)
