"""The cohort input table: its columns, and row-by-row validation with row numbers.

Columns (CSV header or Parquet schema; extra columns are ignored):

=========== ===================================================================
id          patient identifier, required, unique
site        stomach | duodenum | jejunum_ileum | small_intestine | colon | rectum |
            esophagus | omentum | mesentery | peritoneum | other (empty = unknown)
size_cm     largest tumour dimension in cm, > 0 and <= 100 (empty = unknown)
mitoses     mitotic count, >= 0 (empty = unknown)
mitoses_per 5mm2 | 50hpf (equivalent, AJCC 8th); required when mitoses is given
rupture     true/false (also yes/no, 1/0; empty = unknown)
nodes       N0 | N1 | NX (empty = not assessed; recorded N0 as AJCC advises)
metastatic  true/false (empty = false, as for a patient record without metastases)
=========== ===================================================================

Rows are taken as completely resected primaries without neoadjuvant therapy (the columns
carry no resection or treatment status). Limits come from the patient model, so a cohort
row and a patient JSON accept the same values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from annotated_types import Ge, Gt, Le

from gistcds.domain.patient import Mitoses, MitosesUnit, NodalStatus, PrimaryTumor
from gistcds.risk.tables import SITES

COLUMNS: tuple[str, ...] = (
    "id",
    "site",
    "size_cm",
    "mitoses",
    "mitoses_per",
    "rupture",
    "nodes",
    "metastatic",
)
TRUE = frozenset({"true", "t", "yes", "y", "1", "1.0"})
FALSE = frozenset({"false", "f", "no", "n", "0", "0.0"})


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1-based data row (a CSV's line number is row + 1)
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


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


def _text(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().fillna("")


def validate(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[RowProblem]]:
    """A clean, typed frame (all rows) and the problems found, one per bad cell."""
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        return raw.iloc[0:0], [RowProblem(0, c, "column missing from the table") for c in missing]
    problems: list[RowProblem] = []
    rows = np.arange(1, len(raw) + 1)

    def report(mask: Any, column: str, message: str, values: pd.Series) -> None:
        for r, v in zip(rows[np.asarray(mask)], values[np.asarray(mask)], strict=True):
            problems.append(RowProblem(int(r), column, f"{message}, got {v!r}"))

    out = pd.DataFrame(index=raw.index)
    ids = _text(raw["id"])
    report(ids == "", "id", "required", ids)
    dup = ids.duplicated() & (ids != "")
    report(dup, "id", "repeated id", ids)
    out["id"] = ids

    site = _text(raw["site"]).str.lower()
    report(~site.isin(SITES) & (site != ""), "site", f"must be one of {', '.join(SITES)}", site)
    out["site"] = pd.Categorical(site.where(site.isin(SITES)), categories=list(SITES))

    for col, model, field in (
        ("size_cm", PrimaryTumor, "size_cm"),
        ("mitoses", Mitoses, "count"),
    ):
        text = _text(raw[col])
        num = pd.to_numeric(text.where(text != ""), errors="coerce").astype("float64")
        report(num.isna() & (text != ""), col, "must be a number", text)
        lo, hi, strict = _limits(model, field)
        bad = pd.Series(False, index=raw.index)
        if lo is not None:
            bad |= (num <= lo) if strict else (num < lo)
            report(bad, col, f"must be {'>' if strict else '>='} {lo:g}", num)
        if hi is not None:
            over = (num > hi) & ~bad
            report(over, col, f"must be <= {hi:g}", num)
        out[col] = num

    units = {u.value for u in MitosesUnit}
    per = _text(raw["mitoses_per"]).str.lower()
    report(~per.isin(units) & (per != ""), "mitoses_per", f"must be one of {sorted(units)}", per)
    report(
        (per == "") & out["mitoses"].notna(), "mitoses_per", "required when mitoses is given", per
    )
    out["mitoses_per"] = per

    for col, default in (("rupture", None), ("metastatic", False)):
        text = _text(raw[col]).str.lower()
        report(~text.isin(TRUE | FALSE) & (text != ""), col, "must be true or false", text)
        value = pd.Series(np.nan, index=raw.index, dtype="float64")
        value[text.isin(TRUE)] = 1.0
        value[text.isin(FALSE)] = 0.0
        if default is not None:
            value = value.fillna(float(default))
            out[col] = value.astype(bool)
        else:
            out[col] = value

    nodes_all = {n.value for n in NodalStatus}
    nodes = _text(raw["nodes"]).str.upper()
    report(
        ~nodes.isin(nodes_all) & (nodes != ""),
        "nodes",
        f"must be one of {sorted(nodes_all)}",
        nodes,
    )
    out["nodes"] = pd.Categorical(nodes.where(nodes.isin(nodes_all)), categories=sorted(nodes_all))
    problems.sort(key=lambda p: (p.row, COLUMNS.index(p.column)))
    return out, problems


def bad_rows(problems: list[RowProblem]) -> set[int]:
    return {p.row for p in problems}
