"""``gistcds cohort synth``: a seeded SYNTHETIC registry for demonstrations, tests, benchmarks.

Never data. Every frequency comes from ``knowledge/cohort_synth.yaml`` (cited, with its
confidence; generator settings no source gives are marked unverified there), and every
clinical rule from the engines' public faces:

1. site, size, mitoses, metastatic at diagnosis, and a genotype (written as the molecular
   cells ``cohort score`` reads) drawn independently from the KB figures;
2. ``genotype_class``: the genotype engine on those cells;
3. localized patients recur with the AFIP percentage of their cell (the risk batch path;
   the pooled population figure where AFIP has none), within the first 10 years;
4. from metastasis (at diagnosis or at recurrence), treatment lines and survival are drawn
   through the prognosis engine's sequence simulation for the genotype (published PFS
   arms and transition probabilities);
5. administrative censoring at a uniform follow-up time.

Times are months, rounded to 0.1 (about 3 days, the resolution of registry dates).
Deaths from other causes are not modelled; where no published sequence exists for a
genotype (PDGFRA D842V has no sunitinib arm), lines and PFS are left empty and overall
survival is left empty for every patient of that genotype (keeping only the patients who
never became metastatic would bias its curve).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from gistcds.cohort import tableio
from gistcds.cohort.genotype import genotype_columns
from gistcds.domain.results.genotype import GenotypeClass, is_genotype_class
from gistcds.knowledge import KnowledgeBase, load_kb
from gistcds.knowledge.schema.cohort_synth import Table as SynthTable
from gistcds.risk.batch import score_frame
from gistcds.risk.tables import N_LABELS, SITES, risk_tables

__all__ = ["COLUMNS", "generate", "synth", "write"]

CHUNK_ROWS = 1_000_000

COLUMNS: tuple[str, ...] = (
    "id", "site", "size_cm", "mitoses", "mitoses_per", "rupture", "nodes", "metastatic",
    "variants", "tested_genes", "sdhb_ihc", "fusions", "genotype_class",
    "rfs_months", "rfs_event", "first_line_drug", "first_line_dose_mg_per_day",
    "pfs1_months", "pfs1_event", "lines_received", "os_months", "os_event",
)  # fmt: skip


def _lognormal(rng: np.random.Generator, spec: object, n: int) -> np.ndarray:
    med, sigma = getattr(spec, "median"), getattr(spec, "sigma")  # noqa: B009
    x = rng.lognormal(np.log(med), sigma, n)
    return np.clip(x, getattr(spec, "low"), getattr(spec, "high"))  # noqa: B009


def _classes(table: SynthTable, kb: KnowledgeBase) -> list[GenotypeClass]:
    """The genotype engine's class for each genotype item of the KB table."""
    items = table.genotypes.items
    cells = pa.table(
        {
            "variants": [g.variants for g in items],
            "tested_genes": [g.tested_genes for g in items],
            "sdhb_ihc": [g.sdhb_ihc for g in items],
        }
    )
    cols, problems, _ = genotype_columns(cells, kb)
    if problems:
        raise ValueError(f"cohort_synth.yaml genotypes: {problems[0]}")
    classes = cols["genotype_class"].to_pylist()
    known = [c for c in classes if is_genotype_class(c)]
    if len(known) != len(classes):
        raise ValueError(f"cohort_synth.yaml genotypes: no genotype class for {classes}")
    return known


def _metastatic_course(
    kb: KnowledgeBase, genotype_class: GenotypeClass, m: int, seed: int
) -> tuple[str, float | None, np.ndarray, list[np.ndarray]] | None:
    """(first drug, dose, OS from line 1, PFS per line reached) for ``m`` patients."""
    from gistcds.prognosis.simulate import build_sequence, run

    try:
        spec = build_sequence(kb, genotype_class=genotype_class)
    except ValueError:
        return None
    res = run(spec, m, seed, chunk_size=max(m, 1))
    first = spec.lines[0]
    return first.drug, first.dose_mg_per_day, res.os, list(res.line_times)


def _recurrence(rng: np.random.Generator, t: SynthTable, p: np.ndarray) -> np.ndarray:
    """Months to recurrence (inf = never): Bernoulli(p), then a truncated exponential."""
    n = len(p)
    recur = rng.random(n) < p
    rate = np.log(2.0) / t.recurrence_median_months.value
    cap = t.recurrence_within_months.value
    u = rng.random(n)
    times = -np.log1p(-u * (1.0 - np.exp(-rate * cap))) / rate
    return np.where(recur, times, np.inf)


def _base(rng: np.random.Generator, t: SynthTable, n: int) -> pd.DataFrame:
    sites = [w.value for w in t.sites.items]
    sw = np.array([w.weight for w in t.sites.items])
    site = np.array(sites)[rng.choice(len(sites), n, p=sw / sw.sum())]
    size = np.round(_lognormal(rng, t.size_cm, n), 1)
    mitoses = np.floor(_lognormal(rng, t.mitoses_per_5mm2, n))
    meta = rng.random(n) < t.metastatic_at_diagnosis.value
    gw = np.array([g.weight for g in t.genotypes.items])
    geno = rng.choice(len(gw), n, p=gw / gw.sum())
    return pd.DataFrame(
        {"site": site, "size_cm": size, "mitoses": mitoses, "metastatic": meta, "geno": geno}
    )


def _afip_probability(base: pd.DataFrame, t: SynthTable, kb: KnowledgeBase) -> np.ndarray:
    frame = pd.DataFrame(
        {
            "site": pd.Categorical(base["site"], categories=list(SITES)),
            "size_cm": base["size_cm"],
            "mitoses": base["mitoses"],
            "rupture": np.nan,
            "nodes": pd.Categorical([None] * len(base), categories=list(N_LABELS)),
            "metastatic": base["metastatic"],
        }
    )
    pct = score_frame(frame, risk_tables(kb))["afip_progression_pct"].to_numpy(float)
    return np.where(np.isnan(pct), t.recurrence_without_afip_pct.value, pct / 100.0)


def synth(n: int, seed: int, kb: KnowledgeBase | None = None, first_id: int = 0) -> pd.DataFrame:
    """``n`` synthetic patients (same ``seed`` -> same table); ids from ``first_id``."""
    kb = kb or load_kb()
    t = kb.table("cohort_synth", SynthTable)
    rng = np.random.default_rng(seed)
    base = _base(rng, t, n)
    classes = _classes(t, kb)
    rec = _recurrence(rng, t, _afip_probability(base, t, kb))
    rec[base["metastatic"].to_numpy()] = np.inf
    follow = rng.uniform(0.0, t.follow_up_months.value, n)
    meta = base["metastatic"].to_numpy()
    start = np.where(meta, 0.0, rec)  # start of metastatic disease (inf = none)
    treated = start <= follow
    out = {k: np.full(n, np.nan) for k in ("os", "pfs1", "lines")}
    drug = np.full(n, "", dtype=object)
    dose = np.full(n, np.nan)
    geno = base["geno"].to_numpy()
    undrawn = np.zeros(n, dtype=bool)  # genotypes with no published sequence: no OS at all
    for k, cls in enumerate(classes):
        idx = np.flatnonzero(treated & (geno == k))
        course = _metastatic_course(kb, cls, max(len(idx), 1), seed * 1000 + k)
        if course is None:
            undrawn |= geno == k
            continue
        if not len(idx):
            continue
        d, dmg, os_, lines = course
        os_, lines = os_[: len(idx)], [x[: len(idx)] for x in lines]
        drug[idx], dose[idx] = d, np.nan if dmg is None else dmg
        out["os"][idx] = start[idx] + os_
        out["pfs1"][idx] = lines[0]
        starts = np.zeros(len(idx))
        count = np.zeros(len(idx))
        for times in lines:
            reached = np.arange(len(idx)) < len(times)
            count += reached & (start[idx] + starts <= follow[idx])
            starts[: len(times)] += times
        out["lines"][idx] = count
    df = _assemble(base, t, classes, rec, follow, start, out, drug, dose, first_id)
    df.loc[undrawn, ["os_months", "os_event"]] = None
    return df


def _ints(x: np.ndarray, dtype: Literal["Int8", "Int64"]) -> Any:
    """Whole numbers with missing values (NaN -> <NA>)."""
    return pd.Series(x, dtype="Float64").astype(dtype).array


def _r(x: np.ndarray) -> np.ndarray:
    return np.round(x, 1)


def _assemble(
    base: pd.DataFrame,
    t: SynthTable,
    classes: list[GenotypeClass],
    rec: np.ndarray,
    follow: np.ndarray,
    start: np.ndarray,
    out: dict[str, np.ndarray],
    drug: np.ndarray,
    dose: np.ndarray,
    first_id: int,
) -> pd.DataFrame:
    n = len(base)
    items = t.genotypes.items
    g = base["geno"].to_numpy()
    meta = base["metastatic"].to_numpy()
    pick = np.vectorize(lambda k, attr: getattr(items[k], attr), otypes=[object])
    has_os = ~np.isnan(out["os"])
    os_time = np.where(has_os, np.minimum(out["os"], follow), follow)
    pfs_avail = follow - start
    df = pd.DataFrame(
        {
            "id": [f"SYN{i:08d}" for i in range(first_id, first_id + n)],
            "site": base["site"].to_numpy(),
            "size_cm": base["size_cm"].to_numpy(),
            "mitoses": base["mitoses"].astype("int64").to_numpy(),
            "mitoses_per": "5mm2",
            "rupture": "",
            "nodes": "",
            "metastatic": np.where(meta, "true", "false"),
            "variants": pick(g, "variants"),
            "tested_genes": pick(g, "tested_genes"),
            "sdhb_ihc": pick(g, "sdhb_ihc"),
            "fusions": "",
            "genotype_class": np.array(classes, dtype=object)[g],
            "rfs_months": np.where(meta, np.nan, _r(np.minimum(rec, follow))),
            "rfs_event": _ints(np.where(meta, np.nan, (rec <= follow).astype(float)), "Int8"),
            "first_line_drug": drug,
            "first_line_dose_mg_per_day": _ints(np.round(dose), "Int64"),
            "pfs1_months": _r(np.minimum(out["pfs1"], pfs_avail)),
            "pfs1_event": _ints(
                np.where(np.isnan(out["pfs1"]), np.nan, (out["pfs1"] <= pfs_avail).astype(float)),
                "Int8",
            ),
            "lines_received": _ints(out["lines"], "Int8"),
            "os_months": np.where(np.isnan(out["os"]) & (start <= follow), np.nan, _r(os_time)),
            "os_event": _ints(
                np.where(
                    np.isnan(out["os"]) & (start <= follow),
                    np.nan,
                    (has_os & (out["os"] <= follow)).astype(float),
                ),
                "Int8",
            ),
        }
    )
    return df[list(COLUMNS)]


def write(df: pd.DataFrame, out: Path) -> None:
    """Write the synthetic table; the format follows ``out``'s extension."""
    fmt = tableio.out_format(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tableio.write_table(pa.Table.from_pandas(df, preserve_index=False), out, fmt)


def generate(n: int, seed: int, out: Path, chunk_rows: int = CHUNK_ROWS) -> None:
    """Write ``n`` synthetic patients to ``out`` in chunks (bounded memory for any ``n``).

    The first chunk is ``synth(chunk_rows, seed)``; chunk k draws from the seed
    ``SeedSequence([seed, k])``, so the same (n, seed) always gives the same file.
    """
    from gistcds.cohort.pipeline import Writer

    fmt = tableio.out_format(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    kb = load_kb()
    writer = Writer(out, fmt)
    try:
        for k, start in enumerate(range(0, n, chunk_rows)):
            s = seed if k == 0 else int(np.random.SeedSequence([seed, k]).generate_state(1)[0])
            df = synth(min(chunk_rows, n - start), s, kb, first_id=start)
            writer.write(pa.Table.from_pandas(df, preserve_index=False))
    finally:
        writer.close()
