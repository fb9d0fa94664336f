"""Reading and writing cohort tables: CSV (pyarrow's reader), Parquet and JSON lines.

The reader keeps every CSV cell as text (validation decides what a cell means and names the
row and column of a bad one) and says what it found when a path is not a readable table: a
directory, an unknown extension, a file delimited by ``;`` or tabs (as spreadsheets in many
locales export). The writer chooses the format from the ``--out`` extension.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Generator
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from gistcds.errors import InputError, Problem

__all__ = [
    "OUT_FORMATS",
    "header_names",
    "iter_batches",
    "out_format",
    "parquet_options",
    "plain",
    "read_bytes",
    "read_path",
    "stats_columns",
    "write_table",
]

CSV_SUFFIXES = (".csv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
OUT_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl"}
_SNIFF_BYTES = 64 * 1024
DICTIONARY_COLUMNS = frozenset(
    {
        "site", "size_cm", "mitoses", "mitoses_per", "rupture", "nodes", "metastatic",
        "variants", "tested_genes", "sdhb_ihc", "fusions",
    }
)  # fmt: skip


def _fail(where: str, message: str) -> InputError:
    return InputError([Problem(where, message)])


def header_names(head: bytes, where: str) -> list[str]:
    """The CSV header's column names; a header delimited by something other than commas
    is refused with a message that says what was found."""
    first = _first_line(head)
    names = next(csv.reader([first]), [])
    if len(names) > 1:
        return [n.strip() for n in names]
    for sep, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
        if sep in first:
            cols = [c.strip() for c in next(csv.reader([first], delimiter=sep))]
            shown = ", ".join(cols[:8]) + (", ..." if len(cols) > 8 else "")
            raise _fail(
                where,
                f"the header is separated by {label}, not commas ({len(cols)} columns: {shown}); "
                "save the table as comma-separated CSV (spreadsheets: 'CSV UTF-8, comma')",
            )
    return [n.strip() for n in names]


def _first_line(head: bytes) -> str:
    return head.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").rstrip("\r")


CsvOptions = tuple[pacsv.ReadOptions, pacsv.ParseOptions, pacsv.ConvertOptions]


def _csv_options(head: bytes, where: str) -> CsvOptions:
    """The reader's options for a CSV starting with ``head`` (its header checked by
    ``header_names``). Column types are given by name both trimmed and as written (as the
    reader names a column), so no column is left to type inference, which could type a
    column differently in each piece of a file read in pieces."""
    written = next(csv.reader([_first_line(head)]), [])
    names = [*header_names(head, where), *written]
    read = pacsv.ReadOptions()
    parse = pacsv.ParseOptions(delimiter=",")
    # every column as text, kept as written: validation, not the reader, decides what a
    # cell means (an id "007" stays "007"). The cohort's own low-cardinality columns are
    # dictionary-encoded by the (multi-threaded) reader itself, so validation checks each
    # distinct value once without hashing the column again.
    text = pa.string()
    coded = pa.dictionary(pa.int32(), pa.string())
    convert = pacsv.ConvertOptions(
        column_types={n: coded if n in DICTIONARY_COLUMNS else text for n in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        null_values=[],
    )
    return read, parse, convert


def _read_csv(source: IO[bytes] | Path, head: bytes, where: str) -> pa.Table:
    read, parse, convert = _csv_options(head, where)
    try:
        return pacsv.read_csv(
            source, read_options=read, parse_options=parse, convert_options=convert
        )
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
        raise _fail(where, f"cannot read CSV: {exc}") from exc


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    return ""


def _check_path(path: Path) -> str:
    where = str(path)
    if path.is_dir():
        tables = sorted(p.name for p in path.iterdir() if _kind(p))[:5]
        hint = f"; tables inside: {', '.join(tables)}" if tables else ""
        raise _fail(where, f"is a directory, not a table file{hint}")
    if not path.is_file():
        raise _fail(where, "no such file")
    kind = _kind(path)
    if not kind:
        raise _fail(
            where,
            f"expected a .csv, .parquet or .jsonl file, got {path.suffix or 'no extension'!r}",
        )
    if path.stat().st_size == 0:
        raise _fail(where, "the file is empty (no header row)")
    return kind


def _read_jsonl(source: IO[bytes] | Path, where: str) -> pa.Table:
    import pyarrow.json as pajson

    try:
        return pajson.read_json(source)
    except (pa.ArrowInvalid, OSError) as exc:
        raise _fail(where, f"cannot read JSON lines: {exc}") from exc


def read_path(path: Path) -> pa.Table:
    """A table file as an Arrow table (CSV cells as text, Parquet and JSON lines as typed)."""
    kind = _check_path(path)
    where = str(path)
    if kind == "csv":
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
        return _read_csv(path, head, where)
    if kind == "jsonl":
        return _read_jsonl(path, where)
    try:
        return pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise _fail(where, f"cannot read Parquet: {exc}") from exc


def read_bytes(data: bytes, fmt: str, where: str = "body") -> pa.Table:
    """A table sent as bytes (the service's request body): ``fmt`` csv, parquet or jsonl."""
    if fmt == "csv":
        if not data.strip():
            raise _fail(where, "the table is empty (no header row)")
        return _read_csv(io.BytesIO(data), data[:_SNIFF_BYTES], where)
    if fmt == "jsonl":
        return _read_jsonl(io.BytesIO(data), where)
    if fmt == "parquet":
        try:
            return pq.read_table(io.BytesIO(data))
        except (pa.ArrowInvalid, OSError) as exc:
            raise _fail(where, f"cannot read Parquet: {exc}") from exc
    raise _fail(where, f"unknown table format {fmt!r} (csv, parquet or jsonl)")


def iter_batches(path: Path, rows: int) -> Generator[pa.Table, None, None]:
    """The table in consecutive slices of about ``rows`` rows, never all in memory at once
    (CSV in pieces read in parallel, ``iter_csv_pieces``; Parquet by row batches)."""
    kind = _check_path(path)
    where = str(path)
    if kind == "parquet":
        for batch in pq.ParquetFile(path).iter_batches(batch_size=rows):
            yield pa.Table.from_batches([batch])
        return
    if kind == "jsonl":
        yield _read_jsonl(path, where)
        return
    yield from iter_csv_pieces(path, rows)


def _line_ends(path: Path, piece: int) -> list[int]:
    """Where each piece of about ``piece`` bytes ends: just after a line end that is outside
    quotes (an even number of ``"`` since the previous end), so every piece holds whole
    rows, a quoted cell spanning lines included; the last one ends at the end of the file.
    The first pieces are smaller (1/8, 1/4, 1/2 of ``piece``), so that the caller can
    start on the first rows while the rest is read."""
    import mmap

    import numpy as np

    ends: list[int] = []
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        start, size = 0, len(mm)
        while start + (step := max(1, piece >> max(0, 3 - len(ends)))) < size:
            end, quotes = start, 0
            cut = mm.find(b"\n", start + step)
            while cut != -1:
                if mm.find(b'"', end, cut) != -1:  # count quotes only where there are some
                    view = np.frombuffer(mm, np.uint8, cut - end, end)
                    quotes += int(np.count_nonzero(view == ord('"')))
                    del view  # the map cannot close while a view of it exists
                end = cut + 1
                if quotes % 2 == 0:
                    break
                cut = mm.find(b"\n", end)
            if cut == -1:
                break
            ends.append(end)
            start = end
        if start < size:
            ends.append(size)
    return ends


def iter_csv_pieces(path: Path, rows: int) -> Generator[pa.Table, None, None]:
    """A CSV file in pieces of about ``rows`` rows, in file order, read a few at a time on a
    pool of threads by pyarrow's multi-threaded reader with the whole file's options, so
    reading overlaps with what the caller does with the earlier pieces and memory stays
    bounded. Pieces are cut at line ends outside quotes (``_line_ends``); the first holds the
    header, the others get its column names as pyarrow parsed them."""
    from concurrent.futures import Future, ThreadPoolExecutor

    where = str(path)
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    read, parse, convert = _csv_options(head, where)
    # pieces of about ``rows`` rows, at the mean line length of the first bytes
    header_end = head.find(b"\n") + 1  # 0: no line end in sight, one piece
    per_row = len(head) / max(1, head.count(b"\n"))
    ends = _line_ends(path, max(1, int(rows * per_row))) if header_end else [path.stat().st_size]
    source = pa.memory_map(str(path))
    data = source.read_buffer()
    try:
        opts = [(read, parse, convert)]
        if len(ends) > 1:  # the header's names, parsed by pyarrow as the first piece's are
            header = _csv_piece(data.slice(0, header_end), opts[0], where)
            assert header is not None  # the first piece is never skipped
            opts.append((pacsv.ReadOptions(column_names=header.column_names), parse, convert))
        with ThreadPoolExecutor(max_workers=_PIECE_THREADS) as pool:
            pending: list[Future[pa.Table | None]] = []
            for i, (start, end) in enumerate(zip([0, *ends], ends, strict=False)):
                piece = data.slice(start, end - start)
                pending.append(pool.submit(_csv_piece, piece, opts[min(i, 1)], where))
                if len(pending) > _PIECE_THREADS:
                    yield from _present(pending.pop(0).result())
            for fut in pending:
                yield from _present(fut.result())
    finally:
        source.close()


_PIECE_THREADS = max(2, os.cpu_count() or 1)


def _present(table: pa.Table | None) -> list[pa.Table]:
    return [] if table is None else [table]


def _csv_piece(
    buf: pa.Buffer,
    opts: CsvOptions,
    where: str,
) -> pa.Table | None:
    """One piece read as the whole file would be; None for a piece of blank lines only
    (which the whole file's reader skips too)."""
    read, parse, convert = opts
    try:
        return pacsv.read_csv(
            pa.BufferReader(buf), read_options=read, parse_options=parse, convert_options=convert
        )
    except (pa.ArrowInvalid, OSError) as exc:
        if read.column_names and not buf.to_pybytes().strip(b"\r\n"):
            return None
        raise _fail(where, f"cannot read CSV: {exc}") from exc


def out_format(out: Path) -> str:
    """The output format named by the extension of ``--out`` (an error names the choices)."""
    fmt = OUT_FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise _fail("--out", f"must end in .csv, .parquet or .jsonl, got {out.name!r}")
    if out.is_dir():
        raise _fail(
            "--out", f"{out} is a directory; give a file name ending in .csv, .parquet or .jsonl"
        )
    return fmt


def plain(table: pa.Table, names: set[str] | None = None) -> pa.Table:
    """Dictionary (categorical) columns as plain text (only ``names``, if given)."""
    cols = [
        c.cast(c.type.value_type)
        if pa.types.is_dictionary(c.type) and (names is None or n in names)
        else c
        for n, c in zip(table.column_names, table.columns, strict=True)
    ]
    return pa.table(cols, names=table.column_names)


def stats_columns(table: pa.Table) -> list[str]:
    """Columns that get Parquet min/max statistics: all but the categorical (dictionary)
    ones, whose statistics would cost half the writing time and say nothing useful."""
    return [f.name for f in table.schema if not pa.types.is_dictionary(f.type)]


def parquet_options(table: pa.Table) -> dict[str, Any]:
    """Parquet writer options for a cohort table: statistics as ``stats_columns``; Parquet's
    dictionary encoding for every column but ``id`` (unique by rule: a dictionary of it would
    be built, found too large and dropped, for nothing)."""
    return {
        "write_statistics": stats_columns(table),
        "use_dictionary": [n for n in table.column_names if n != "id"],
    }


def write_table(table: pa.Table, sink: Path | IO[bytes], fmt: str) -> None:
    """Write ``table`` as CSV, Parquet or JSON lines."""
    if fmt == "parquet":
        pq.write_table(table, sink, **parquet_options(table))
    elif fmt == "csv":
        pacsv.write_csv(plain(table), sink)
    elif fmt == "jsonl":
        _write_jsonl(plain(table), sink)
    else:
        raise ValueError(f"unknown format {fmt!r}")


def _write_jsonl(table: pa.Table, sink: Path | IO[bytes]) -> None:
    """One JSON object per row (nulls as null), in slices to bound memory."""
    import json

    own = isinstance(sink, Path)
    fh: IO[bytes] = sink.open("wb") if isinstance(sink, Path) else sink
    try:
        for batch in table.to_batches(max_chunksize=65_536):
            rows = batch.to_pylist()
            fh.write(
                "".join(json.dumps(r, allow_nan=False, default=str) + "\n" for r in rows).encode()
            )
    finally:
        if own:
            fh.close()
