"""Terminal report with rich (``--format text``): the HTML report's content, condensed.

Same sections, same order, same citation numbers as the HTML/PDF report; figures are
replaced by their numbers. The width follows the terminal (``COLUMNS`` or the tty; 100
columns when the output is not a terminal), between 60 and 120 columns; the per-section
renderers live in ``text_sections``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from gistcds.domain.assessment import Assessment
from gistcds.knowledge import KnowledgeBase
from gistcds.report.model import ReportData, build_report
from gistcds.report.text_sections import RENDERERS, heading

__all__ = [
    "MAX_WIDTH",
    "MIN_WIDTH",
    "WIDTH",
    "print_report",
    "print_summary",
    "render_text",
    "terminal_width",
]

WIDTH = 100  # when the output is not a terminal and COLUMNS is not set
MIN_WIDTH = 60
MAX_WIDTH = 120


def terminal_width() -> int:
    """``COLUMNS`` if set, else the terminal's width, else ``WIDTH``; within 60..120."""
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        cols = int(env)
    else:
        cols = shutil.get_terminal_size((WIDTH, 24)).columns
    return max(MIN_WIDTH, min(MAX_WIDTH, cols))


def _masthead(d: ReportData, console: Console) -> None:
    console.print(
        Panel(
            Group(
                Text.from_markup(
                    f"[bold]GIST decision-support report[/bold]  patient [bold]"
                    f"{escape(d.patient_id)}[/bold]"
                ),
                Text(
                    f"generated {d.generated.strftime('%Y-%m-%d %H:%M UTC')} · gistcds "
                    f"{d.gistcds_version} · knowledge base {d.kb_version}",
                    style="dim",
                ),
                Text(d.disclaimer, style="bold yellow"),
            ),
            border_style="blue",
        )
    )


def _references(d: ReportData, console: Console) -> None:
    heading(console, None, "References")
    if not d.references:
        console.print("[dim italic]No source cited.[/]")
    for ref in d.references:
        # no-break space: "PMID 123" never splits across lines
        ids = "; ".join(f"{k}\u00a0{v}" for k, v in ref.identifiers)
        console.print(
            f"[cyan][{ref.number}][/cyan] {escape(ref.text)}"
            + (f" [dim]{escape(ids)}[/dim]" if ids else "")
        )
    console.print()
    console.print(
        f"[dim]gistcds {d.gistcds_version} · knowledge base {d.kb_version} · "
        f"generated {d.generated.strftime('%Y-%m-%d %H:%M UTC')}[/dim]"
    )
    console.print(f"[bold yellow]{escape(d.disclaimer)}[/bold yellow]")


def render_text(data: ReportData, console: Console) -> None:
    """Print the whole report to ``console``: masthead, the numbered sections in the order
    of ``SECTIONS``, the engines' warnings, references."""
    _masthead(data, console)
    number = 0
    for sid, title in data.sections:
        render = RENDERERS.get(sid)
        if render is None:
            continue
        number += 1
        heading(console, number, title)
        render(data, console)
    if data.warnings:
        heading(console, None, "Warnings")
        for w in data.warnings:
            console.print(f"• {escape(w)}")
    _references(data, console)


def print_report(
    assessment: Assessment,
    kb: KnowledgeBase,
    console: Console | None = None,
    generated: dt.datetime | None = None,
) -> None:
    """Build and print the terminal report (the terminal's width unless a console is given)."""
    console = console or Console(width=terminal_width())
    render_text(build_report(assessment, kb, generated), console)


def print_summary(assessment: Assessment, console: Console | None = None) -> None:
    """Backward-compatible entry point: ``print_report`` with the bundled knowledge base.

    Prefer ``print_report`` with the knowledge base the assessment was made with.
    """
    from gistcds.knowledge import load_kb

    print_report(assessment, load_kb(), console)
