"""Vectorised validation of the cohort columns (pyarrow.compute and numpy), row by row messages.

Each cell is checked without a Python loop over rows: numbers by a regular expression and a
cast, limits by comparison with the patient model's own limits, and categorical cells
(site, mitoses_per, nodes, rupture, metastatic) by validating each *distinct* value once with
the patient model itself, so a cohort row accepts exactly the spellings ``gistcds assess``
accepts. Problems name the row as a spreadsheet shows it (header = row 1) and the column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from annotated_types import Ge, Gt, Le
from pydantic import ValidationError

from gistcds.cohort.schema import COLUMNS, FALSE, TRUE, RowProblem
from gistcds.domain.patient import Mitoses, PrimaryTumor
from gistcds.risk.tables import N_LABELS, SITES

__all__ = ["Checked", "duplicate_rows", "text_column", "validate_table"]

MAX_PER_CHECK = 1000  # problems listed per check; every bad row is still counted and masked
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
Mask = npt.NDArray[np.bool_]


@dataclass
class Checked:
    """A validated slice: the typed frame the risk batch path reads, and what was wrong."""

    frame: pd.DataFrame
    problems: list[RowProblem] = field(default_factory=list)
    bad: Mask = field(default_factory=lambda: np.zeros(0, dtype=bool))
    n_problems: int = 0

    def flag(self, mask: Mask, column: str, message: str, text: pa.Array, first_row: int) -> None:
        idx = np.flatnonzero(mask)
        if not idx.size:
            return
        self.bad |= mask
        self.n_problems += int(idx.size)
        shown = idx[:MAX_PER_CHECK]
        values = text.take(pa.array(shown)).to_pylist()
        self.problems.extend(
            RowProblem(int(i) + first_row, column, f"{message}, got {v!r}")
            for i, v in zip(shown, values, strict=True)
        )


def text_column(table: pa.Table, name: str) -> pa.Array:
    """A column as trimmed text ("" for null or absent); numbers and booleans as written."""
    if name not in table.column_names:
        return pa.array([""] * table.num_rows, pa.string())
    col = table.column(name).combine_chunks()
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    if pa.types.is_boolean(col.type):
        col = pc.if_else(col, "true", "false")
    elif pa.types.is_floating(col.type):
        # 11.0 -> "11" as a spreadsheet shows it; NaN is an empty cell
        col = pc.if_else(pc.is_nan(col), None, col)
    if not pa.types.is_string(col.type):
        col = col.cast(pa.string())
    return pc.fill_null(pc.utf8_trim_whitespace(col), "")


def _limits(model: Any, name: str) -> tuple[float | None, float | None, bool]:
    """(lower, upper, lower_strict) of a numeric field of a patient model."""
    lo: float | None = None
    hi: float | None = None
    strict = False
    for m in model.model_fields[name].metadata:
        if isinstance(m, Gt):
            lo, strict = float(m.gt), True  # type: ignore[arg-type]
        elif isinstance(m, Ge):
            lo = float(m.ge)  # type: ignore[arg-type]
        elif isinstance(m, Le):
            hi = float(m.le)  # type: ignore[arg-type]
    return lo, hi, strict


def _numbers(text: pa.Array, out: Checked, column: str, limits: Any, first_row: int) -> Any:
    empty = pc.equal(text, "")
    ok = pc.match_substring_regex(text, _NUMBER)
    bad_form = np.asarray(pc.and_(pc.invert(ok), pc.invert(empty)))
    out.flag(bad_form, column, "must be a number", text, first_row)
    nums = pc.cast(pc.if_else(ok, text, None), pa.float64()).to_numpy(zero_copy_only=False)
    lo, hi, strict = limits
    with np.errstate(invalid="ignore"):
        low = np.zeros(len(nums), dtype=bool)
        if lo is not None:
            low = (nums <= lo) if strict else (nums < lo)
            out.flag(low, column, f"must be {'>' if strict else '>='} {lo:g}", text, first_row)
        if hi is not None:
            out.flag((nums > hi) & ~low, column, f"must be <= {hi:g}", text, first_row)
    return nums


def _distinct(
    text: pa.Array, check: Callable[[str], str | Exception | None]
) -> tuple[npt.NDArray[np.int32], list[str], list[str | Exception | None]]:
    """Row codes into the distinct values, the values, and each value's checked meaning."""
    enc = pc.dictionary_encode(text)
    values = [str(v) for v in enc.dictionary.to_pylist()]
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    return codes, values, [check(v) if v else None for v in values]


def _model_value(field_name: str) -> Callable[[str], str | Exception | None]:
    def check(v: str) -> str | Exception | None:
        try:
            value = getattr(PrimaryTumor.model_validate({field_name: v}), field_name)
        except ValidationError as exc:
            return exc
        return None if value is None else str(getattr(value, "value", value))

    return check


def _unit(v: str) -> str | Exception | None:
    try:
        return str(Mitoses.model_validate({"count": 0, "per": v}).per.value)
    except ValidationError as exc:
        return exc


def _boolean(v: str) -> str | Exception | None:
    low = v.lower()
    if low in TRUE:
        return "true"
    if low in FALSE:
        return "false"
    return ValueError(v)


def _categorical(
    text: pa.Array,
    out: Checked,
    column: str,
    check: Callable[[str], str | Exception | None],
    allowed: tuple[str, ...],
    first_row: int,
) -> npt.NDArray[np.int8]:
    """Codes into ``allowed`` (-1 = empty), flagging values the patient model refuses."""
    codes, values, meanings = _distinct(text, check)
    lut = np.full(len(values) + 1, -1, dtype=np.int8)
    listed = ", ".join(allowed)
    for k, (v, m) in enumerate(zip(values, meanings, strict=True)):
        if isinstance(m, Exception):
            hint = [a for a in allowed if a.lower() == v.lower()]
            extra = (
                f" (values are case-sensitive, as in a patient record: {hint[0]!r})" if hint else ""
            )
            out.flag(codes == k, column, f"must be one of {listed}{extra}", text, first_row)
        elif m is not None:
            lut[k] = allowed.index(m)
    return lut[codes] if len(codes) else np.zeros(0, dtype=np.int8)


def validate_table(table: pa.Table, first_row: int = 2) -> Checked:
    """Validate a slice whose first row is spreadsheet row ``first_row`` (header = row 1)."""
    n = table.num_rows
    out = Checked(pd.DataFrame(index=pd.RangeIndex(n)), bad=np.zeros(n, dtype=bool))
    missing = [c for c in COLUMNS if c not in table.column_names]
    if missing:
        out.problems = [RowProblem(1, c, "column missing from the table") for c in missing]
        out.n_problems = len(missing)
        return out
    ids = text_column(table, "id")
    out.flag(np.asarray(pc.equal(ids, "")), "id", "required", ids, first_row)
    site = _categorical(
        text_column(table, "site"), out, "site", _model_value("site"), SITES, first_row
    )
    size = _numbers(
        text_column(table, "size_cm"), out, "size_cm", _limits(PrimaryTumor, "size_cm"), first_row
    )
    mit_text = text_column(table, "mitoses")
    mitoses = _numbers(mit_text, out, "mitoses", _limits(Mitoses, "count"), first_row)
    units = ("5mm2", "50hpf")
    per_text = text_column(table, "mitoses_per")
    per = _categorical(per_text, out, "mitoses_per", _unit, units, first_row)
    out.flag(
        (per < 0) & ~np.isnan(mitoses),
        "mitoses_per",
        "required when mitoses is given",
        per_text,
        first_row,
    )
    tf = ("false", "true")
    rupture = _categorical(text_column(table, "rupture"), out, "rupture", _boolean, tf, first_row)
    meta = _categorical(
        text_column(table, "metastatic"), out, "metastatic", _boolean, tf, first_row
    )
    nodes_all = ("N0", "N1", "NX")
    nodes = _categorical(
        text_column(table, "nodes"), out, "nodes", _model_value("nodes"), nodes_all, first_row
    )
    out.frame = pd.DataFrame(
        {
            "site": pd.Categorical.from_codes(site, categories=pd.Index(list(SITES))),
            "size_cm": size,
            "mitoses": mitoses,
            "rupture": np.where(rupture < 0, np.nan, rupture.astype(np.float64)),
            # NX and empty are both "not assessed" for the batch path (recorded N0, AJCC)
            "nodes": pd.Categorical.from_codes(
                np.where(nodes == 2, -1, nodes).astype(np.int8), categories=pd.Index(list(N_LABELS))
            ),
            "metastatic": meta == 1,
        }
    )
    return out


def duplicate_rows(ids: pa.Array | pa.ChunkedArray, first_row: int = 2) -> list[RowProblem]:
    """A problem for every repeat of an id seen on an earlier row (empty ids are not repeats)."""
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    enc = pc.dictionary_encode(ids)
    if len(enc.dictionary) == len(ids):
        return []
    codes = enc.indices.to_numpy(zero_copy_only=False)
    _, first = np.unique(codes, return_index=True)
    repeat = np.ones(len(codes), dtype=bool)
    repeat[first] = False
    repeat &= np.asarray(pc.not_equal(ids, ""))
    rows = np.flatnonzero(repeat)
    values = ids.take(pa.array(rows)).to_pylist()
    return [
        RowProblem(int(r) + first_row, "id", f"repeated id, got {v!r}")
        for r, v in zip(rows, values, strict=True)
    ]
