"""``gistcds cohort report``: one self-contained HTML report of a registry.

Sections, each present when the table has the columns it needs:

1. Table 1: site, size, mitoses, genotype class, metastatic at diagnosis, first line and
   lines received (counts and percentages; median and quartiles from exact value counts,
   so the Dask engine never gathers the rows);
2. recurrence-free survival by AFIP category (localized patients), with log-rank;
3. calibration of NIH, modified NIH, AFIP and AJCC 8th against the observed recurrence;
4. Cox model of recurrence on site, size, mitoses (and genotype class);
5. first-line PFS by genotype for imatinib 400 mg, beside the published S0033 arm;
6. overall survival by genotype class.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gistcds.cohort import analyses, load, render
from gistcds.errors import InputError

__all__ = ["describe", "write_report"]

CATEGORICAL = ("site", "genotype_class", "metastatic", "first_line_drug", "lines_received")
NUMERIC = ("size_cm", "mitoses")
IMATINIB_ARM = "s0033_imatinib400_pfs"
ClientOpts = tuple[str | None, int | None]


def _value_counts(part: pd.DataFrame) -> dict[str, Counter[str]]:
    return {
        c: Counter(part[c].astype("string").str.strip().fillna("").tolist()) for c in part.columns
    }


def describe(path: Path, engine: load.Engine, opts: ClientOpts) -> dict[str, Any]:
    """Counts per value (categorical columns) and median/quartiles (numeric columns)."""
    cols = [*CATEGORICAL, *NUMERIC]
    parts = load.map_columns(path, cols, _value_counts, engine, opts)
    total: dict[str, Counter[str]] = {}
    for p in parts:
        for c, cnt in p.items():
            total.setdefault(c, Counter()).update(cnt)
    out: dict[str, Any] = {"n": sum(next(iter(total.values())).values()) if total else 0}
    for c, cnt in total.items():
        if c in NUMERIC:
            vals = np.array([float(k) for k in cnt if k not in ("", "nan")])
            w = np.array([cnt[k] for k in cnt if k not in ("", "nan")], dtype=float)
            order = np.argsort(vals)
            cum = np.cumsum(w[order]) / w.sum() if w.sum() else np.array([])
            q = (
                [float(vals[order][np.searchsorted(cum, p)]) for p in (0.25, 0.5, 0.75)]
                if cum.size
                else []
            )
            out[c] = {
                "quartiles": q,
                "missing": int(cnt.get("", 0) + cnt.get("nan", 0)),
                "n": int(w.sum()),
            }
        else:
            out[c] = dict(sorted(cnt.items(), key=lambda kv: -kv[1]))
    return out


def _table1(desc: dict[str, Any]) -> str:
    n = desc.get("n", 0) or 1
    rows: list[list[str]] = []
    for c in CATEGORICAL:
        if c not in desc:
            continue
        rows.append([f"<strong>{render._e(c)}</strong>", "", ""])
        for value, k in desc[c].items():
            rows.append(
                [f"&nbsp;&nbsp;{render._e(value or 'not recorded')}", str(k), f"{100 * k / n:.1f}"]
            )
    for c in NUMERIC:
        if c in desc and desc[c]["quartiles"]:
            q1, med, q3 = desc[c]["quartiles"]
            rows.append(
                [
                    f"<strong>{c}</strong>, median (IQR)",
                    f"{med:g} ({q1:g}–{q3:g})",
                    f"missing {desc[c]['missing']}",
                ]
            )
    return (
        "<section><h2>Table 1: the cohort</h2>"
        f"<p>{desc.get('n', 0)} patients.</p>"
        + render._table(["characteristic", "n", "%"], rows, "Description of the registry")
        + "</section>"
    )


def _try(fn: Any) -> str:
    """A section, or a note saying why it could not be drawn (missing column, no event)."""
    try:
        return str(fn())
    except InputError as exc:
        reason = "; ".join(str(p) for p in exc.problems[:3])
        return f"<section><p class='note'>Section left out: {render._e(reason)}</p></section>"


def write_report(
    path: Path,
    out: Path,
    rfs: tuple[str, str],
    os_cols: tuple[str, str],
    engine: load.Engine = "pandas",
    opts: ClientOpts = (None, None),
) -> None:
    """Write the HTML report of the registry at ``path`` to ``out``."""
    names = load.column_names(path)
    sections = [_table1(describe(path, engine, opts))]
    if set(rfs) <= set(names):
        by = ["afip_category"]  # derived by the risk batch path when the table is unscored
        sections.append(
            _try(
                lambda: render.survival_section(
                    analyses.survival(path, *rfs, by, (), ["metastatic=false"], engine, opts),
                    "Recurrence-free survival by AFIP category (localized patients)",
                    "rfs",
                )
            )
        )
        for system in ("nih", "modified_nih", "afip", "ajcc8"):
            sections.append(
                _try(
                    lambda s=system: render.calibration_section(
                        analyses.calibration(path, s, *rfs, 120.0, engine, opts)
                    )
                )
            )
        covs = [c for c in ("site", "size_cm", "mitoses", "genotype_class") if c in names]
        if covs:
            sections.append(
                _try(
                    lambda: render.cox_section(
                        analyses.cox(
                            path, *rfs, covs, ["metastatic=false"], 2_000_000, engine, opts
                        )
                    )
                )
            )
    if {"pfs1_months", "pfs1_event", "first_line_drug"} <= set(names):
        by = ["genotype_class"] if "genotype_class" in names else []
        sections.append(
            _try(
                lambda: render.survival_section(
                    analyses.survival(
                        path,
                        "pfs1_months",
                        "pfs1_event",
                        by,
                        [IMATINIB_ARM],
                        ["first_line_drug=imatinib", "first_line_dose_mg_per_day=400"],
                        engine,
                        opts,
                    ),
                    "First-line imatinib 400 mg: PFS by genotype, beside S0033",
                    "pfs1",
                )
            )
        )
    if set(os_cols) <= set(names):
        by = ["genotype_class"] if "genotype_class" in names else []
        sections.append(
            _try(
                lambda: render.survival_section(
                    analyses.survival(path, *os_cols, by, (), (), engine, opts),
                    "Overall survival" + (" by genotype class" if by else ""),
                    "os",
                )
            )
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render.page("Registry report", sections, str(path.name)), encoding="utf-8")
