"""``gistcds cohort score``: the risk batch path and the genotype engine over a table.

Every input column is kept, untouched, and the scored columns are appended (risk:
``risk.batch.OUTPUT_COLUMNS`` less the MSKCC columns while the knowledge base marks that
nomogram not reported, since they would always be empty; genotype columns only when the
table has a molecular column). A bad row stops the run before anything is written, with one
line per bad cell naming the spreadsheet row and the column, unless ``skip_invalid``.

``score_table`` / ``score_bytes`` are the public faces (the service calls them). The pandas
engine reads the whole table with pyarrow's CSV reader and validates and scores it in one
vectorised pass; the Dask engine streams the file in slices, scores each slice on a worker
with the same function and writes the slices in order, so both give identical tables.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from gistcds.cohort import genotype, tableio
from gistcds.cohort.schema import RowProblem
from gistcds.cohort.validate import duplicate_rows, validate_table
from gistcds.errors import InputError, Problem
from gistcds.knowledge import KnowledgeBase, load_kb
from gistcds.risk.batch import OUTPUT_COLUMNS as RISK_COLUMNS
from gistcds.risk.batch import grid_codes, score_factored, to_frame
from gistcds.risk.tables import risk_tables

__all__ = [
    "ScoreSummary",
    "Slice",
    "output_columns",
    "repeats",
    "run",
    "score_bytes",
    "score_slice",
    "score_table",
    "to_problems",
    "with_input",
]

Engine = Literal["pandas", "dask"]
MAX_LISTED_PROBLEMS = 200
FIRST_ROW = 2  # the header is row 1, as a spreadsheet numbers it
Mask = npt.NDArray[np.bool_]


@dataclass
class ScoreSummary:
    scored: int = 0
    skipped: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    n_problems: int = 0


def _risk_columns(kb: KnowledgeBase) -> tuple[str, ...]:
    """The risk columns written: MSKCC's are left out while the KB marks it not reported."""
    if risk_tables(kb).mskcc_kb.mskcc.status == "not_reported":
        return tuple(c for c in RISK_COLUMNS if not c.startswith("mskcc_"))
    return RISK_COLUMNS


def output_columns(kb: KnowledgeBase, with_genotype: bool) -> tuple[str, ...]:
    """The scored columns appended to the input columns."""
    geno = genotype.OUTPUT_COLUMNS if with_genotype else ()
    return (*_risk_columns(kb), *geno)


def _as_arrow(value: pd.Series) -> pa.Array:
    """A risk column as Arrow: categoricals as dictionary arrays built from their codes
    (no per-row conversion), numbers with NaN as null."""
    if isinstance(value.dtype, pd.CategoricalDtype):
        codes = value.cat.codes.to_numpy()
        indices = pa.array(codes.astype(np.int32), mask=codes < 0)
        labels = pa.array([str(c) for c in value.cat.categories], pa.string())
        return pa.DictionaryArray.from_arrays(indices, labels)
    return pa.array(value.to_numpy(), from_pandas=True)


_GRID_COLUMNS: dict[int, tuple[KnowledgeBase, dict[str, pa.Array]]] = {}


def _grid_columns(kb: KnowledgeBase) -> dict[str, pa.Array]:
    """The risk columns written, as Arrow, one row per combination ``score_factored`` keys
    (built once per knowledge base; a slice's columns are one ``take`` each)."""
    hit = _GRID_COLUMNS.get(id(kb))
    if hit is not None and hit[0] is kb:
        return hit[1]
    tables = risk_tables(kb)
    grid = to_frame(grid_codes(tables), tables)
    cols = {c: _as_arrow(grid[c]) for c in _risk_columns(kb)}
    if len(_GRID_COLUMNS) >= 8:  # a few knowledge bases per process at most; bounded anyway
        _GRID_COLUMNS.clear()
    _GRID_COLUMNS[id(kb)] = (kb, cols)
    return cols


def _keep_input(table: pa.Table, scored: tuple[str, ...]) -> pa.Table:
    """The input columns as read: text as in the file, the cohort's low-cardinality columns
    dictionary-encoded as the reader hands them over (one dictionary per column across the
    slice, so Parquet writes their codes without hashing every cell again; CSV and JSON lines
    are written as text). One named like a scored column is renamed ``<name>_input``."""
    names = [f"{n}_input" if n in scored else n for n in table.column_names]
    return table.unify_dictionaries().rename_columns(names)


@dataclass
class Slice:
    table: pa.Table
    problems: list[RowProblem]
    n_problems: int
    bad: Mask
    missing: bool = False  # a required column is missing: nothing can be scored


def score_slice(
    table: pa.Table,
    kb: KnowledgeBase,
    first_row: int = FIRST_ROW,
    repeated: Mask | None = None,
    keep_input: bool = True,
) -> Slice:
    """Validate and score one slice; ``table`` holds every row, bad ones flagged in ``bad``
    (without ``keep_input``, only the scored columns: what a Dask worker sends back)."""
    checked = validate_table(table, first_row)
    if checked.factored is None:  # a required column is missing
        return Slice(table.slice(0, 0), checked.problems, checked.n_problems, checked.bad, True)
    bad = checked.bad if repeated is None else checked.bad | repeated
    key, _ = score_factored(checked.factored, risk_tables(kb))
    rows = pa.array(key)
    with_geno = genotype.present(table)
    names = output_columns(kb, with_geno)
    cols: dict[str, pa.Array] = {c: g.take(rows) for c, g in _grid_columns(kb).items()}
    problems, n_problems = checked.problems, checked.n_problems
    if with_geno:
        geno, geno_problems, geno_bad = genotype.genotype_columns(table, kb, first_row)
        cols.update(geno)
        problems = [*problems, *geno_problems]
        n_problems += len(geno_problems)
        bad = bad | geno_bad
    scored = pa.table({n: cols[n] for n in names}) if names else pa.table({})
    if not keep_input:
        return Slice(scored, problems, n_problems, bad)
    return Slice(with_input(table, scored), problems, n_problems, bad)


def with_input(table: pa.Table, scored: pa.Table) -> pa.Table:
    """The input columns of ``table`` followed by the ``scored`` columns (as ``score_slice``
    with ``keep_input`` would have returned them)."""
    out = _keep_input(table, tuple(scored.column_names))
    for name, col in zip(scored.column_names, scored.columns, strict=True):
        out = out.append_column(name, col)
    return out


def to_problems(problems: list[RowProblem], total: int) -> list[Problem]:
    ordered = sorted(problems, key=lambda p: p.row)
    out = [Problem(f"row {p.row}, column {p.column}", p.message) for p in ordered]
    if total > MAX_LISTED_PROBLEMS:
        out = out[:MAX_LISTED_PROBLEMS]
        out.append(Problem("", f"... {total - MAX_LISTED_PROBLEMS} more problem(s) not listed"))
    return out


def repeats(ids: pa.Array | pa.ChunkedArray, n: int) -> tuple[Mask, list[RowProblem]]:
    found = duplicate_rows(ids, FIRST_ROW)
    mask = np.zeros(n, dtype=bool)
    mask[[p.row - FIRST_ROW for p in found]] = True
    return mask, found


def score_table(
    table: pa.Table | Any, kb: KnowledgeBase | None = None, *, skip_invalid: bool = False
) -> tuple[pa.Table, ScoreSummary]:
    """Score a whole table (Arrow or pandas) in memory: (the scored table, the summary).

    Raises ``InputError`` (one problem per bad cell, rows numbered as in a spreadsheet)
    when a row is bad and ``skip_invalid`` is false; otherwise bad rows are left out.
    """
    kb = kb or load_kb()
    if not isinstance(table, pa.Table):
        table = pa.Table.from_pandas(table, preserve_index=False)
    n = table.num_rows
    with ThreadPoolExecutor(max_workers=1) as pool:  # the id check beside the scoring
        found = pool.submit(repeats, table.column("id"), n) if "id" in table.column_names else None
        part = score_slice(table, kb, FIRST_ROW)
        repeated, rep_problems = found.result() if found else (None, [])
    if repeated is not None:
        part.bad |= repeated
    problems = [*part.problems, *rep_problems]
    total = part.n_problems + len(rep_problems)
    if part.missing or (problems and not skip_invalid):
        raise InputError(to_problems(problems, total))
    out = part.table.filter(pa.array(~part.bad)) if part.bad.any() else part.table
    skipped = int(part.bad.sum())
    return out, ScoreSummary(n - skipped, skipped, sorted(problems, key=lambda p: p.row), total)


def score_bytes(
    data: bytes, fmt: str, kb: KnowledgeBase | None = None, *, skip_invalid: bool = False
) -> tuple[pa.Table, ScoreSummary]:
    """Score a table sent as bytes (``fmt``: csv, parquet or jsonl), as ``score_table``."""
    return score_table(tableio.read_bytes(data, fmt), kb, skip_invalid=skip_invalid)


def run(
    path: Path,
    out: Path | None,
    engine: Engine = "pandas",
    scheduler: str | None = None,
    skip_invalid: bool = False,
    workers: int | None = None,
    kb: KnowledgeBase | None = None,
) -> ScoreSummary:
    """Read, validate, score and write (format from ``out``'s extension; CSV on stdout).

    Ends with "scored N rows, skipped M" on stderr (after the skipped rows, if any).
    """
    from gistcds.cohort import pipeline

    kb = kb or load_kb()
    fmt = tableio.out_format(out) if out is not None else "csv"
    if engine == "dask":
        if out is None:
            raise InputError([Problem("--out", "the dask engine writes to a file: give --out")])
        summary = pipeline.run_dask(path, out, fmt, kb, (scheduler, workers, skip_invalid))
    elif out is None:
        table, summary = score_table(tableio.read_path(path), kb, skip_invalid=skip_invalid)
        tableio.write_table(table, sys.stdout.buffer, "csv")
        sys.stdout.flush()
    else:
        summary = pipeline.run_stream(path, out, fmt, kb, skip_invalid)
    for p in to_problems(summary.problems, summary.n_problems):
        print(f"skipped {p}", file=sys.stderr)
    print(f"scored {summary.scored} rows, skipped {summary.skipped}", file=sys.stderr)
    return summary
