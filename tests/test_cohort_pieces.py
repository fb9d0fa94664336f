"""A CSV read in pieces (``tableio.iter_csv_pieces``, what ``cohort score`` streams) gives the
rows, values and messages of the same file read whole by pyarrow's reader."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gistcds.cohort import tableio
from gistcds.errors import InputError

# cells as registries export them: commas, quotes and line ends inside quoted cells too
cell = st.text(alphabet=st.sampled_from(list('ab7 ,"\n;')), max_size=6)
row = st.tuples(st.text(alphabet="xyz0123", min_size=1, max_size=4), cell, cell)


def _plain(table: pa.Table) -> pa.Table:
    return tableio.plain(table.combine_chunks())


def _write(
    path: Path, rows: list[tuple[str, str, str] | None], terminator: str, bom: bool = False
) -> None:
    """The rows as CSV, None as a blank line (which the reader skips)."""
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as fh:
        w = csv.writer(fh, lineterminator=terminator)
        w.writerow(["id", "site", "note"])
        for r in rows:
            if r is None:
                fh.write(terminator)
            else:
                w.writerow(r)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.one_of(row, st.none()), min_size=1, max_size=30),
    terminator=st.sampled_from(["\n", "\r\n"]),
    per_piece=st.integers(min_value=1, max_value=7),
    bom=st.booleans(),
)
def test_pieces_equal_the_whole_file(
    rows: list[tuple[str, str, str] | None], terminator: str, per_piece: int, bom: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.csv"
        _write(path, rows, terminator, bom)
        whole = tableio.read_path(path)
        pieces = list(tableio.iter_csv_pieces(path, per_piece))
        n = len([r for r in rows if r is not None])
        assert sum(p.num_rows for p in pieces) == whole.num_rows == n
        assert [p.schema for p in pieces] == [whole.schema] * len(pieces)
        assert whole.column_names == ["id", "site", "note"]
        assert _plain(pa.concat_tables(pieces, promote_options="permissive")).equals(_plain(whole))


def test_a_quoted_cell_across_lines_stays_in_one_piece(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    _write(
        path, [(f"p{i}", "stomach", "one\ntwo\nthree" if i == 3 else "x") for i in range(9)], "\n"
    )
    pieces = list(tableio.iter_csv_pieces(path, 1))
    assert len(pieces) > 4
    notes = [v for p in pieces for v in _plain(p).column("note").to_pylist()]
    assert notes[3] == "one\ntwo\nthree" and notes.count("x") == 8


def test_a_bad_line_in_a_later_piece_gets_the_whole_file_message(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,site\n" + "".join(f"p{i},stomach\n" for i in range(40)) + "p40,a,b\n")
    with pytest.raises(InputError) as whole:
        tableio.read_path(path)
    with pytest.raises(InputError) as pieces:
        list(tableio.iter_csv_pieces(path, 2))
    assert str(pieces.value) == str(whole.value)
    assert "Expected 2 columns, got 3: p40,a,b" in str(pieces.value)


def test_every_column_is_text_in_every_piece_even_a_name_written_with_spaces(
    tmp_path: Path,
) -> None:
    """No column is left to type inference, which could type it differently per piece
    (numbers in one piece, only empty cells in the next) and break the Parquet writer."""
    path = tmp_path / "in.csv"
    path.write_text(
        "id,site, ward \n" + "".join(f"p{i},stomach,{i if i < 5 else ''}\n" for i in range(12))
    )
    whole = tableio.read_path(path)
    pieces = list(tableio.iter_csv_pieces(path, 2))
    assert len(pieces) > 3 and whole.schema.field(" ward ").type == pa.string()
    assert all(p.schema == whole.schema for p in pieces)
    assert whole.column(" ward ").to_pylist()[4:6] == ["4", ""]
