"""Terminal report with rich (``--format text``): the HTML report's content, condensed.

Same sections, same order, same citation numbers as the HTML/PDF report; figures
are replaced by their numbers. Fits 100 columns.
"""

from __future__ import annotations

import datetime as dt

from rich import box
from rich.console import Console, Group
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from gistcds.domain.assessment import Assessment
from gistcds.domain.patient import Patient
from gistcds.knowledge import KnowledgeBase
from gistcds.report.model import ReportData, Row, build_report, cite_text, label

WIDTH = 100
FLAG_STYLE = {"warn": "yellow", "alert": "bold red", "": ""}
LEVEL_STYLE = {
    "sensitive": "green",
    "intermediate": "yellow",
    "resistant": "red",
    "unknown": "dim",
}
CAT_STYLE = {"CR": "green", "PR": "green", "SD": "", "PD": "bold red", "NE": "yellow"}


def _table(title: str, *columns: str) -> Table:
    """A compact table: header rule only, one space of padding (saves width)."""
    t = Table(
        title=title or None,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        header_style="bold",
        show_edge=False,
        pad_edge=False,
    )
    for c in columns:
        t.add_column(c, overflow="fold")
    return t


def _styled(text: str, style: str) -> str:
    """Markup ``text`` (already escaped) in ``style``; plain when the style is empty."""
    return f"[{style}]{text}[/]" if style else text


def _cells(row: Row) -> list[str]:
    return [escape(c) for c in row.cells]


def _with_refs(text: str, refs: list[int]) -> str:
    mark = cite_text(refs)
    if not mark:
        return escape(text)
    return f"{escape(text)} [cyan]{escape(mark)}[/cyan]" if text else f"[cyan]{escape(mark)}[/cyan]"


def _unverified(flag: bool) -> str:
    """The mark beside a statement not re-read in its source (empty otherwise)."""
    return " [bold yellow](unverified)[/]" if flag else ""


def _grid() -> Table:
    t = Table.grid(padding=(0, 2))
    t.add_column(style="dim", no_wrap=True)
    t.add_column(overflow="fold")
    return t


def _heading(console: Console, number: int | None, title: str) -> None:
    console.print()
    console.rule(f"[bold]{f'{number}. ' if number else ''}{title}", align="left", style="blue")


def _missing(console: Console, text: str) -> None:
    console.print(f"[dim italic]{escape(text[:1].upper() + text[1:])}.[/dim italic]")


def render_text(data: ReportData, console: Console) -> None:
    """Print the whole report to ``console`` (expected width: 100 columns)."""
    d = data
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

    _heading(console, 1, "Patient summary")
    t = Table.grid(padding=(0, 2))
    t.add_column(style="dim", no_wrap=True)
    t.add_column(overflow="fold")
    for k, v in d.patient_rows:
        t.add_row(escape(k), escape(v))
    console.print(t)

    _heading(console, 2, "Genotype and drug sensitivity")
    g = d.genotype
    if g is None:
        _missing(console, d.genotype_missing)
    else:
        badge = f"[bold reverse] {escape(label(g.genotype_class))} [/bold reverse]"
        console.print(f"{badge} {_with_refs(g.rationale, g.refs)}")
        if g.facts:
            t = _grid()
            for k, v in g.facts:
                t.add_row(escape(k), escape(v))
            console.print(t)
        if g.variants:
            t = _table("Variants", "gene", "variant", "exon", "region", "role", "sample", "note")
            for r in g.variants:
                t.add_row(*_cells(r), style=FLAG_STYLE[r.flag])
            console.print(t)
        if g.secondary:
            t = _table("Secondary mutations", "gene", "variant", "exon", "region", "sample")
            for r in g.secondary:
                t.add_row(*_cells(r), style=FLAG_STYLE[r.flag])
            console.print(t)
        t = _table("Drug sensitivity", *(s.drug for s in g.sensitivity))
        t.add_row(
            *(
                _styled(s.level, LEVEL_STYLE.get(s.level, ""))
                + f" [cyan]{cite_text(s.refs)}[/cyan]"
                + _unverified(s.confidence == "unverified")
                for s in g.sensitivity
            )
        )
        console.print(t)
        for s in g.sensitivity:
            if s.note:
                console.print(f"[dim]{escape(s.drug)}: {escape(s.note)}[/dim]")
        for r in g.remarks:
            console.print("• " + _with_refs(r.cells[0], r.refs))
        for w in g.warnings:
            console.print(f"[yellow]⚠ {escape(w)}[/yellow]")

    _heading(console, 3, "Primary-tumour risk")
    risk = d.risk
    if risk is None:
        _missing(console, d.risk_missing)
    else:
        if risk.disagreement:
            console.print(f"[yellow]⚠ {escape(risk.disagreement)}[/yellow]")
        if risk.rows:
            t = _table("", "system", "result", "detail", "basis")
            for row in risk.rows:
                name, result, detail, _ = _cells(row)
                t.add_row(
                    name,
                    f"[bold]{result}[/bold]",
                    detail,
                    _with_refs(row.cells[3], row.refs) + _unverified(row.unverified),
                    style=FLAG_STYLE[row.flag],
                )
            console.print(t)
        for name, why in risk.not_reported:
            console.print(f"[dim]{escape(name)}: not applicable ({escape(why)})[/dim]")
        for n in risk.notes:
            console.print(f"[dim]• {escape(n)}[/dim]")

    _heading(console, 4, "Response to treatment")
    if d.response is None:
        _missing(console, d.response_missing)
    else:
        t = _table(
            "", "date", "RECIST", "Choi", "sum", "vs baseline", "vs nadir", "density", "note"
        )
        # discordance notes are sentences: numbered in the table, printed in full below
        discordant: list[str] = []
        for row in d.response.rows:
            c = _cells(row)
            mark = ""
            if row.cells[7]:
                discordant.append(f"({len(discordant) + 1}) {row.cells[0]}: {row.cells[7]}")
                mark = f"see ({len(discordant)})"
            t.add_row(
                c[0],
                _styled(c[1], CAT_STYLE.get(row.cells[1], "")),
                _styled(c[2], CAT_STYLE.get(row.cells[2], "")),
                *c[3:7],
                mark,
                style=FLAG_STYLE[row.flag],
            )
        console.print(t)
        if d.response.summary:
            g2 = _grid()
            for k, v in d.response.summary:
                g2.add_row(escape(k), escape(v))
            console.print(g2)
        for pr in d.response.problems:
            console.print(f"[yellow]⚠ {escape(pr)}[/yellow]")
        for line in discordant:
            console.print(f"[yellow]{escape(line)}[/yellow]")
        for n in d.response.notes:
            console.print(f"[dim]{escape(n)}[/dim]")
        if d.response.refs:
            console.print(f"[dim]criteria:[/dim] [cyan]{cite_text(d.response.refs)}[/cyan]")
        console.print("[dim](spider and waterfall plots: HTML/PDF report)[/dim]")

    _heading(console, 5, "Therapy options, best first")
    if not d.recommendations:
        _missing(console, "not assessed: no option computed")
    for o in d.recommendations:
        head = f"[bold]{o.rank}. {escape(o.title)}[/bold] [dim]({o.kind}"
        head += f", {o.line})" if o.line else ")"
        console.print(head + "[/dim]", style="bold blue" if o.rank == 1 else "")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim", no_wrap=True, min_width=9)
        grid.add_column(overflow="fold")
        for item in o.regimen:
            grid.add_row("regimen", escape(item))
        conf = (
            _unverified(True)
            if o.unverified
            else ("" if o.confidence == "primary" else f" [dim]({o.confidence})[/dim]")
        )
        grid.add_row("evidence", f"{escape(o.level)}{conf} [cyan]{cite_text(o.refs)}[/cyan]")
        grid.add_row("why", escape(o.rationale))
        for p in o.positions:
            lvl = f" ({escape(p.cells[2])})" if p.cells[2] else ""
            grid.add_row(
                escape(p.cells[0]),
                f"{escape(p.cells[1])}{lvl} [cyan]{cite_text(p.refs)}[/cyan]"
                + _unverified(p.unverified),
            )
        console.print(Padding(grid, (0, 0, 0, 3)))

    _heading(console, 6, "Cautions")
    if not d.cautions:
        _missing(console, d.cautions_missing)
    for caution in d.cautions:
        style = FLAG_STYLE[caution.flag] or "dim"
        console.print(
            _styled(escape(caution.severity.upper()), style)
            + f" [bold]{escape(caution.code)}[/bold]: "
            + _with_refs(caution.message, caution.refs)
            + _unverified(caution.unverified)
        )

    _heading(console, 7, "Prognosis")
    pv = d.prognosis
    if pv is None:
        _missing(console, d.prognosis_missing)
    else:
        if pv.caveat:
            console.print(f"[italic]{escape(pv.caveat)}[/italic] [cyan]{cite_text(pv.refs)}[/cyan]")
        t = _table("", "option", "endpoint", "median (band)", "survival", "evidence")
        for row in pv.medians:
            c = _cells(row)
            t.add_row(c[0], c[1], f"[bold]{c[2]}[/bold]", c[3], _with_refs(row.cells[4], row.refs))
        console.print(t)
        if pv.factors:
            t = _table("Prognostic factors", "factor", "endpoint", "HR", "present", "use")
            for row in pv.factors:
                c = _cells(row)
                t.add_row(
                    *c[:4],
                    _with_refs(row.cells[4], row.refs) + _unverified(row.unverified),
                    style=FLAG_STYLE[row.flag],
                )
            console.print(t)
        for n in pv.notes:
            console.print(f"[dim]• {escape(n)}[/dim]")
        for k, v in pv.details:
            console.print(f"[dim]{escape(k)}:[/dim] {escape(v)}")
        console.print("[dim](PFS/OS curves with bands: HTML/PDF report)[/dim]")

    _heading(console, 8, "Sequence simulation")
    sv = d.sequence
    if sv is None:
        _missing(console, d.sequence_missing)
    else:
        console.print(f"[italic]{escape(sv.caveat)}[/italic] [cyan]{cite_text(sv.refs)}[/cyan]")
        t = _grid()
        for k, v in sv.summary:
            t.add_row(escape(k), escape(v))
        console.print(t)
        t = _table(
            "Time on each line (simulated)",
            "line",
            "drug",
            "evidence arm",
            "reached",
            "months (IQR)",
            "starts next",
        )
        for row in sv.lines:
            c = _cells(row)
            t.add_row(c[0], c[1], _with_refs(row.cells[2], row.refs), *c[3:])
        console.print(t)
        for n in sv.notes:
            console.print(f"[dim]• {escape(n)}[/dim]")
        console.print(f"[dim]Method: {escape(sv.method)}[/dim]")

    _heading(console, 9, "Follow-up schedule")
    if not d.followup:
        _missing(console, d.followup_missing)
    else:
        t = _table("", "month", "examination")
        for row in d.followup:
            t.add_row(
                escape(row.cells[0]),
                _with_refs(row.cells[1], row.refs) + _unverified(row.unverified),
            )
        console.print(t)

    _heading(console, 10, "Treatment timeline")
    if not d.timeline:
        console.print("[dim italic]No previous therapy line recorded.[/]")
    else:
        t = _table("", "#", "drug", "dose", "setting", "start", "end", "best", "stopped", "pattern")
        for tl in d.timeline:
            t.add_row(
                str(tl.number),
                escape(tl.drug),
                tl.dose,
                tl.setting,
                tl.start.isoformat() if tl.start else "—",
                tl.end.isoformat() if tl.end else "—",
                _styled(tl.best_response, CAT_STYLE.get(tl.best_response, "")),
                tl.stop_reason,
                tl.progression,
            )
        console.print(t)

    if d.warnings:
        _heading(console, None, "What could not be assessed")
        for w in d.warnings:
            console.print(f"• {escape(w)}")

    _heading(console, None, "References")
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


def print_report(
    patient: Patient,
    assessment: Assessment,
    kb: KnowledgeBase,
    console: Console | None = None,
    generated: dt.datetime | None = None,
) -> None:
    """Build and print the terminal report (100 columns unless a console is given)."""
    console = console or Console(width=WIDTH)
    render_text(build_report(patient, assessment, kb, generated), console)


def print_summary(assessment: Assessment, console: Console | None = None) -> None:
    """Backward-compatible entry point: the report without the patient record.

    Prefer ``print_report``; without the record the patient summary and the
    treatment timeline show only the id.
    """
    from gistcds.knowledge import load_kb

    print_report(Patient(id=assessment.patient_id), assessment, load_kb(), console)
