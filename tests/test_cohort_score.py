"""``gistcds cohort score``: what registry users expect, row messages, formats, pandas == Dask."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gistcds.cli import build_app
from gistcds.cohort.genotype import OUTPUT_COLUMNS as GENOTYPE_COLUMNS
from gistcds.cohort.schema import COLUMN_DOCS
from gistcds.cohort.score import output_columns, score_bytes, score_table
from gistcds.errors import InputError
from gistcds.knowledge import load_kb
from gistcds.risk import RiskInput, score_input
from gistcds.risk.batch import OUTPUT_COLUMNS
from gistcds.risk.panel import flatten
from gistcds.risk.tables import SITES

HEADER = "id,site,size_cm,mitoses,mitoses_per,rupture,nodes,metastatic,ward\n"
GOOD = (
    "a,stomach,11,12,5mm2,false,,false,W1\n"
    "b,jejunum_ileum,4,3,50hpf,no,N0,,W2\n"
    "c,colon,4,3,5mm2,NO,,No,W3\n"
    "d,stomach,9,8,5mm2,false,,true,\n"
    "e,duodenum,1.5,8,5mm2,,N1,false,W5\n"
)
BAD = "f,stomack,-1,3,,maybe,N2,perhaps,W6\n"
RISK_WRITTEN = [c for c in OUTPUT_COLUMNS if not c.startswith("mskcc_")]


def _run(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(build_app(), list(args))
    return res.exit_code, res.stdout, res.stderr


def _write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    p = tmp_path / name
    p.write_text(HEADER + text)
    return p


def test_input_columns_kept_scored_appended_mskcc_left_out(tmp_path: Path) -> None:
    src, out = _write(tmp_path, GOOD), tmp_path / "out.parquet"
    code, _, err = _run("cohort", "score", str(src), "--out", str(out))
    assert code == 0, err
    assert err.strip().splitlines()[-1] == "scored 5 rows, skipped 0"
    df = pd.read_parquet(out)
    assert list(df.columns) == [*HEADER.strip().split(","), *RISK_WRITTEN]
    assert df["ward"].tolist()[:3] == ["W1", "W2", "W3"] and df["size_cm"].tolist()[0] == "11"
    a = df.iloc[0]
    got = (a["nih_category"], a["afip_category"], a["afip_progression_pct"], a["ajcc8_stage"])
    assert got == ("high", "high", 86.0, "IIIB")
    d = df.iloc[3]
    assert pd.isna(d["nih_category"]) and (d["ajcc8_m"], d["ajcc8_stage"]) == ("M1", "IV")
    expected = flatten(
        score_input(RiskInput(site="duodenum", size_cm=1.5, mitoses=8, nodes="N1"), load_kb())
    )
    e = df.iloc[4]
    for col in RISK_WRITTEN:
        want = expected[col]
        assert (pd.isna(e[col]) and want is None) or e[col] == want, col


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_output_format_follows_the_extension(tmp_path: Path, suffix: str) -> None:
    src, out = _write(tmp_path, GOOD), tmp_path / f"out{suffix}"
    assert _run("cohort", "score", str(src), "--out", str(out))[0] == 0
    raw = out.read_bytes()
    if suffix == ".csv":
        df = pd.read_csv(out, dtype=str, keep_default_na=False)
        assert raw.startswith(b'"id","site"') or raw.startswith(b"id,site")
    elif suffix == ".parquet":
        assert raw[:4] == b"PAR1"
        df = pd.read_parquet(out)
    else:
        rows = [json.loads(line) for line in raw.decode().splitlines()]
        assert rows[0]["id"] == "a" and rows[0]["afip_progression_pct"] == 86.0
        assert rows[3]["nih_category"] is None
        df = pd.DataFrame(rows)
    assert df["id"].tolist() == list("abcde") and "nih_category" in df.columns


def test_unknown_out_extension_is_refused_before_reading(tmp_path: Path) -> None:
    code, _, err = _run("cohort", "score", str(_write(tmp_path, GOOD)), "--out", "x.xlsx")
    assert code == 2 and "--out: must end in .csv, .parquet or .jsonl" in err


def test_bad_rows_exit_2_spreadsheet_rows_and_write_nothing(tmp_path: Path) -> None:
    src, out = _write(tmp_path, GOOD + BAD), tmp_path / "out.parquet"
    code, _, err = _run("cohort", "score", str(src), "--out", str(out))
    assert code == 2 and not out.exists()
    lines = err.strip().splitlines()
    # header = row 1, so the sixth patient is spreadsheet row 7
    for column in ("site", "size_cm", "mitoses_per", "rupture", "nodes", "metastatic"):
        assert any(line.startswith(f"row 7, column {column}:") for line in lines), column
    assert "row 7, column size_cm: must be > 0, got '-1'" in lines
    assert "Traceback" not in err


def test_skip_invalid_scores_the_good_rows_and_says_how_many(tmp_path: Path) -> None:
    src, out = _write(tmp_path, BAD + GOOD), tmp_path / "out.csv"
    code, _, err = _run("cohort", "score", str(src), "--out", str(out), "--skip-invalid")
    assert code == 0
    assert "skipped row 2, column site" in err
    assert err.strip().splitlines()[-1] == "scored 5 rows, skipped 1"
    assert pd.read_csv(out, dtype=str)["id"].tolist() == list("abcde")


def test_case_is_accepted_as_assess_accepts_it(tmp_path: Path) -> None:
    # booleans in any case (as before); enumerated values as in a patient record
    table = pa.table(
        {
            "id": ["x", "y"],
            "site": ["stomach", "Stomach"],
            "size_cm": ["3", "3"],
            "mitoses": ["1", "1"],
            "mitoses_per": ["5mm2", "5mm2"],
            "rupture": ["TRUE", "No"],
            "nodes": ["N0", "n0"],
            "metastatic": ["False", "YES"],
        }
    )
    with pytest.raises(InputError) as exc:
        score_table(table)
    msgs = [str(p) for p in exc.value.problems]
    assert any("row 3, column site" in m and "'stomach'" in m for m in msgs)
    from gistcds.domain.patient import PrimaryTumor

    for value in ("Stomach", "n0"):  # the patient model refuses them too
        field = "site" if value == "Stomach" else "nodes"
        with pytest.raises(ValueError):
            PrimaryTumor.model_validate({field: value})


def test_missing_column_and_repeated_id(tmp_path: Path) -> None:
    p = tmp_path / "in.csv"
    p.write_text("id,site,size_cm\na,stomach,3\n")
    code, _, err = _run("cohort", "score", str(p))
    assert code == 2 and "row 1, column mitoses: column missing from the table" in err
    with pytest.raises(InputError) as exc:
        score_bytes((HEADER + GOOD + "a,stomach,3,1,5mm2,,,,\n").encode(), "csv")
    assert [str(p) for p in exc.value.problems] == ["row 7, column id: repeated id, got 'a'"]


def test_directory_semicolons_and_unknown_files_get_clear_messages(tmp_path: Path) -> None:
    (tmp_path / "reg").mkdir()
    (tmp_path / "reg" / "part1.csv").write_text(HEADER + GOOD)
    code, _, err = _run("cohort", "score", str(tmp_path / "reg"))
    assert code == 2 and "is a directory, not a table file; tables inside: part1.csv" in err
    semi = tmp_path / "semi.csv"
    semi.write_text(HEADER.replace(",", ";") + GOOD.replace(",", ";"))
    code, _, err = _run("cohort", "score", str(semi))
    assert code == 2
    assert "separated by semicolons, not commas (9 columns: id, site, size_cm" in err
    code, _, err = _run("cohort", "score", str(tmp_path / "nope.csv"))
    assert code == 2 and "no such file" in err


def test_help_and_columns_list_every_column_and_its_values() -> None:
    code, out, _ = _run("cohort", "columns")
    assert code == 0
    for column, _, _ in COLUMN_DOCS:
        assert column in out
    assert "jejunum_ileum" in out and "5mm2" in out and "NX" in out
    code, out, _ = _run("cohort", "score", "--help")
    assert code == 0 and "mitoses_per" in out and "jejunum_ileum" in out and ".jsonl" in out


def test_the_example_csv_scores_cleanly(tmp_path: Path) -> None:
    example = Path(__file__).parents[1] / "examples" / "cohort" / "registry.csv"
    out = tmp_path / "scored.parquet"
    code, _, err = _run("cohort", "score", str(example), "--out", str(out))
    assert code == 0, err
    df = pd.read_parquet(out)
    assert list(df.columns[-len(GENOTYPE_COLUMNS) :]) == list(GENOTYPE_COLUMNS)
    assert (df["genotype_class"] == df["genotype_class_input"]).all()


def test_same_answer_from_csv_and_parquet_input(tmp_path: Path) -> None:
    csv_out, _ = score_bytes((HEADER + GOOD).encode(), "csv")
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
    pq_out, summary = score_table(typed)
    assert summary.scored == 5
    names = list(output_columns(load_kb(), with_genotype=False))
    pd.testing.assert_frame_equal(
        csv_out.select(names).to_pandas(), pq_out.select(names).to_pandas()
    )


def test_dask_engine_writes_the_same_table(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    example = Path(__file__).parents[1] / "examples" / "cohort" / "registry.csv"
    outs = []
    for engine in ("pandas", "dask"):
        out = tmp_path / f"{engine}.parquet"
        args = ["cohort", "score", str(example), "--out", str(out), "--engine", engine]
        code, _, err = _run(*args, *(["--workers", "1"] if engine == "dask" else []))
        assert code == 0, err
        outs.append(pd.read_parquet(out))
    pd.testing.assert_frame_equal(outs[0], outs[1])


SIZES = ["", "0.5", "2", "2.0", "2.01", "4.99", "5", "5.1", "10", "10.0", "10.01", "23"]
COUNTS = ["", "0", "3", "5", "5.0", "5.5", "10", "10.5", "11", "60"]
TF = {"": None, "true": True, "Yes": True, "no": False, "0": False}


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", *(s for s in SITES)]),
            st.sampled_from(SIZES),
            st.sampled_from(COUNTS),
            st.sampled_from(["5mm2", "50hpf"]),
            st.sampled_from(list(TF)),
            st.sampled_from(["", "N0", "N1", "NX"]),
            st.sampled_from(["", "true", "false"]),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_cohort_rows_score_as_the_scalar_path_scores_each_patient(
    rows: list[tuple[str, ...]],
) -> None:
    """Text rows through validation and the factored batch path == ``score_input`` per row."""
    cols = list(zip(*rows, strict=True))
    names = ["site", "size_cm", "mitoses", "mitoses_per", "rupture", "nodes", "metastatic"]
    ids = [f"p{i}" for i in range(len(rows))]
    table = pa.table({"id": ids, **dict(zip(names, cols, strict=True))})
    scored, _ = score_table(table)
    got = scored.select(RISK_WRITTEN).to_pylist()
    kb = load_kb()
    for i, (site, size, mit, _, rup, nodes, meta) in enumerate(rows):
        want = flatten(
            score_input(
                RiskInput(
                    site=site or None,
                    size_cm=float(size) if size else None,
                    mitoses=float(mit) if mit else None,
                    rupture=TF[rup],
                    nodes=nodes or None,
                    metastatic=meta == "true",
                ),
                kb,
            )
        )
        assert got[i] == {c: want[c] for c in RISK_WRITTEN}, (i, rows[i])


def _rows(copies: int) -> str:
    """GOOD repeated with unique ids (a0, b0, ..., e<copies-1>)."""
    return "".join(
        line.replace(line.split(",")[0], f"{line.split(',')[0]}{i}", 1) + "\n"
        for i in range(copies)
        for line in GOOD.splitlines()
    )


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_streamed_and_whole_file_paths_write_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """A file streamed in pieces (here of about 4 rows, read in parallel) is written as the
    whole table is (``run_local``, what ``--skip-invalid`` uses), and a bad row and a
    repeated id in later pieces are refused with the same messages."""
    from gistcds.cohort import pipeline, tableio

    kb = load_kb()
    good = _write(tmp_path, _rows(6))
    bad = _write(tmp_path, _rows(3) + BAD + "a1,stomach,3,2,5mm2,false,,false,W\n", "bad.csv")
    whole, streamed = tmp_path / f"whole.{fmt}", tmp_path / f"streamed.{fmt}"
    expected = pipeline.run_local(tableio.read_path(good), whole, fmt, kb, False)
    with pytest.raises(InputError) as whole_err:
        pipeline.run_local(tableio.read_path(bad), whole, fmt, kb, False)
    monkeypatch.setattr(pipeline, "LOCAL_SLICE_ROWS", 4)
    assert len(list(tableio.iter_batches(good, 4))) > 5
    got = pipeline.run_stream(good, streamed, fmt, kb, False)
    assert (got.scored, got.skipped) == (expected.scored, expected.skipped) == (30, 0)
    read = pd.read_parquet if fmt == "parquet" else pd.read_csv
    pd.testing.assert_frame_equal(read(whole).astype(str), read(streamed).astype(str))
    with pytest.raises(InputError) as streamed_err:
        pipeline.run_stream(bad, streamed, fmt, kb, False)
    assert str(streamed_err.value) == str(whole_err.value)
    assert "repeated id, got 'a1'" in str(streamed_err.value) and "stomack" in str(
        streamed_err.value
    )
