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

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from gistcds.cohort import genotype, tableio
from gistcds.cohort.schema import RowProblem
from gistcds.cohort.validate import duplicate_rows, text_column, validate_table
from gistcds.errors import InputError, Problem
from gistcds.knowledge import KnowledgeBase, load_kb
from gistcds.risk.batch import OUTPUT_COLUMNS as RISK_COLUMNS
from gistcds.risk.batch import score_frame
from gistcds.risk.tables import risk_tables

__all__ = ["ScoreSummary", "output_columns", "run", "score_bytes", "score_table"]

Engine = Literal["pandas", "dask"]
DASK_SLICE_ROWS = 500_000
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


def _as_arrow(value: Any) -> pa.Array:
    arr = pa.array(value, from_pandas=True)
    return (
        arr.cast(pa.dictionary(pa.int32(), pa.string()))
        if pa.types.is_dictionary(arr.type)
        else arr
    )


def _keep_input(table: pa.Table, scored: tuple[str, ...]) -> pa.Table:
    """The input columns, an input column named like a scored one renamed ``<name>_input``."""
    names = [f"{n}_input" if n in scored else n for n in table.column_names]
    return table.rename_columns(names)


@dataclass
class _Slice:
    table: pa.Table
    problems: list[RowProblem]
    n_problems: int
    bad: Mask
    missing: bool = False  # a required column is missing: nothing can be scored


def score_slice(
    table: pa.Table, kb: KnowledgeBase, first_row: int = FIRST_ROW, repeated: Mask | None = None
) -> _Slice:
    """Validate and score one slice; ``table`` holds every row, bad ones flagged in ``bad``."""
    checked = validate_table(table, first_row)
    if checked.frame.shape[1] == 0:  # a required column is missing
        return _Slice(table.slice(0, 0), checked.problems, checked.n_problems, checked.bad, True)
    bad = checked.bad if repeated is None else checked.bad | repeated
    risk = score_frame(checked.frame, risk_tables(kb))
    with_geno = genotype.present(table)
    names = output_columns(kb, with_geno)
    cols: dict[str, pa.Array] = {c: _as_arrow(risk[c]) for c in _risk_columns(kb)}
    problems, n_problems = checked.problems, checked.n_problems
    if with_geno:
        geno, geno_problems, geno_bad = genotype.genotype_columns(table, kb, first_row)
        cols.update(geno)
        problems = [*problems, *geno_problems]
        n_problems += len(geno_problems)
        bad = bad | geno_bad
    out = _keep_input(table, names)
    for name in names:
        out = out.append_column(name, cols[name])
    return _Slice(out, problems, n_problems, bad)


def _to_problems(problems: list[RowProblem], total: int) -> list[Problem]:
    ordered = sorted(problems, key=lambda p: p.row)
    out = [Problem(f"row {p.row}, column {p.column}", p.message) for p in ordered]
    if total > MAX_LISTED_PROBLEMS:
        out = out[:MAX_LISTED_PROBLEMS]
        out.append(Problem("", f"... {total - MAX_LISTED_PROBLEMS} more problem(s) not listed"))
    return out


def _repeats(ids: pa.Array | pa.ChunkedArray, n: int) -> tuple[Mask, list[RowProblem]]:
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
    repeated, rep_problems = (
        _repeats(text_column(table, "id"), n) if "id" in table.column_names else (None, [])
    )
    part = score_slice(table, kb, FIRST_ROW, repeated)
    problems = [*part.problems, *rep_problems]
    total = part.n_problems + len(rep_problems)
    if part.missing or (problems and not skip_invalid):
        raise InputError(_to_problems(problems, total))
    out = part.table.filter(pa.array(~part.bad)) if part.bad.any() else part.table
    skipped = int(part.bad.sum())
    return out, ScoreSummary(n - skipped, skipped, sorted(problems, key=lambda p: p.row), total)


def score_bytes(
    data: bytes, fmt: str, kb: KnowledgeBase | None = None, *, skip_invalid: bool = False
) -> tuple[pa.Table, ScoreSummary]:
    """Score a table sent as bytes (``fmt``: csv, parquet or jsonl), as ``score_table``."""
    return score_table(tableio.read_bytes(data, fmt), kb, skip_invalid=skip_invalid)


def _remote(args: tuple[str, pa.Table, int, Mask]) -> _Slice:
    """One slice on a Dask worker (the knowledge base is loaded once per worker process)."""
    kb_dir, table, first_row, repeated = args
    return score_slice(table, load_kb(Path(kb_dir)), first_row, repeated)


def _ids_of(path: Path) -> pa.ChunkedArray:
    """Only the id column of the file (one column in memory, for the repeated-id check)."""
    parts = [text_column(t.select(["id"]), "id") for t in _id_slices(path)]
    return pa.chunked_array(parts, pa.string())


def _id_slices(path: Path) -> Iterator[pa.Table]:
    for t in tableio.iter_batches(path, DASK_SLICE_ROWS):
        if "id" not in t.column_names:
            return
        yield t.select(["id"])


def _dask_slices(
    path: Path, kb: KnowledgeBase, scheduler: str | None, workers: int | None
) -> Iterator[_Slice]:
    """Slices scored on Dask, in file order, a few in flight at a time (bounded memory)."""
    from gistcds.cohort.cluster import dask_client

    ids = _ids_of(path)
    repeated, rep_problems = _repeats(ids, len(ids))
    with dask_client(scheduler, workers) as client:
        window = max(2, 2 * len(client.scheduler_info().get("workers", {})))
        pending: list[Any] = []
        row = FIRST_ROW
        for t in tableio.iter_batches(path, DASK_SLICE_ROWS):
            rep = repeated[row - FIRST_ROW : row - FIRST_ROW + t.num_rows]
            pending.append(client.submit(_remote, (str(kb.directory), t, row, rep), pure=False))
            row += t.num_rows
            if len(pending) >= window:
                yield pending.pop(0).result()
        for fut in pending:
            yield fut.result()
    if rep_problems:
        yield _Slice(pa.table({}), rep_problems, len(rep_problems), np.zeros(0, dtype=bool))


class _Writer:
    """Appends scored slices to the output file (CSV, Parquet or JSON lines)."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.path, self.fmt = path, fmt
        self._pq: Any = None
        self._fh: Any = None

    def write(self, table: pa.Table) -> None:
        import pyarrow.parquet as pq

        if self.fmt == "parquet":
            if self._pq is None:
                self._pq = pq.ParquetWriter(self.path, table.schema)
            self._pq.write_table(table)
            return
        if self._fh is None:
            self._fh = self.path.open("wb")
            tableio.write_table(table, self._fh, self.fmt)
        elif self.fmt == "csv":
            import pyarrow.csv as pacsv

            opts = pacsv.WriteOptions(include_header=False)
            pacsv.write_csv(tableio.plain(table), self._fh, write_options=opts)
        else:
            tableio.write_table(table, self._fh, self.fmt)

    def close(self) -> None:
        if self._pq is not None:
            self._pq.close()
        if self._fh is not None:
            self._fh.close()


def _run_dask(
    path: Path,
    out: Path,
    fmt: str,
    kb: KnowledgeBase,
    opts: tuple[str | None, int | None, bool],
) -> ScoreSummary:
    scheduler, workers, skip_invalid = opts
    tmp = out.with_name(f".{out.name}.{os.getpid()}.partial")
    summary = ScoreSummary()
    writer = _Writer(tmp, fmt)
    try:
        for part in _dask_slices(path, kb, scheduler, workers):
            summary.problems.extend(part.problems)
            summary.n_problems += part.n_problems
            if part.missing:
                raise InputError(_to_problems(part.problems, part.n_problems))
            if part.table.num_columns == 0:  # the repeated-id problems, found beforehand
                continue
            keep = ~part.bad
            summary.skipped += int(part.bad.sum())
            table = part.table.filter(pa.array(keep)) if part.bad.any() else part.table
            summary.scored += table.num_rows
            if skip_invalid or not summary.problems:
                writer.write(table)
        writer.close()
        if summary.problems and not skip_invalid:
            raise InputError(_to_problems(summary.problems, summary.n_problems))
        tmp.replace(out)
    finally:
        writer.close()
        tmp.unlink(missing_ok=True)
    return summary


def run(
    path: Path,
    out: Path | None,
    engine: Engine = "pandas",
    scheduler: str | None = None,
    skip_invalid: bool = False,
    workers: int | None = None,
    kb: KnowledgeBase | None = None,
) -> ScoreSummary:
    """Read, validate, score and write (format from ``out``'s extension; CSV on stdout)."""
    kb = kb or load_kb()
    fmt = tableio.out_format(out) if out is not None else "csv"
    if engine == "dask":
        if out is None:
            raise InputError([Problem("--out", "the dask engine writes to a file: give --out")])
        out.parent.mkdir(parents=True, exist_ok=True)
        summary = _run_dask(path, out, fmt, kb, (scheduler, workers, skip_invalid))
    else:
        table, summary = score_table(tableio.read_path(path), kb, skip_invalid=skip_invalid)
        if out is None:
            tableio.write_table(table, sys.stdout.buffer, "csv")
            sys.stdout.flush()
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            tableio.write_table(table, out, fmt)
    for p in _to_problems(summary.problems, summary.n_problems):
        print(f"skipped {p}", file=sys.stderr)
    print(f"scored {summary.scored} rows, skipped {summary.skipped}", file=sys.stderr)
    return summary
