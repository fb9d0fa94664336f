"""The typer commands behind ``gistcds``; imported only when a command runs.

Each body imports what it needs inside itself, so one command never pays for
another's dependencies.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from gistcds.cli_base import (
    COMMANDS,
    EXIT_INTERNAL,
    EXIT_OK,
    guarded,
    version_text,
)
from gistcds.cli_common import KbDir, add_command, new_group


class AssessFormat(StrEnum):
    text = "text"
    json = "json"
    fhir = "fhir"


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
    from gistcds.cli_simulate import register as register_simulate

    register_simulate(app)
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
    from gistcds.cli_assess import AssessArgs, run_assess

    args = AssessArgs(file, fmt.value, report or [], leaflet, mkdir)
    raise typer.Exit(run_assess(args))


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
