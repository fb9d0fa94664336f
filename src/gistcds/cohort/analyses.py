"""The registry analyses behind the CLI (and the report): read, compute, return results.

Each function takes a table path and an engine, reads only the columns it needs
(``load``), and returns a result object with ``as_dict()`` for JSON output.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gistcds.cohort import load
from gistcds.cohort.calibrate import CATEGORY_COLUMN, CalibrationResult, calibrate
from gistcds.cohort.cox import CoxResult, fit_cox, sample_rows
from gistcds.cohort.survival import SurvivalResult, fit_groups
from gistcds.errors import InputError, Problem
from gistcds.knowledge import KnowledgeBase, load_kb
from gistcds.risk.batch import OUTPUT_COLUMNS as RISK_COLUMNS

__all__ = ["calibration", "cox", "published_arms", "survival"]

ClientOpts = tuple[str | None, int | None]


def _where(items: Sequence[str]) -> tuple[tuple[str, str], ...]:
    out = []
    for item in items:
        col, eq, value = item.partition("=")
        if not eq or not col.strip():
            raise InputError([Problem("--where", f"expected COLUMN=VALUE, got {item!r}")])
        out.append((col.strip(), value.strip()))
    return tuple(out)


def published_arms(ids: Sequence[str], kb: KnowledgeBase | None = None) -> list[dict[str, Any]]:
    """The published median and landmarks of KB arms, for drawing beside a registry's curve."""
    from gistcds.knowledge.schema.prognosis_arms import Table as ArmsTable

    kb = kb or load_kb()
    arms = {a.id: a for a in kb.table("prognosis_arms", ArmsTable).arms}
    unknown = [i for i in ids if i not in arms]
    if unknown:
        shown = ", ".join(sorted(arms)[:12])
        raise InputError(
            [
                Problem("--arm", f"no arm {i!r} in the knowledge base (e.g. {shown}, ...)")
                for i in unknown
            ]
        )
    out = []
    for i in ids:
        a = arms[i]
        out.append(
            {
                "id": a.id,
                "trial": a.trial,
                "drug": a.drug,
                "dose_mg_per_day": a.dose_mg_per_day,
                "lines": a.lines,
                "group": a.group,
                "endpoint": a.endpoint,
                "n": a.n,
                "median_months": a.median_months,
                "median_ci": list(a.median_ci) if a.median_ci else None,
                "landmarks": [{"months": m.months, "survival": m.survival} for m in a.landmarks],
                "source_ids": list(a.source_ids),
                "citations": [s.citation() for s in kb.cite(list(a.source_ids))],
                "confidence": getattr(a, "confidence", None),
            }
        )
    return out


def survival(
    path: Path,
    time: str,
    event: str,
    by: Sequence[str],
    arms: Sequence[str] = (),
    where: Sequence[str] = (),
    engine: load.Engine = "pandas",
    client_opts: ClientOpts = (None, None),
) -> SurvivalResult:
    """Kaplan–Meier per group, log-rank tests, and the published arms asked for."""
    overlays = published_arms(arms) if arms else []
    # a risk column the file lacks (e.g. afip_category of an unscored registry) is derived
    # by the risk batch path, partition by partition
    names = load.column_names(path)
    derived = {c for c in by if c not in names and c in RISK_COLUMNS}
    keys = [f"_risk_{c}" if c in derived else c for c in by]
    spec = load.Spec(time, event, text=tuple(keys), where=_where(where), score=bool(derived))
    counts = load.counts(path, spec, keys, engine, client_opts)
    if counts.empty:
        raise InputError([Problem(str(path), "no row with a time and an event to analyse")])
    counts = counts.rename(columns=dict(zip(keys, by, strict=True)))
    res = fit_groups(counts, time, event, list(by))
    res.overlays = overlays
    order = _category_order(by)
    if order:  # risk categories from lowest to highest, then anything else
        res.groups.sort(key=lambda g: (order.get(g.group, len(order)), g.group))
    return res


def _category_order(by: Sequence[str]) -> dict[str, int]:
    from gistcds.cohort.calibrate import CATEGORY_COLUMN, RANKS

    systems = {col: system for system, col in CATEGORY_COLUMN.items()}
    if len(by) != 1 or by[0] not in systems:
        return {}
    return RANKS[systems[by[0]]]


def cox(
    path: Path,
    time: str,
    event: str,
    covariates: Sequence[str],
    where: Sequence[str] = (),
    max_rows: int = 2_000_000,
    engine: load.Engine = "pandas",
    client_opts: ClientOpts = (None, None),
    penalizer: float = 0.0,
) -> CoxResult:
    """CoxPH on the covariates (a deterministic sample above ``max_rows`` rows)."""
    if not covariates:
        raise InputError([Problem("--covariates", "name at least one column")])
    spec = load.Spec(time, event, text=tuple(covariates), where=_where(where))
    n_rows = int(
        load.counts(path, spec, [], engine, client_opts)[["events", "censored"]].sum().sum()
    )
    fraction = min(1.0, max_rows / n_rows) if n_rows else 1.0
    df = load.frame(path, spec, engine, client_opts, keep=lambda d: sample_rows(d, fraction))
    if df.empty or not df["event"].any():
        raise InputError([Problem(str(path), "no event among the rows analysed")])
    sampled = n_rows if fraction < 1.0 else None
    return fit_cox(df, list(covariates), sampled_from=sampled, penalizer=penalizer)


def calibration(
    path: Path,
    system: str,
    time: str,
    event: str,
    horizon: float = 120.0,
    engine: load.Engine = "pandas",
    client_opts: ClientOpts = (None, None),
) -> CalibrationResult:
    """Harrell's C, time-dependent AUC, observed vs expected per category, Brier score."""
    col = CATEGORY_COLUMN[system]
    names = load.column_names(path)
    scored = col in names and (system != "afip" or "afip_progression_pct" in names)
    if scored:
        numbers = ("afip_progression_pct",) if system == "afip" else ()
        spec = load.Spec(time, event, text=(col,), numbers=numbers)
        cat, pct = col, numbers[0] if numbers else None
    else:
        spec = load.Spec(
            time, event, text=(f"_risk_{col}",), numbers=("_risk_afip_progression_pct",), score=True
        )
        cat, pct = f"_risk_{col}", "_risk_afip_progression_pct"
    df = load.frame(path, spec, engine, client_opts)
    import numpy as np

    data = df[["time", "event"]].assign(
        category=df[cat].astype(str), pct=df[pct] if pct else np.nan
    )
    return calibrate(data, system, horizon)
