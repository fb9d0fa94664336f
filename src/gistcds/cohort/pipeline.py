"""Scoring a file slice by slice: in this process (pandas engine) or on Dask.

In process, a CSV file is read in pieces, a few at a time in parallel by pyarrow's
multi-threaded reader; each piece is scored on a pool of threads and one output thread
writes the finished ones in file order, so reading, validation, scoring and writing
overlap and memory stays bounded. On Dask, the file is read in slices the same way, each
slice scored on a worker by the same ``score_slice`` and written here in file order.
Output goes to a temporary file renamed at the end, so a failed run leaves nothing
behind; repeated ids are found by one sort of the id column once it is read, and a repeat
fails the run before the temporary file is renamed (``--skip-invalid``, which must leave
repeats out of what it writes, knows them before writing).
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from gistcds.cohort import tableio
from gistcds.cohort.genotype import INPUT_COLUMNS as GENOTYPE_INPUT
from gistcds.cohort.schema import COLUMNS, RowProblem
from gistcds.cohort.score import (
    FIRST_ROW,
    Mask,
    ScoreSummary,
    Slice,
    repeats,
    score_slice,
    to_problems,
    with_input,
)
from gistcds.cohort.validate import text_column
from gistcds.errors import InputError
from gistcds.knowledge import KnowledgeBase, load_kb

__all__ = ["DASK_SLICE_ROWS", "LOCAL_SLICE_ROWS", "run_dask", "run_local", "run_stream"]

LOCAL_SLICE_ROWS = 262_144
THREADS = max(2, os.cpu_count() or 1)
DASK_SLICE_ROWS = 500_000


class Writer:
    """Appends scored slices to the output file (CSV, Parquet or JSON lines)."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.path, self.fmt = path, fmt
        self._pq: Any = None
        self._fh: Any = None

    def write(self, table: pa.Table) -> None:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        if self.fmt == "parquet":
            if self._pq is None:
                self._pq = pq.ParquetWriter(
                    self.path, table.schema, **tableio.parquet_options(table)
                )
            self._pq.write_table(table)
        elif self._fh is None:
            self._fh = self.path.open("wb")
            tableio.write_table(table, self._fh, self.fmt)
        elif self.fmt == "csv":
            opts = pacsv.WriteOptions(include_header=False)
            pacsv.write_csv(tableio.plain(table), self._fh, write_options=opts)
        else:
            tableio.write_table(table, self._fh, self.fmt)

    def close(self) -> None:
        if self._pq is not None:
            self._pq.close()
            self._pq = None
        if self._fh is not None:
            self._fh.close()
            self._fh = None


class _Run:
    """The bookkeeping of one run: summary, temporary output, failure state."""

    def __init__(self, out: Path, fmt: str, skip_invalid: bool) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.tmp = out.with_name(f".{out.name}.{os.getpid()}.partial")
        self.writer = Writer(self.tmp, fmt)
        self.skip_invalid = skip_invalid
        self.summary = ScoreSummary()

    def take(self, part: Slice) -> pa.Table | None:
        """Count a scored slice; the rows to write (None once the run has failed)."""
        if part.missing:
            raise InputError(to_problems(part.problems, part.n_problems))
        self.summary.problems.extend(part.problems)
        self.summary.n_problems += part.n_problems
        skipped = int(part.bad.sum())
        self.summary.skipped += skipped
        self.summary.scored += part.table.num_rows - skipped
        if self.summary.problems and not self.skip_invalid:
            return None
        return part.table.filter(pa.array(~part.bad)) if skipped else part.table

    def finish(self) -> ScoreSummary:
        self.writer.close()
        if self.summary.problems and not self.skip_invalid:
            raise InputError(to_problems(self.summary.problems, self.summary.n_problems))
        if not self.tmp.exists():  # nothing written (no row): still an output with a header
            self.tmp.touch()
        self.tmp.replace(self.out)
        return self.summary

    def cleanup(self) -> None:
        self.writer.close()
        self.tmp.unlink(missing_ok=True)


def run_local(
    table: pa.Table, out: Path, fmt: str, kb: KnowledgeBase, skip_invalid: bool
) -> ScoreSummary:
    """Score an in-memory table in slices on a pool of threads (pyarrow and numpy release
    the GIL), writing each finished slice in file order while the next ones are scored.

    Repeated ids are looked for beside the scoring; only ``skip_invalid`` (which must leave
    the repeats out of what it writes) waits for them before writing: otherwise a repeat
    fails the run at the end and the temporary output is removed.
    """
    state = _Run(out, fmt, skip_invalid)
    n = table.num_rows
    offsets = list(range(0, max(n, 1), LOCAL_SLICE_ROWS))
    try:
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            ids = table.column("id") if "id" in table.column_names else None
            found = pool.submit(repeats, ids, n) if ids is not None else None
            parts = [
                pool.submit(score_slice, table.slice(off, LOCAL_SLICE_ROWS), kb, FIRST_ROW + off)
                for off in offsets
            ]
            repeated = found.result()[0] if found is not None and skip_invalid else None
            for off, fut in zip(offsets, parts, strict=True):
                part = fut.result()
                if repeated is not None and not part.missing:
                    part.bad |= repeated[off : off + part.bad.size]
                _write_next(state, part)
            _add_repeats(state, found)
        return state.finish()
    finally:
        state.cleanup()


def _write_next(state: _Run, part: Slice) -> None:
    rows = state.take(part)
    if rows is not None:
        state.writer.write(rows)


def _add_repeats(state: _Run, found: Future[Any] | None) -> None:
    """The repeated-id problems, once their search (``repeats``) has finished."""
    if found is not None:
        _, rep_problems = found.result()
        state.summary.problems.extend(rep_problems)
        state.summary.n_problems += len(rep_problems)


def run_stream(
    path: Path, out: Path, fmt: str, kb: KnowledgeBase, skip_invalid: bool
) -> ScoreSummary:
    """Score a file as it is read: its slices (a CSV's pieces, read a few at a time in
    parallel, ``tableio.iter_csv_pieces``) are scored on a pool of threads and written in
    file order by one output thread, so reading, scoring and writing overlap and memory
    stays bounded whatever the file's size. Repeated ids are looked for once the last slice
    is read, beside the last writes. ``skip_invalid`` must know the repeats before writing,
    and a file without rows still gets its header: both go through ``run_local`` on the
    whole table."""
    batches = tableio.iter_batches(path, LOCAL_SLICE_ROWS)
    first = None if skip_invalid else next(batches, None)
    if first is None or first.num_rows == 0:
        batches.close()
        return run_local(tableio.read_path(path), out, fmt, kb, skip_invalid)
    state = _Run(out, fmt, skip_invalid)
    ids: list[pa.ChunkedArray] = []
    row = FIRST_ROW
    try:
        with ThreadPoolExecutor(THREADS) as pool, ThreadPoolExecutor(1) as out_thread:
            writes: deque[Future[None]] = deque()
            try:
                for t in itertools.chain([first], batches):
                    if "id" in t.column_names:
                        ids.append(t.column("id"))
                    part = pool.submit(score_slice, t, kb, row)
                    writes.append(out_thread.submit(_write_scored, state, part))
                    row += t.num_rows
                    while len(writes) > 2 * THREADS:  # a few slices in memory at a time
                        writes.popleft().result()
                found = None
                if ids:
                    all_ids = pa.chunked_array([c for col in ids for c in col.chunks])
                    found = pool.submit(repeats, all_ids, row - FIRST_ROW)
                while writes:
                    writes.popleft().result()
            finally:
                for w in writes:  # after a failure: nothing more to write
                    w.cancel()
            _add_repeats(state, found)
        return state.finish()
    finally:
        state.cleanup()


def _write_scored(state: _Run, part: Future[Slice]) -> None:
    """Write a slice once it is scored (on the one output thread, so in file order)."""
    _write_next(state, part.result())


def _remote(args: tuple[str, pa.Table, int, np.ndarray]) -> Slice:
    """One slice on a Dask worker (the knowledge base is loaded once per worker process).

    The worker gets only the columns scoring reads and sends back only the scored columns;
    the input columns are put back here, so half as much data crosses the network.
    """
    kb_dir, table, first_row, repeated = args
    part = score_slice(table, load_kb(Path(kb_dir)), first_row, keep_input=False)
    if not part.missing:
        part.bad |= repeated
    return part


def _scoring_columns(t: pa.Table) -> pa.Table:
    wanted = [*COLUMNS, *GENOTYPE_INPUT]
    return t.select([c for c in t.column_names if c in wanted])


def _ids_of(t: pa.Table) -> pa.Array | None:
    """The id column of a slice as trimmed text (None without one: validation reports it)."""
    return text_column(t.select(["id"]), "id") if "id" in t.column_names else None


def _known_repeats(path: Path) -> tuple[Mask, list[RowProblem]]:
    """The repeated ids of the whole file, from its id column alone (one column in memory):
    what ``--skip-invalid`` must know before it writes a row."""
    ids = [i for t in tableio.iter_batches(path, DASK_SLICE_ROWS) if (i := _ids_of(t)) is not None]
    all_ids = pa.chunked_array(ids, pa.string())
    return repeats(all_ids, len(all_ids))


def _dask_slices(
    path: Path,
    kb: KnowledgeBase,
    client_opts: tuple[str | None, int | None],
    known: Mask | None,
    ids: list[pa.Array],
) -> Iterator[Slice]:
    """Slices scored on Dask, in file order, a few in flight at a time (bounded memory);
    rows flagged in ``known`` (the repeated ids, when known beforehand) are marked bad, and
    the id column of every slice is appended to ``ids``."""
    from gistcds.executors import dask_client

    with dask_client(*client_opts) as client:
        window = max(2, 2 * len(client.scheduler_info().get("workers", {})))
        pending: deque[tuple[pa.Table, Any]] = deque()
        row = FIRST_ROW
        for t in tableio.iter_batches(path, DASK_SLICE_ROWS):
            if (slice_ids := _ids_of(t)) is not None:
                ids.append(slice_ids)
            rep = np.zeros(t.num_rows, dtype=bool)
            if known is not None and known.size >= row - FIRST_ROW + t.num_rows:
                rep = known[row - FIRST_ROW : row - FIRST_ROW + t.num_rows]
            job = (str(kb.directory), _scoring_columns(t), row, rep)
            pending.append((t, client.submit(_remote, job, pure=False)))
            row += t.num_rows
            if len(pending) >= window:
                yield _joined(*pending.popleft())
        for t, fut in pending:
            yield _joined(t, fut)


def _joined(table: pa.Table, fut: Any) -> Slice:
    part: Slice = fut.result()
    if not part.missing:
        part.table = with_input(table, part.table)
    return part


def run_dask(
    path: Path, out: Path, fmt: str, kb: KnowledgeBase, opts: tuple[str | None, int | None, bool]
) -> ScoreSummary:
    """Stream the file once through Dask workers and write the slices in order; repeated
    ids are found from the id columns kept on the way, and fail the run before the output is
    renamed into place. ``--skip-invalid`` must leave repeats out of what it writes, so it
    reads the id column first (``_known_repeats``): only then is the file read twice."""
    scheduler, workers, skip_invalid = opts
    state = _Run(out, fmt, skip_invalid)
    known, problems = _known_repeats(path) if skip_invalid else (None, [])
    ids: list[pa.Array] = []
    try:
        for part in _dask_slices(path, kb, (scheduler, workers), known, ids):
            _write_next(state, part)
        if known is None and ids:
            all_ids = pa.chunked_array(ids, pa.string())
            problems = repeats(all_ids, len(all_ids))[1]
        state.summary.problems.extend(problems)
        state.summary.n_problems += len(problems)
        return state.finish()
    finally:
        state.cleanup()
