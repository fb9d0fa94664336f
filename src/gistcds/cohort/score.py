"""``gistcds cohort score``: the risk batch path over a CSV/Parquet table, in process or on Dask.

Reads the table, validates every row (``schema``, and the optional molecular columns of
``genotype``), refuses the whole table before writing anything when a row is bad (unless
``skip_invalid``), scores the rest with the vectorised risk path and writes ``id``, the risk
columns (``risk.batch.OUTPUT_COLUMNS``) and the genotype columns (``genotype.OUTPUT_COLUMNS``).
The Dask engine runs the risk function per partition, so both engines give identical output;
the genotype columns are computed in process, once per distinct molecular combination.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from gistcds.cohort.genotype import genotype_frame
from gistcds.cohort.schema import COLUMNS, RowProblem, bad_rows, validate
from gistcds.errors import InputError, Problem
from gistcds.knowledge import KnowledgeBase, load_kb
from gistcds.risk.batch import Codes, Encoded, encode, score_codes, score_frame, to_frame
from gistcds.risk.tables import risk_tables

Engine = Literal["pandas", "dask"]
PARTITION_ROWS = 250_000
DASK_PARTITION_ROWS = 100_000  # ~2 MB of encoded inputs per task
PROGRESS_MIN_ROWS = 500_000
MAX_LISTED_PROBLEMS = 200


def read_table(path: Path) -> pd.DataFrame:
    """A CSV or Parquet file as raw columns (CSV cells kept as text for validation)."""
    if not path.is_file():
        raise InputError([Problem(str(path), "no such file")])
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path)
        if suffix in (".csv", ".txt"):
            return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except Exception as exc:  # unreadable file: an input problem, not an internal error
        raise InputError([Problem(str(path), f"cannot read table: {exc}")]) from exc
    raise InputError([Problem(str(path), "expected a .csv or .parquet file")])


def _problems(problems: list[RowProblem]) -> list[Problem]:
    out = [Problem(f"row {p.row}, column {p.column}", p.message) for p in problems]
    if len(out) > MAX_LISTED_PROBLEMS:
        rest = len(out) - MAX_LISTED_PROBLEMS
        out = [*out[:MAX_LISTED_PROBLEMS], Problem("", f"... and {rest} more problem(s)")]
    return out


def _score_part(args: tuple[str, Encoded]) -> Codes:
    """One partition on a Dask worker: the batch function over compact encoded arrays.

    Only the encoded inputs (about 20 bytes a row) travel to the worker and only the codes
    come back; ids and output columns are assembled here, exactly as the pandas path does.
    """
    kb_dir, encoded = args
    return score_codes(encoded, risk_tables(load_kb(kb_dir)))


def _with_id(part: pd.DataFrame, scored: pd.DataFrame) -> pd.DataFrame:
    scored.insert(0, "id", part["id"].to_numpy())
    return scored


def _partitions(df: pd.DataFrame, rows: int) -> list[pd.DataFrame]:
    n = max(1, -(-len(df) // rows))
    return [df.iloc[idx] for idx in np.array_split(np.arange(len(df)), n)]


@contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr (or a no-op) advanced by rows scored."""
    if not enabled:
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("scoring patients", total=total)
        yield lambda n: bar.advance(task, n)


def score_table(
    df: pd.DataFrame,
    kb: KnowledgeBase,
    engine: Engine = "pandas",
    scheduler: str | None = None,
    workers: int | None = None,
    partition_rows: int | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Score a validated frame; identical output whichever engine runs it."""
    default_rows = PARTITION_ROWS if engine == "pandas" else DASK_PARTITION_ROWS
    parts = _partitions(df, partition_rows or default_rows)
    show = progress if progress is not None else len(df) >= PROGRESS_MIN_ROWS
    results: list[pd.DataFrame] = []
    with _progress(len(df), show) as advance:
        if engine == "pandas":
            t = risk_tables(kb)
            for part in parts:
                results.append(_with_id(part, score_frame(part, t)))
                advance(len(part))
        else:
            from gistcds.executors import DaskExecutor

            t = risk_tables(kb)
            with DaskExecutor(address=scheduler, n_workers=workers) as ex:
                step = max(1, workers or 2)
                for i in range(0, len(parts), step):
                    batch = parts[i : i + step]
                    codes = ex.map(_score_part, [(str(kb.directory), encode(p)) for p in batch])
                    for part, c in zip(batch, codes, strict=True):
                        results.append(_with_id(part, to_frame(c, t, index=part.index)))
                    advance(sum(len(p) for p in batch))
    if not results:
        return _with_id(df, score_frame(df, risk_tables(kb)))
    out = pd.concat(results, ignore_index=True)
    return out


def run(
    path: Path,
    out: Path | None,
    engine: Engine = "pandas",
    scheduler: str | None = None,
    skip_invalid: bool = False,
    workers: int | None = None,
    kb: KnowledgeBase | None = None,
) -> pd.DataFrame:
    """Read, validate, score and write (Parquet to ``out``, CSV to stdout when ``out`` is None)."""
    kb = kb or load_kb()
    raw = read_table(path)
    if any(c not in raw.columns for c in COLUMNS):
        _, problems = validate(raw)
        raise InputError(_problems(problems))
    clean, problems = validate(raw)
    genotypes, genotype_problems = genotype_frame(raw, kb)
    problems = sorted([*problems, *genotype_problems], key=lambda p: p.row)
    if problems:
        if not skip_invalid:
            raise InputError(_problems(problems))
        for p in _problems(problems):
            print(f"skipped {p}", file=sys.stderr)
        bad = np.isin(np.arange(1, len(clean) + 1), sorted(bad_rows(problems)))
        clean = clean.loc[~bad]
        genotypes = genotypes.loc[~bad]
    scored = score_table(clean, kb, engine=engine, scheduler=scheduler, workers=workers)
    scored = pd.concat([scored, genotypes.reset_index(drop=True)], axis=1)
    if out is None:
        scored.to_csv(sys.stdout, index=False)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        scored.to_parquet(out, index=False)
    return scored
