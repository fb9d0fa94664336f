"""``gistcds assess``: the command body, and a reader of its plain argument lists that needs
no typer.

typer (with click, rich and the pydantic adapters it builds for every parameter) costs
more CPU than a bare interpreter start several times over (``benchmarks/bench_startup.py``),
and ``assess`` is the command an integrator calls once per patient. So ``cli.main`` hands
an argument list to :func:`parse_assess_args` first: it understands only the plain forms
(one patient file; ``--format text|json|fhir``, ``--report OUT`` (repeatable),
``--leaflet OUT``, ``--mkdir``, each option as ``--opt value`` or ``--opt=value``) and
answers None for anything else (help, a misspelt or repeated option, a missing value or
file), which typer then parses and explains exactly as before. Both routes run the same
:func:`run_assess`, so the output and exit status do not depend on the route.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from gistcds.cli_base import EXIT_OK, guarded, output_problems, write_output

if TYPE_CHECKING:
    from gistcds.report.pdf_worker import PdfWorker

__all__ = ["FORMATS", "AssessArgs", "parse_assess_args", "run_assess"]

FORMATS = ("text", "json", "fhir")
_VALUED = ("--format", "--report", "--leaflet")


@dataclass(frozen=True)
class AssessArgs:
    """The arguments of ``gistcds assess`` (typer's ``assess_cmd`` has the same)."""

    file: str
    fmt: str = "text"
    report: list[str] = field(default_factory=list)
    leaflet: str | None = None
    mkdir: bool = False


def _options(args: list[str]) -> tuple[list[str], dict[str, list[str]], bool] | None:
    """Positional arguments, option values by name and the ``--mkdir`` flag; None for a
    token this reader does not handle."""
    positional: list[str] = []
    values: dict[str, list[str]] = {name: [] for name in _VALUED}
    mkdir = False
    i = 0
    while i < len(args):
        token = args[i]
        name, eq, value = token.partition("=")
        if token == "--mkdir":
            if mkdir:
                return None
            mkdir = True
        elif name in _VALUED and eq:
            values[name].append(value)
        elif token in _VALUED:
            if i + 1 == len(args) or args[i + 1].startswith("-"):
                return None  # typer's "requires an argument" (or an odd value: typer decides)
            values[token].append(args[i + 1])
            i += 1
        elif token.startswith("-") and token != "-":
            return None  # help, "--", an unknown or misspelt option
        else:
            positional.append(token)
        i += 1
    return positional, values, mkdir


def parse_assess_args(args: list[str]) -> AssessArgs | None:
    """``args`` (after ``assess``) when they are in a plain form, else None (typer's turn)."""
    read = _options(args)
    if read is None:
        return None
    positional, values, mkdir = read
    formats, leaflets = values["--format"], values["--leaflet"]
    if len(positional) != 1 or len(formats) > 1 or len(leaflets) > 1:
        return None
    if formats and formats[0] not in FORMATS:
        return None  # typer names the valid choices
    return AssessArgs(
        file=positional[0],
        fmt=formats[0] if formats else "text",
        report=values["--report"],
        leaflet=leaflets[0] if leaflets else None,
        mkdir=mkdir,
    )


def run_assess(args: AssessArgs) -> int:
    """Assess one patient and write what ``args`` asks for; the exit status."""

    def body() -> int:
        from gistcds.errors import InputError

        bad = output_problems("--report", args.report, args.mkdir)
        bad += output_problems("--leaflet", [args.leaflet] if args.leaflet else [], args.mkdir)
        if bad:
            raise InputError(bad)
        worker = None
        if any(out.lower().endswith(".pdf") for out in args.report):
            # WeasyPrint loads in a child on another core while the patient is assessed
            from gistcds.report.pdf_worker import start

            worker = start()
        try:
            return _assess_and_write(args, worker)
        finally:
            if worker is not None:
                worker.close()

    return guarded(body)


def _assess_and_write(args: AssessArgs, worker: PdfWorker | None) -> int:
    from gistcds.assess import assess
    from gistcds.io.patient_json import load_patient
    from gistcds.knowledge import load_kb

    patient = load_patient(args.file)
    kb = load_kb()
    assessment = assess(patient, kb)
    # one timestamp for the terminal report and every file of this run
    generated = dt.datetime.now(dt.UTC).replace(microsecond=0)
    if args.fmt == "json":
        sys.stdout.write(assessment.model_dump_json(indent=2) + "\n")
    elif args.fmt == "fhir":
        from gistcds.cli_fhir import write_fhir_assessment

        write_fhir_assessment(assessment, patient, kb)
    else:
        from gistcds.report.text import print_report

        print_report(assessment, kb, generated=generated)
    # json and fhir keep stdout parseable: the paths go to stderr then
    stream = sys.stdout if args.fmt == "text" else sys.stderr
    for out in args.report:
        from gistcds.cli_progress import busy
        from gistcds.report.html import write_report

        write = partial(write_report, out, assessment, kb, generated, worker)
        with busy(f"writing {out}"):
            written = write_output("--report", out, write)
        print(f"report written: {written}", file=stream)
    if args.leaflet:
        from gistcds.leaflet import write_leaflet

        leaflet = args.leaflet
        done = write_output("--leaflet", leaflet, lambda: write_leaflet(leaflet, assessment))
        print(f"leaflet written: {done}", file=stream)
    return EXIT_OK
