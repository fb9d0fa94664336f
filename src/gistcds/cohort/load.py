"""Reading the analysis columns of a registry table, on pandas or Dask, with row messages.

Survival commands need only a few columns (time, event, grouping or covariates). Each
partition (the whole table with the pandas engine; Dask's partitions otherwise) is turned
into typed columns by ``typed_part``; a bad time or event is reported with its spreadsheet
row, found from the partition lengths. Kaplan–Meier and log-rank need only the number of
events and censorings per (group, time): ``counts`` builds them per partition and sums the
partial counts, so the Dask engine never gathers the rows themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from gistcds.cohort import tableio
from gistcds.cohort.schema import FALSE, TRUE
from gistcds.errors import InputError, Problem

__all__ = [
    "Engine",
    "Spec",
    "column_names",
    "counts",
    "frame",
    "map_columns",
    "typed_part",
    "with_risk",
]

Engine = Literal["pandas", "dask"]
MAX_LISTED = 50
MISSING = "(missing)"


@dataclass(frozen=True)
class Spec:
    """Which columns to read and how: time and event typed, the others as text or numbers."""

    time: str
    event: str
    text: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    where: tuple[tuple[str, str], ...] = ()
    score: bool = False  # derive the risk columns (``_risk_*``) from the score input columns

    @property
    def columns(self) -> list[str]:
        """The file columns read (derived ``_risk_*`` columns excluded)."""
        from gistcds.cohort.schema import COLUMNS

        names = [self.time, self.event, *self.text, *self.numbers, *(c for c, _ in self.where)]
        if self.score:
            names.extend(COLUMNS)
        return [c for c in dict.fromkeys(names) if not c.startswith("_risk_")]


def _text(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().fillna("")


def _num(s: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return s.astype("float64")
    return pd.to_numeric(_text(s).replace("", np.nan), errors="coerce").astype("float64")


def typed_part(part: pd.DataFrame, spec: Spec) -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
    """Typed columns of one partition and its problems as (row within part, column, message).

    Rows with an empty time or event are dropped (not yet followed up); a time that is
    not a number >= 0, or an event that is not 0/1 (or true/false), is a problem.
    """
    problems: list[tuple[int, str, str]] = []
    raw_t = _text(part[spec.time]) if not pd.api.types.is_numeric_dtype(part[spec.time]) else None
    t = _num(part[spec.time])
    bad_t = (t < 0) | (t.isna() & (raw_t != "") if raw_t is not None else t < 0)
    for i in np.flatnonzero(bad_t.to_numpy())[:MAX_LISTED]:
        problems.append(
            (int(i), spec.time, f"must be a number >= 0, got {part[spec.time].iloc[i]!r}")
        )
    ev_raw = part[spec.event]
    if pd.api.types.is_bool_dtype(ev_raw) or pd.api.types.is_numeric_dtype(ev_raw):
        e = ev_raw.astype("float64")
        bad_e = ~e.isin([0.0, 1.0]) & e.notna()
    else:
        txt = _text(ev_raw).str.lower()
        e = pd.Series(
            np.where(txt.isin(TRUE), 1.0, np.where(txt.isin(FALSE), 0.0, np.nan)), index=part.index
        )
        bad_e = e.isna() & (txt != "")
    for i in np.flatnonzero(bad_e.to_numpy())[:MAX_LISTED]:
        problems.append((int(i), spec.event, f"must be 0 or 1, got {ev_raw.iloc[i]!r}"))
    out = pd.DataFrame({"time": t.to_numpy(), "event": e.to_numpy()}, index=part.index)
    chosen = pd.Series(True, index=part.index)
    for col, value in spec.where:
        chosen &= _text(part[col]) == value
    for c in spec.text:
        out[c] = _text(part[c]).replace("", MISSING).to_numpy()
    for c in spec.numbers:
        out[c] = _num(part[c]).to_numpy()
    keep = out["time"].notna() & out["event"].notna() & ~bad_t & ~bad_e & chosen
    out = out[keep.to_numpy()].copy()  # a frame of its own, not a view of the filtered one
    out["event"] = out["event"].astype(np.int8)
    return out.reset_index(drop=True), problems


def with_risk(part: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
    """The partition with every risk column of ``cohort score`` as ``_risk_<column>``
    (text; the AFIP percentage as a number), and the problems of its risk inputs."""
    import pyarrow as pa

    from gistcds.cohort.score import score_slice
    from gistcds.knowledge import load_kb

    table = pa.Table.from_pandas(part.reset_index(drop=True), preserve_index=False)
    sliced = score_slice(table, load_kb(), first_row=0)
    problems = [(p.row, p.column, p.message) for p in sliced.problems[:MAX_LISTED]]
    if sliced.missing:
        return part, problems
    out = part.copy()
    for name in sliced.table.column_names[table.num_columns :]:
        col = sliced.table.column(name).to_pandas()
        out[f"_risk_{name}"] = (
            col.to_numpy() if name.endswith("_pct") else col.astype("string").fillna("").to_numpy()
        )
    return out, problems


def _check_columns(names: Sequence[str], spec: Spec, where: str) -> None:
    missing = [c for c in spec.columns if c not in names]
    if missing:
        shown = ", ".join(list(names)[:12])
        raise InputError(
            [Problem(f"column {c}", f"not in {where} (columns: {shown})") for c in missing]
        )


def _raise(problems: list[tuple[int, str, str]]) -> None:
    if problems:
        problems.sort()
        raise InputError(
            [Problem(f"row {r}, column {c}", m) for r, c, m in problems[:MAX_LISTED]]
            + (
                [Problem("", f"... {len(problems) - MAX_LISTED} more")]
                if len(problems) > MAX_LISTED
                else []
            )
        )


def _pandas_table(path: Path, spec: Spec) -> pd.DataFrame:
    table = tableio.read_path(path)
    _check_columns(table.column_names, spec, str(path))
    df: pd.DataFrame = table.select(spec.columns).to_pandas()
    return df


def _dask_frame(path: Path, spec: Spec) -> Any:
    import dask.dataframe as dd

    suffix = path.suffix.lower()
    if path.is_dir() or not path.is_file() or suffix not in (".csv", ".txt", ".parquet", ".pq"):
        tableio.read_path(path)  # raises the reader's message (or reads a .jsonl: refused below)
        raise InputError([Problem(str(path), "the dask engine reads .csv or .parquet files")])
    if suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        _check_columns(pq.read_schema(path).names, spec, str(path))
        return dd.read_parquet(path, columns=spec.columns)
    with path.open("rb") as fh:
        names = tableio.header_names(fh.read(65536), str(path))
    _check_columns(names, spec, str(path))
    return dd.read_csv(
        path, usecols=spec.columns, dtype=str, keep_default_na=False, blocksize="64MB"
    )


def _over_parts(
    path: Path,
    spec: Spec,
    engine: Engine,
    fn: Callable[[pd.DataFrame], Any],
    client_opts: tuple[str | None, int | None],
) -> list[tuple[Any, list[tuple[int, str, str]], int]]:
    """``fn`` over typed partitions: [(fn(part), problems within part, rows in part)]."""

    def one(part: pd.DataFrame) -> tuple[Any, list[tuple[int, str, str]], int]:
        risk_problems: list[tuple[int, str, str]] = []
        if spec.score:
            part, risk_problems = with_risk(part)
        typed, problems = typed_part(part, spec)
        return fn(typed), [*risk_problems, *problems], len(part)

    if engine == "pandas":
        return [one(_pandas_table(path, spec))]
    from gistcds.executors import dask_client

    ddf = _dask_frame(path, spec)
    with dask_client(*client_opts):
        return _compute(one, ddf)


def map_columns(
    path: Path,
    columns: Sequence[str],
    fn: Callable[[pd.DataFrame], Any],
    engine: Engine = "pandas",
    client_opts: tuple[str | None, int | None] = (None, None),
) -> list[Any]:
    """``fn`` over the raw partitions of the columns present in the file (the pandas engine
    reads the table once; Dask maps over its partitions)."""
    present = [c for c in columns if c in column_names(path)]
    spec = Spec(present[0], present[0], text=tuple(present[1:])) if present else None
    if spec is None:
        return []
    if engine == "pandas":
        return [fn(_pandas_table(path, spec))]
    from gistcds.executors import dask_client

    ddf = _dask_frame(path, spec)
    with dask_client(*client_opts):
        return _compute(fn, ddf)


def column_names(path: Path) -> list[str]:
    """The column names of a table file (header or schema only, where the format allows)."""
    if path.suffix.lower() in (".parquet", ".pq") and path.is_file():
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    if path.is_file() and path.suffix.lower() in (".csv", ".txt"):
        with path.open("rb") as fh:
            return tableio.header_names(fh.read(65536), str(path))
    return list(tableio.read_path(path).column_names)


def _compute(fn: Callable[[pd.DataFrame], Any], ddf: Any) -> list[Any]:
    """``fn`` over every partition of a Dask frame, results in partition order."""
    from dask.base import compute
    from dask.delayed import delayed

    tasks = [delayed(fn)(p) for p in ddf.to_delayed()]
    return list(compute(*tasks))  # type: ignore[no-untyped-call]


def _offsets(parts: list[tuple[Any, list[tuple[int, str, str]], int]]) -> None:
    start = 2  # header = row 1
    problems: list[tuple[int, str, str]] = []
    for _, found, n in parts:
        problems.extend((r + start, c, m) for r, c, m in found)
        start += n
    _raise(problems)


def counts(
    path: Path,
    spec: Spec,
    by: Sequence[str],
    engine: Engine = "pandas",
    client_opts: tuple[str | None, int | None] = (None, None),
) -> pd.DataFrame:
    """Events and censorings per (group columns..., time): the sufficient statistics of
    Kaplan–Meier and log-rank, summed over partitions."""
    keys = [*by, "time"]

    def agg(df: pd.DataFrame) -> pd.DataFrame:
        g = df.assign(censored=1 - df["event"]).groupby(keys, sort=False, observed=True)
        return g.agg(events=("event", "sum"), censored=("censored", "sum")).reset_index()

    parts = _over_parts(path, spec, engine, agg, client_opts)
    _offsets(parts)
    whole = pd.concat([p[0] for p in parts], ignore_index=True)
    total = whole.groupby(keys, sort=True, observed=True)[["events", "censored"]].sum()
    out: pd.DataFrame = total.reset_index().astype({"events": np.int64, "censored": np.int64})
    return out


def frame(
    path: Path,
    spec: Spec,
    engine: Engine = "pandas",
    client_opts: tuple[str | None, int | None] = (None, None),
    keep: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """The typed analysis columns as one frame (``keep`` may thin each partition first,
    e.g. a sample for Cox), concatenated in file order."""
    fn = keep or (lambda df: df)
    parts = _over_parts(path, spec, engine, fn, client_opts)
    _offsets(parts)
    out: pd.DataFrame = pd.concat([p[0] for p in parts], ignore_index=True)
    return out
