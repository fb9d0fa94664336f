"""``gistcds cohort ...``: registry scoring and analytics (imported only when a command runs).

Commands: ``columns``, ``score``, ``synth``, ``survival``, ``cox``, ``calibrate``,
``report``. Every analysis runs on pandas in process or on Dask (``--engine dask``, with
``--scheduler ADDRESS`` for an existing cluster). Bodies import what they need, so
``gistcds --help`` never loads lifelines, dask or matplotlib.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from gistcds.cli_base import EXIT_OK, guarded
from gistcds.cli_common import add_command, new_group

__all__ = ["register_cohort"]

HELP = "Registry analytics: score, survival, Cox, calibration, report, synthetic data."


class CohortEngine(StrEnum):
    pandas = "pandas"
    dask = "dask"


class System(StrEnum):
    nih = "nih"
    modified_nih = "modified_nih"
    afip = "afip"
    ajcc8 = "ajcc8"


class Fmt(StrEnum):
    text = "text"
    json = "json"


EngineOpt = Annotated[
    CohortEngine, typer.Option("--engine", help="pandas (in process) or dask (scales out)")
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address, e.g. tcp://host:8786 (default: a local cluster)",
    ),
]
WorkersOpt = Annotated[
    int | None, typer.Option("--workers", help="local Dask cluster workers", min=1)
]
TimeOpt = Annotated[
    str, typer.Option("--time", metavar="COLUMN", help="column with follow-up time in months")
]
EventOpt = Annotated[
    str,
    typer.Option(
        "--event", metavar="COLUMN", help="column with the event: 1 (or true) = event, 0 = censored"
    ),
]


SCORE_HELP = (
    "Risk, staging and genotype columns for every row of a table (.csv, .parquet, .jsonl). "
    "Input columns are kept; the scored columns are appended. The output format follows "
    "--out's extension (.csv, .parquet, .jsonl); without --out, CSV on stdout."
)


def _score_help(command: Any) -> None:
    """Add the input columns to ``cohort score -h`` only when that help is shown (they come
    from the patient model, which is too heavy to import for every command)."""
    from gistcds.cohort.schema import columns_text

    body = columns_text().replace("\n", "\n\n")
    command.help = SCORE_HELP + "\n\nColumns:\n\n" + body


def register_cohort(app: typer.Typer) -> None:
    """Attach the ``cohort`` group to the app."""
    cohort = new_group(HELP)
    add_command(
        cohort,
        "columns",
        "Print the input columns of 'cohort score' and their values.",
        columns_cmd,
    )
    add_command(cohort, "score", SCORE_HELP, score_cmd, before_help=_score_help)
    add_command(
        cohort, "synth", "Write a seeded SYNTHETIC registry (demos, tests; never data).", synth_cmd
    )
    add_command(
        cohort, "survival", "Kaplan–Meier by group, log-rank, published-arm overlay.", survival_cmd
    )
    add_command(
        cohort, "cox", "Cox proportional hazards with proportional-hazards checks.", cox_cmd
    )
    add_command(
        cohort, "calibrate", "Discrimination and calibration of a risk system.", calibrate_cmd
    )
    add_command(cohort, "report", "One self-contained HTML report of a registry.", report_cmd)
    app.add_typer(cohort, name="cohort")


def _run(body: Any) -> None:
    raise typer.Exit(guarded(body))


def columns_cmd() -> None:
    def body() -> int:
        from gistcds.cohort.schema import columns_text

        sys.stdout.write(columns_text() + "\n")
        return EXIT_OK

    _run(body)


def score_cmd(
    table: Annotated[Path, typer.Argument(help="input table: .csv, .parquet or .jsonl")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", metavar="FILE", help="output .csv, .parquet or .jsonl (default: CSV on stdout)"
        ),
    ] = None,
    engine: EngineOpt = CohortEngine.pandas,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="skip bad rows (listed on stderr) instead of failing"),
    ] = False,
) -> None:
    def body() -> int:
        from gistcds.cohort.score import run

        run(
            table,
            out,
            engine=engine.value,
            scheduler=scheduler,
            skip_invalid=skip_invalid,
            workers=workers,
        )
        return EXIT_OK

    _run(body)


def synth_cmd(
    out: Annotated[
        Path, typer.Option("--out", metavar="FILE", help="output .csv, .parquet or .jsonl")
    ],
    n: Annotated[int, typer.Option("--n", help="number of synthetic patients", min=1)] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="random seed (same seed, same table)")] = 1,
) -> None:
    def body() -> int:
        from gistcds.cohort import synth

        synth.generate(n, seed, out)
        print(f"wrote {n} SYNTHETIC patients to {out} (seed {seed}; not data)", file=sys.stderr)
        return EXIT_OK

    _run(body)


def _emit(result: dict[str, Any], out: Path | None, fmt: Fmt, text: str, html: Any) -> None:
    """JSON or HTML to ``out`` by extension; otherwise text (or JSON) on stdout."""
    from gistcds.errors import InputError, Problem

    if out is None:
        sys.stdout.write(json.dumps(result, indent=2) + "\n" if fmt is Fmt.json else text)
        return
    suffix = out.suffix.lower()
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".json":
        out.write_text(json.dumps(result, indent=2) + "\n")
    elif suffix in (".html", ".htm"):
        out.write_text(html())
    else:
        raise InputError([Problem("--out", f"must end in .html or .json, got {out.name!r}")])
    print(f"wrote {out}", file=sys.stderr)


def survival_cmd(
    table: Annotated[Path, typer.Argument(help="registry table: .csv or .parquet")],
    time: TimeOpt,
    event: EventOpt,
    by: Annotated[
        list[str] | None, typer.Option("--by", metavar="COLUMN", help="group column (repeatable)")
    ] = None,
    arm: Annotated[
        list[str] | None,
        typer.Option(
            "--arm",
            metavar="ARM",
            help="overlay a published arm of the KB, e.g. s0033_imatinib400_pfs",
        ),
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option(
            "--where",
            metavar="COLUMN=VALUE",
            help="keep rows with COLUMN=VALUE (repeatable), e.g. first_line_drug=imatinib",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", metavar="FILE", help="OUT.html or OUT.json")
    ] = None,
    fmt: Annotated[Fmt, typer.Option("--format", help="stdout: text or json")] = Fmt.text,
    engine: EngineOpt = CohortEngine.pandas,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
) -> None:
    def body() -> int:
        from gistcds.cohort import analyses, render

        res = analyses.survival(
            table, time, event, by or [], arm or [], where or [], engine.value, (scheduler, workers)
        )
        _emit(res.as_dict(), out, fmt, render.survival_text(res), lambda: render.survival_html(res))
        return EXIT_OK

    _run(body)


def cox_cmd(
    table: Annotated[Path, typer.Argument(help="registry table: .csv or .parquet")],
    time: TimeOpt,
    event: EventOpt,
    covariates: Annotated[
        str,
        typer.Option(
            "--covariates", help="comma-separated columns, e.g. site,size_cm,mitoses,genotype_class"
        ),
    ],
    where: Annotated[
        list[str] | None, typer.Option("--where", help="keep rows with COLUMN=VALUE")
    ] = None,
    max_rows: Annotated[
        int,
        typer.Option(
            "--max-rows", help="fit on a deterministic sample above this many rows", min=100
        ),
    ] = 2_000_000,
    penalizer: Annotated[
        float, typer.Option("--penalizer", help="ridge penalty (lifelines), 0 = none", min=0)
    ] = 0.0,
    out: Annotated[
        Path | None, typer.Option("--out", metavar="FILE", help="OUT.html or OUT.json")
    ] = None,
    fmt: Annotated[Fmt, typer.Option("--format", help="stdout: text or json")] = Fmt.text,
    engine: EngineOpt = CohortEngine.pandas,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
) -> None:
    def body() -> int:
        from gistcds.cohort import analyses, render

        cols = [c.strip() for c in covariates.split(",") if c.strip()]
        res = analyses.cox(
            table,
            time,
            event,
            cols,
            where or [],
            max_rows,
            engine.value,
            (scheduler, workers),
            penalizer,
        )
        _emit(res.as_dict(), out, fmt, render.cox_text(res), lambda: render.cox_html(res))
        return EXIT_OK

    _run(body)


def calibrate_cmd(
    table: Annotated[Path, typer.Argument(help="registry table (scored or not): .csv or .parquet")],
    system: Annotated[
        System, typer.Option("--system", metavar="SYSTEM", help="nih, modified_nih, afip or ajcc8")
    ],
    time: TimeOpt,
    event: EventOpt,
    horizon: Annotated[
        float, typer.Option("--horizon", help="months at which observed and expected are compared")
    ] = 120.0,
    out: Annotated[
        Path | None, typer.Option("--out", metavar="FILE", help="OUT.html or OUT.json")
    ] = None,
    fmt: Annotated[Fmt, typer.Option("--format", help="stdout: text or json")] = Fmt.text,
    engine: EngineOpt = CohortEngine.pandas,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
) -> None:
    def body() -> int:
        from gistcds.cohort import analyses, render

        res = analyses.calibration(
            table, system.value, time, event, horizon, engine.value, (scheduler, workers)
        )
        _emit(
            res.as_dict(),
            out,
            fmt,
            render.calibration_text(res),
            lambda: render.calibration_html(res),
        )
        return EXIT_OK

    _run(body)


def report_cmd(
    table: Annotated[Path, typer.Argument(help="registry table: .csv or .parquet")],
    out: Annotated[Path, typer.Option("--out", metavar="FILE", help="report.html")],
    rfs_time: Annotated[
        str, typer.Option("--rfs-time", metavar="COLUMN", help="recurrence-free time column")
    ] = "rfs_months",
    rfs_event: Annotated[
        str, typer.Option("--rfs-event", metavar="COLUMN", help="recurrence event column")
    ] = "rfs_event",
    os_time: Annotated[
        str, typer.Option("--os-time", metavar="COLUMN", help="overall survival time column")
    ] = "os_months",
    os_event: Annotated[
        str, typer.Option("--os-event", metavar="COLUMN", help="death event column")
    ] = "os_event",
    engine: EngineOpt = CohortEngine.pandas,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
) -> None:
    def body() -> int:
        from gistcds.cohort import report

        report.write_report(
            table,
            out,
            (rfs_time, rfs_event),
            (os_time, os_event),
            engine.value,
            (scheduler, workers),
        )
        print(f"wrote {out}", file=sys.stderr)
        return EXIT_OK

    _run(body)
