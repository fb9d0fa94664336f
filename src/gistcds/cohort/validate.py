"""Vectorised validation of the cohort columns (pyarrow.compute and numpy), row by row messages.

Every column except ``id`` is dictionary-encoded once (one hashing pass in Arrow); each
*distinct* cell is then checked once — numbers by a regular expression and a cast, with the
patient model's own limits; site, mitoses_per, nodes, rupture and metastatic by the patient
model itself, so a cohort row accepts exactly the spellings ``gistcds assess`` accepts. The
typed columns go to the risk path as codes into their distinct values (``risk.batch.Factored``)
and a refused value's rows are found by comparing codes. Registries repeat the same
few hundred values millions of times, so no Python loop ever runs per row. Problems name
the row as a spreadsheet shows it (header = row 1) and the column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
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
from gistcds.risk.batch import Factor, Factored
from gistcds.risk.tables import SITES

__all__ = ["Checked", "Encoded", "duplicate_rows", "encoded", "text_column", "validate_table"]

MAX_PER_CHECK = 1000  # problems listed per check; every bad row is still counted and masked
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
Mask = npt.NDArray[np.bool_]
Verdict = str | Exception | None  # canonical value, refusal, or empty


@dataclass(frozen=True)
class Encoded:
    """A column as per-row codes into its distinct trimmed values ("" = empty cell)."""

    codes: npt.NDArray[np.int32]
    values: list[str]

    def cell(self, i: int) -> str:
        return self.values[int(self.codes[i])]


@dataclass
class Checked:
    """A validated slice: the factored columns the risk batch path reads (None when a
    required column is missing), and what was wrong."""

    factored: Factored | None = None
    problems: list[RowProblem] = field(default_factory=list)
    bad: Mask = field(default_factory=lambda: np.zeros(0, dtype=bool))
    n_problems: int = 0

    @property
    def frame(self) -> pd.DataFrame:
        """The typed columns row by row (for tests and small tables)."""
        if self.factored is None:
            return pd.DataFrame()
        rows = self.factored.rows()
        return pd.DataFrame({f.name: getattr(rows, f.name) for f in fields(rows)})

    def flag(self, mask: Mask, column: str, message: str, col: Encoded, first_row: int) -> None:
        idx = np.flatnonzero(mask)
        if not idx.size:
            return
        self.bad |= mask
        self.n_problems += int(idx.size)
        self.problems.extend(
            RowProblem(int(i) + first_row, column, f"{message}, got {col.cell(int(i))!r}")
            for i in idx[:MAX_PER_CHECK]
        )


def _as_text(col: pa.Array) -> pa.Array:
    if pa.types.is_boolean(col.type):
        return pc.if_else(col, "true", "false")
    if pa.types.is_floating(col.type):
        col = pc.if_else(pc.is_nan(col), None, col)  # NaN is an empty cell
    return col if pa.types.is_string(col.type) else col.cast(pa.string())


def encoded(table: pa.Table, name: str) -> Encoded:
    """The column dictionary-encoded, values trimmed (null: the extra last value, "")."""
    n = table.num_rows
    if name not in table.column_names:
        return Encoded(np.zeros(n, dtype=np.int32), [""])
    col = table.column(name).combine_chunks()
    # the CSV reader hands the cohort's columns over already dictionary-encoded
    enc = col if pa.types.is_dictionary(col.type) else pc.dictionary_encode(_as_text(col))
    raw = [("" if v is None else str(v).strip()) for v in enc.dictionary.to_pylist()]
    idx = enc.indices if enc.indices.null_count == 0 else pc.fill_null(enc.indices, len(raw))
    codes = idx.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    return Encoded(codes, [*raw, ""])


def text_column(table: pa.Table, name: str) -> pa.Array:
    """A column as trimmed text ("" for null or absent); numbers and booleans as written."""
    if name not in table.column_names:
        return pa.array([""] * table.num_rows, pa.string())
    col = table.column(name).combine_chunks()
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    col = _as_text(col)
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


def _numbers(col: Encoded, out: Checked, column: str, limits: Any, first_row: int) -> Factor:
    """The column's distinct values as numbers (NaN: empty or refused), refusals flagged."""
    values = pa.array(col.values, pa.string())
    ok = pc.if_else(pc.equal(values, ""), None, pc.match_substring_regex(values, _NUMBER))
    nums = pc.cast(pc.if_else(ok, values, None), pa.float64()).to_numpy(zero_copy_only=False)
    bad_form = ~np.asarray(pc.fill_null(ok, True), dtype=bool)
    lo, hi, strict = limits
    with np.errstate(invalid="ignore"):
        low = (
            np.zeros(len(nums), dtype=bool) if lo is None else (nums <= lo if strict else nums < lo)
        )
        high = np.zeros(len(nums), dtype=bool) if hi is None else (nums > hi) & ~low
    for mask, message in (
        (bad_form, "must be a number"),
        (low, f"must be {'>' if strict else '>='} {lo:g}" if lo is not None else ""),
        (high, f"must be <= {hi:g}" if hi is not None else ""),
    ):
        if mask.any():
            out.flag(mask[col.codes], column, message, col, first_row)
    return Factor(col.codes, nums)


def _model_value(field_name: str) -> Callable[[str], Verdict]:
    def check(v: str) -> Verdict:
        try:
            value = getattr(PrimaryTumor.model_validate({field_name: v}), field_name)
        except ValidationError as exc:
            return exc
        return None if value is None else str(getattr(value, "value", value))

    return check


def _unit(v: str) -> Verdict:
    try:
        return str(Mitoses.model_validate({"count": 0, "per": v}).per.value)
    except ValidationError as exc:
        return exc


def _boolean(v: str) -> Verdict:
    low = v.lower()
    if low in TRUE:
        return "true"
    if low in FALSE:
        return "false"
    return ValueError(v)


def _categorical(
    col: Encoded,
    out: Checked,
    column: str,
    check: Callable[[str], Verdict],
    allowed: tuple[str, ...],
    first_row: int,
) -> Factor:
    """Per distinct value its index into ``allowed`` (-1 = empty or refused), refusals
    flagged."""
    lut = np.full(len(col.values), -1, dtype=np.int8)
    listed = ", ".join(allowed)
    for k, v in enumerate(col.values):
        if not v:
            continue
        verdict = check(v)
        if isinstance(verdict, Exception):
            hint = [a for a in allowed if a.lower() == v.lower()]
            extra = f" (spelled as in a patient record: {hint[0]!r})" if hint else ""
            out.flag(col.codes == k, column, f"must be one of {listed}{extra}", col, first_row)
        elif verdict is not None:
            lut[k] = allowed.index(verdict)
    return Factor(col.codes, lut)


def validate_table(table: pa.Table, first_row: int = 2) -> Checked:
    """Validate a slice whose first row is spreadsheet row ``first_row`` (header = row 1)."""
    n = table.num_rows
    table = table.unify_dictionaries()  # one dictionary per column across its chunks
    out = Checked(bad=np.zeros(n, dtype=bool))
    missing = [c for c in COLUMNS if c not in table.column_names]
    if missing:
        out.problems = [RowProblem(1, c, "column missing from the table") for c in missing]
        out.n_problems = len(missing)
        return out
    ids = pc.utf8_trim_whitespace(_as_text(table.column("id").combine_chunks()))
    no_id = np.asarray(pc.fill_null(pc.equal(ids, ""), True), dtype=bool)
    out.flag(no_id, "id", "required", Encoded(np.zeros(n, np.int32), [""]), first_row)
    site = _categorical(encoded(table, "site"), out, "site", _model_value("site"), SITES, first_row)
    size = _numbers(
        encoded(table, "size_cm"), out, "size_cm", _limits(PrimaryTumor, "size_cm"), first_row
    )
    mitoses = _numbers(
        encoded(table, "mitoses"), out, "mitoses", _limits(Mitoses, "count"), first_row
    )
    per_col = encoded(table, "mitoses_per")
    per = _categorical(per_col, out, "mitoses_per", _unit, ("5mm2", "50hpf"), first_row)
    if (per.values < 0).any() and not np.isnan(mitoses.values).all():
        need = (per.values < 0)[per.codes] & ~np.isnan(mitoses.values)[mitoses.codes]
        out.flag(need, "mitoses_per", "required when mitoses is given", per_col, first_row)
    tf = ("false", "true")
    rupture = _categorical(encoded(table, "rupture"), out, "rupture", _boolean, tf, first_row)
    meta = _categorical(encoded(table, "metastatic"), out, "metastatic", _boolean, tf, first_row)
    nodes = _categorical(
        encoded(table, "nodes"), out, "nodes", _model_value("nodes"), ("N0", "N1", "NX"), first_row
    )
    out.factored = Factored(
        site=site,
        size_cm=size,
        mitoses=mitoses,
        rupture=rupture,
        # NX and empty are both "not assessed" for the batch path (recorded N0, AJCC)
        nodes=Factor(nodes.codes, np.where(nodes.values == 2, -1, nodes.values).astype(np.int8)),
        metastatic=Factor(meta.codes, meta.values == 1),
    )
    return out


def duplicate_rows(ids: pa.Array | pa.ChunkedArray, first_row: int = 2) -> list[RowProblem]:
    """A problem for every repeat of an id seen on an earlier row (empty ids are not repeats).

    A stable sort brings equal ids together in file order; every member of a run of equal
    ids but the first is a repeat.
    """
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    ids = pc.fill_null(pc.utf8_trim_whitespace(_as_text(ids)), "")
    if len(ids) < 2:
        return []
    order = pc.sort_indices(ids)  # stable
    ranked = ids.take(order)
    same = np.asarray(pc.equal(ranked.slice(1), ranked.slice(0, len(ranked) - 1)), dtype=bool)
    same &= np.asarray(pc.not_equal(ranked.slice(1), ""), dtype=bool)
    if not same.any():
        return []
    rows = np.sort(order.to_numpy()[1:][same])
    values = ids.take(pa.array(rows)).to_pylist()
    return [
        RowProblem(int(r) + first_row, "id", f"repeated id, got {v!r}")
        for r, v in zip(rows, values, strict=True)
    ]
