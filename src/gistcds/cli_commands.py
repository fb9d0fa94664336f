"""The typer commands behind ``gistcds``; imported only when a command runs.

Each body imports what it needs inside itself, so one command never pays for
another's dependencies.
"""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gistcds.cli import COMMANDS, EXIT_INTERNAL, EXIT_OK, guarded


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class SchemaName(StrEnum):
    patient = "patient"
    assessment = "assessment"


def register(app: typer.Typer) -> None:
    """Attach every command to the app (names and help from ``cli.COMMANDS``)."""
    app.command("assess", help=COMMANDS["assess"])(assess_cmd)
    app.command("schema", help=COMMANDS["schema"])(schema_cmd)
    kb = typer.Typer(help=COMMANDS["kb"], no_args_is_help=True)
    kb.command("sources", help="List every source the knowledge base cites.")(kb_sources_cmd)
    kb.command("check", help="Validate the knowledge base; exit 1 on any problem.")(kb_check_cmd)
    app.add_typer(kb, name="kb")


def assess_cmd(
    file: Annotated[str, typer.Argument(help="patient JSON file, or - for stdin")],
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="text (default) or json")
    ] = OutputFormat.text,
    report: Annotated[
        list[str] | None,
        typer.Option(
            "--report",
            help="also write the clinical report: OUT.html or OUT.pdf (may be repeated)",
        ),
    ] = None,
) -> None:
    def body() -> int:
        from gistcds.assess import assess
        from gistcds.errors import InputError, Problem
        from gistcds.io.patient_json import load_patient
        from gistcds.knowledge import load_kb

        bad = [
            Problem("--report", f"must end in .html or .pdf, got {out!r}")
            for out in report or []
            if Path(out).suffix.lower() not in (".html", ".htm", ".pdf")
        ]
        if bad:
            raise InputError(bad)
        patient = load_patient(file)
        kb = load_kb()
        assessment = assess(patient, kb)
        # one timestamp for the terminal report and every file of this run
        generated = dt.datetime.now(dt.UTC).replace(microsecond=0)
        if fmt is OutputFormat.json:
            sys.stdout.write(assessment.model_dump_json(indent=2) + "\n")
        else:
            from gistcds.report.text import print_report

            print_report(patient, assessment, kb, generated=generated)
        if report:
            from gistcds.report.html import write_report

            # json keeps stdout parseable: the paths go to stderr then
            stream = sys.stderr if fmt is OutputFormat.json else sys.stdout
            for out in report:
                written = write_report(out, patient, assessment, kb, generated)
                print(f"report written: {written}", file=stream)
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


KbDir = Annotated[
    Path | None,
    typer.Option("--dir", help="knowledge-base folder (default: the bundled one)"),
]


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
