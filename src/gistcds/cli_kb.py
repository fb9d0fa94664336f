"""``gistcds kb stats``: verified and unverified knowledge-base records per table.

Registered on the ``kb`` command group by :func:`register`; imported only when a command
runs (the CLI stays lazy).
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from gistcds.cli_base import EXIT_OK, guarded
from gistcds.cli_common import KbDir, OutputFormat, add_command

__all__ = ["kb_stats_cmd", "register"]


def register(kb: typer.Typer) -> None:
    """Attach ``stats`` to the ``kb`` group."""
    add_command(
        kb, "stats", "Verified / unverified records per knowledge-base table.", kb_stats_cmd
    )


def kb_stats_cmd(
    directory: KbDir = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="text (default) or json")
    ] = OutputFormat.text,
) -> None:
    def body() -> int:
        from gistcds.knowledge import load_kb
        from gistcds.knowledge.stats import stats_document

        doc = stats_document(load_kb(directory))
        if fmt is OutputFormat.json:
            sys.stdout.write(json.dumps(doc, indent=2) + "\n")
            return EXIT_OK
        sys.stdout.write(_text(doc))
        return EXIT_OK

    raise typer.Exit(guarded(body))


def _text(doc: dict[str, object]) -> str:
    tables = doc["tables"]
    assert isinstance(tables, dict)
    rows = [(name, t["records"], t["unverified"]) for name, t in tables.items()]
    total = doc["total"]
    assert isinstance(total, dict)
    rows.append(("total", total["records"], total["unverified"]))
    width = max(len(r[0]) for r in rows)
    lines = [f"{'table'.ljust(width)}  records  unverified"]
    for name, records, unverified in rows:
        share = unverified / records if records else 0.0
        lines.append(f"{name.ljust(width)}  {records:7d}  {unverified:10d}  ({share:.1%})")
    lines.append(f"knowledge base {doc['knowledge_base_version']}")
    return "\n".join(lines) + "\n"
