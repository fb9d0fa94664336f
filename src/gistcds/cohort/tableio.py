"""Reading and writing cohort tables: CSV (pyarrow's reader), Parquet and JSON lines.

The reader keeps every CSV cell as text (validation decides what a cell means and names the
row and column of a bad one) and says what it found when a path is not a readable table: a
directory, an unknown extension, a file delimited by ``;`` or tabs (as spreadsheets in many
locales export). The writer chooses the format from the ``--out`` extension.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
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
    first = head.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").rstrip("\r")
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


def _csv_options(
    names: list[str], block_size: int | None = None
) -> tuple[pacsv.ReadOptions, pacsv.ParseOptions, pacsv.ConvertOptions]:
    read = pacsv.ReadOptions(block_size=block_size) if block_size else pacsv.ReadOptions()
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
    read, parse, convert = _csv_options(header_names(head, where))
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


def iter_batches(path: Path, rows: int) -> Iterator[pa.Table]:
    """The table in consecutive slices of about ``rows`` rows, never all in memory at once
    (CSV through pyarrow's streaming reader, Parquet by row batches)."""
    kind = _check_path(path)
    where = str(path)
    if kind == "parquet":
        for batch in pq.ParquetFile(path).iter_batches(batch_size=rows):
            yield pa.Table.from_batches([batch])
        return
    if kind == "jsonl":
        yield _read_jsonl(path, where)
        return
    with path.open("rb") as fh:
        names = header_names(fh.read(_SNIFF_BYTES), where)
    read, parse, convert = _csv_options(names, block_size=1 << 24)
    try:
        reader = pacsv.open_csv(
            path, read_options=read, parse_options=parse, convert_options=convert
        )
        pending: list[pa.RecordBatch] = []
        size = 0
        for batch in reader:
            pending.append(batch)
            size += batch.num_rows
            if size >= rows:
                yield pa.Table.from_batches(pending)
                pending, size = [], 0
        if pending:
            yield pa.Table.from_batches(pending)
    except (pa.ArrowInvalid, OSError) as exc:
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
