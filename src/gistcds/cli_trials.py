"""``gistcds trials import FILE``: refresh the trials table from a ClinicalTrials.gov export.

With ``--dir KB`` the merged table is written to ``KB/trials.yaml`` and the whole
knowledge base in that folder is validated again (the old file is put back if it fails);
without it the merged table is printed, so the bundled knowledge base is never modified in
place. Point ``GISTCDS_KB_DIR`` at the folder to use the refreshed table.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from gistcds.cli_base import COMMANDS, EXIT_INTERNAL, EXIT_OK, guarded
from gistcds.cli_common import add_command, new_group

__all__ = ["register", "trials_import_cmd"]

HELP = COMMANDS["trials"]
HEADER = (
    "# GIST trials table refreshed by 'gistcds trials import' from a ClinicalTrials.gov API v2\n"
    "# export (schema: gistcds.knowledge.schema.trials). Statuses are true as of status_date.\n"
)


def register(app: typer.Typer) -> None:
    """Attach the ``trials`` group to the app."""
    group = new_group(HELP)
    add_command(
        group, "import", "Merge a ClinicalTrials.gov API v2 JSON export.", trials_import_cmd
    )
    app.add_typer(group, name="trials")


def trials_import_cmd(
    file: Annotated[
        str, typer.Argument(help="API v2 JSON export (.json or JSON lines; - = stdin)")
    ],
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="knowledge-base folder to update (default: print the table)"),
    ] = None,
) -> None:
    def body() -> int:
        import yaml

        from gistcds.errors import InputError, Problem
        from gistcds.knowledge import build_kb, load_kb
        from gistcds.knowledge.schema.trials import Table
        from gistcds.trials import merge_export, read_ctgov_export

        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError([Problem("", f"cannot read {file}: {exc}")]) from None
        studies = read_ctgov_export(text)
        table = load_kb(directory).get(Table)
        merged, report = merge_export(table, studies)
        doc = HEADER + yaml.safe_dump(
            merged.model_dump(mode="json", exclude_none=True),
            sort_keys=False,
            allow_unicode=True,
            width=100,
        )
        print(
            f"refreshed {len(report.refreshed)}, added {len(report.added)}, "
            f"skipped {len(report.skipped)} (not GIST)",
            file=sys.stderr,
        )
        if directory is None:
            sys.stdout.write(doc)
            return EXIT_OK
        return _write(directory / "trials.yaml", doc, build_kb)

    raise typer.Exit(guarded(body))


def _write(path: Path, doc: str, build: object) -> int:
    from gistcds.errors import KnowledgeBaseError

    old = path.read_text(encoding="utf-8") if path.exists() else None
    path.write_text(doc, encoding="utf-8")
    try:
        assert callable(build)
        build(path.parent)
    except KnowledgeBaseError as exc:
        if old is not None:
            path.write_text(old, encoding="utf-8")
        for p in exc.problems:
            print(p, file=sys.stderr)
        print("trials.yaml not updated: the merged table fails validation", file=sys.stderr)
        return EXIT_INTERNAL
    print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK
