"""The typer commands behind ``gistcds``; imported only when a command runs.

Each body imports what it needs inside itself, so one command never pays for
another's dependencies.
"""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from functools import partial
from typing import Annotated

import typer

from gistcds.cli_base import (
    COMMANDS,
    EXIT_INTERNAL,
    EXIT_OK,
    guarded,
    output_problems,
    version_text,
    write_output,
)
from gistcds.cli_common import KbDir, OutputFormat, add_command, new_group


class AssessFormat(StrEnum):
    text = "text"
    json = "json"
    fhir = "fhir"


class Engine(StrEnum):
    serial = "serial"
    threads = "threads"
    dask = "dask"


class SchemaName(StrEnum):
    patient = "patient"
    assessment = "assessment"


ROOT_HELP = (
    "gistcds: decision support for gastrointestinal stromal tumour (GIST), for qualified"
    " clinicians; not a medical device."
)


def build_app() -> typer.Typer:
    """The whole command line: every command and group, in the house help style."""
    from gistcds.cli_service import register as register_service

    app = new_group(ROOT_HELP)
    app.callback()(root)
    register(app)
    register_service(app)
    return app


def _show_version(value: bool) -> None:
    if value:
        sys.stdout.write(version_text())
        raise typer.Exit(EXIT_OK)


def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_show_version, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """The options of ``gistcds`` itself (the help text is ``ROOT_HELP``)."""


def register(app: typer.Typer) -> None:
    """Attach every command to the app (names and help from ``cli.COMMANDS``)."""
    from gistcds.cli_kb import register as register_kb_stats
    from gistcds.cli_trials import register as register_trials

    add_command(app, "assess", COMMANDS["assess"], assess_cmd)
    from gistcds.cli_fhir import register as register_fhir

    register_fhir(app)
    add_command(app, "schema", COMMANDS["schema"], schema_cmd)
    add_command(app, "simulate", COMMANDS["simulate"], simulate_cmd)
    kb = new_group(COMMANDS["kb"])
    add_command(kb, "sources", "List every source the knowledge base cites.", kb_sources_cmd)
    add_command(kb, "check", "Validate the knowledge base; exit 1 on any problem.", kb_check_cmd)
    register_kb_stats(kb)
    app.add_typer(kb, name="kb")
    from gistcds.cli_cohort import register_cohort

    register_cohort(app)
    register_trials(app)


Mkdir = Annotated[
    bool, typer.Option("--mkdir", help="create the folder of --report/--leaflet if missing")
]


def assess_cmd(
    file: Annotated[str, typer.Argument(help="patient JSON file, or - for stdin")],
    fmt: Annotated[
        AssessFormat, typer.Option("--format", help="text (default), json or fhir")
    ] = AssessFormat.text,
    report: Annotated[
        list[str] | None,
        typer.Option(
            "--report",
            metavar="OUT",
            help="also write the clinical report: OUT.html or OUT.pdf (may be repeated)",
        ),
    ] = None,
    leaflet: Annotated[
        str | None,
        typer.Option(
            "--leaflet", metavar="OUT", help="also write the patient leaflet: OUT.html or OUT.pdf"
        ),
    ] = None,
    mkdir: Mkdir = False,
) -> None:
    def body() -> int:
        from gistcds.assess import assess
        from gistcds.errors import InputError
        from gistcds.io.patient_json import load_patient
        from gistcds.knowledge import load_kb

        bad = output_problems("--report", report or [], mkdir)
        bad += output_problems("--leaflet", [leaflet] if leaflet else [], mkdir)
        if bad:
            raise InputError(bad)
        patient = load_patient(file)
        kb = load_kb()
        assessment = assess(patient, kb)
        # one timestamp for the terminal report and every file of this run
        generated = dt.datetime.now(dt.UTC).replace(microsecond=0)
        if fmt is AssessFormat.json:
            sys.stdout.write(assessment.model_dump_json(indent=2) + "\n")
        elif fmt is AssessFormat.fhir:
            from gistcds.cli_fhir import write_fhir_assessment

            write_fhir_assessment(assessment, patient, kb)
        else:
            from gistcds.report.text import print_report

            print_report(patient, assessment, kb, generated=generated)
        # json and fhir keep stdout parseable: the paths go to stderr then
        stream = sys.stdout if fmt is AssessFormat.text else sys.stderr
        for out in report or []:
            from gistcds.report.html import write_report

            written = write_output(
                "--report", out, partial(write_report, out, patient, assessment, kb, generated)
            )
            print(f"report written: {written}", file=stream)
        if leaflet:
            from gistcds.leaflet import write_leaflet

            done = write_output("--leaflet", leaflet, lambda: write_leaflet(leaflet, assessment))
            print(f"leaflet written: {done}", file=stream)
        return EXIT_OK

    raise typer.Exit(guarded(body))


def schema_cmd(
    name: Annotated[SchemaName, typer.Argument(help="patient or assessment")],
) -> None:
    def body() -> int:
        import json

        from gistcds.domain.assessment import Assessment
        from gistcds.domain.patient import Patient

        model = Patient if name is SchemaName.patient else Assessment
        schema = model.model_json_schema(mode="validation" if model is Patient else "serialization")
        sys.stdout.write(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK

    raise typer.Exit(guarded(body))


def kb_sources_cmd(directory: KbDir = None) -> None:
    def body() -> int:
        from gistcds.knowledge import load_kb, used_source_ids

        kb = load_kb(directory)
        used = used_source_ids(kb)
        for source in sorted(kb.sources.values(), key=lambda s: s.id):
            mark = "" if source.id in used else "  (not cited by any table)"
            print(f"{source.id}: {source.citation()}{mark}")
        print(f"{len(kb.sources)} sources; knowledge base {kb.version}")
        return EXIT_OK

    raise typer.Exit(guarded(body))


def kb_check_cmd(directory: KbDir = None) -> None:
    def body() -> int:
        from gistcds.errors import KnowledgeBaseError
        from gistcds.knowledge import load_kb

        try:
            kb = load_kb(directory)
        except KnowledgeBaseError as exc:
            for p in exc.problems:
                print(p, file=sys.stderr)
            print(f"knowledge base invalid: {len(exc.problems)} problem(s)", file=sys.stderr)
            return EXIT_INTERNAL
        n_facts = sum(1 for _ in _facts(kb))
        print(
            f"knowledge base {kb.version}: ok ({len(kb.tables)} tables, "
            f"{n_facts} cited facts, {len(kb.sources)} sources)"
        )
        return EXIT_OK

    raise typer.Exit(guarded(body))


def _facts(kb: object) -> list[str]:
    """One entry per cited record (table name + path), for the summary line."""
    from gistcds.knowledge import KnowledgeBase, iter_source_ids

    assert isinstance(kb, KnowledgeBase)
    return sorted(
        {
            f"{name}:{path.rsplit('.source_ids', 1)[0]}"
            for name, table in kb.tables.items()
            for path, _ in iter_source_ids(table)
        }
    )


def simulate_cmd(
    genotype: Annotated[
        str, typer.Option("--genotype", help="genotype class, e.g. KIT_exon11, KIT_exon9")
    ] = "KIT_exon11",
    sequence: Annotated[
        str | None, typer.Option("--sequence", help="sequence id (default: the genotype's)")
    ] = None,
    patients: Annotated[
        int, typer.Option("--patients", min=1, help="simulated patients")
    ] = 100_000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="random seed")] = 1,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine", help="serial (one thread), threads (this machine's cores) or dask"
        ),
    ] = Engine.serial,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="Dask scheduler address (default: a local cluster)",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="threads, or local Dask workers (default: cores)"),
    ] = None,
    chunk_size: Annotated[
        int, typer.Option("--chunk-size", min=1, help="patients simulated per batch (memory use)")
    ] = 131_072,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="text (default) or json")
    ] = OutputFormat.text,
) -> None:
    def body() -> int:
        import json
        from contextlib import AbstractContextManager, nullcontext

        from gistcds.errors import InputError, Problem
        from gistcds.executors import DaskExecutor, Executor, SerialExecutor, ThreadExecutor
        from gistcds.knowledge import load_kb
        from gistcds.prognosis.simulate import simulate

        kb = load_kb()
        context: AbstractContextManager[Executor]
        if engine is Engine.dask:
            context = DaskExecutor(address=scheduler, n_workers=workers)
        elif engine is Engine.threads:
            context = ThreadExecutor(workers=workers)
        else:
            context = nullcontext(SerialExecutor())
        with context as executor:
            try:
                summary = simulate(
                    kb,
                    genotype_class=genotype,
                    sequence_id=sequence,
                    n=patients,
                    seed=seed,
                    executor=executor,
                    chunk_size=chunk_size,
                )
            except ValueError as exc:
                raise InputError([Problem("simulate", str(exc))]) from None
        if fmt is OutputFormat.json:
            sys.stdout.write(json.dumps(summary.as_dict(), indent=2) + "\n")
            return EXIT_OK
        print(
            f"{summary.label}  ({summary.genotype_class}, {summary.patients} patients, seed {seed})"
        )
        print(
            f"overall survival: median {summary.os_median:.1f} months "
            f"(IQR {summary.os_quartiles[0]:.1f}-{summary.os_quartiles[1]:.1f})"
        )
        for line in summary.lines:
            print(
                f"  line {line['line']} {line['drug']}: reached {line['reached_fraction']:.0%}, "
                f"median {line['median_months_on_line']} months on line ({line['arm']})"
            )
        if summary.compare_os_median is not None:
            print(
                f"published first-line OS ({summary.compare_os_arm}): "
                f"{summary.compare_os_median:g} months; difference {summary.difference_months:+.1f}"
            )
        for note in summary.notes:
            print(f"  note: {note}")
        print(
            "Population-level simulation from published trial arms; not a forecast for one patient."
        )
        print(summary.basis)
        return EXIT_OK

    raise typer.Exit(guarded(body))
