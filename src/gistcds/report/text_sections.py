"""The terminal report's sections, one renderer each, keyed by section id (``SECTIONS``).

Tables fold their cells to the console's width; long prose goes on its own lines, so the
report reads at 80 columns as well as at 120.
"""

from __future__ import annotations

from collections.abc import Callable

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table

from gistcds.report.citations import cite_text
from gistcds.report.views import ReportData, Row

__all__ = ["RENDERERS", "heading"]

FLAG_STYLE = {"warn": "yellow", "alert": "bold red", "info": "", "": ""}
LEVEL_STYLE = {"sensitive": "green", "intermediate": "yellow", "resistant": "red", "unknown": "dim"}
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


def _word_table(title: str, columns: tuple[str, ...], rows: list[Row]) -> Table:
    """A table of short values: columns empty in every row left out, and no word broken
    across lines (each column at least as wide as its longest word, up to 20)."""
    keep = [i for i in range(len(columns)) if any(r.cells[i] for r in rows)]
    t = _table(title, *(columns[i] for i in keep))
    for column, i in zip(t.columns, keep, strict=True):
        words = [w for r in rows for w in r.cells[i].split()] + [columns[i]]
        column.min_width = min(20, max(len(w) for w in words))
    for r in rows:
        t.add_row(*(escape(r.cells[i]) for i in keep), style=FLAG_STYLE[r.flag])
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


def _grid(min_width: int = 0) -> Table:
    t = Table.grid(padding=(0, 2))
    t.add_column(style="dim", no_wrap=True, min_width=min_width)
    t.add_column(overflow="fold")
    return t


def heading(console: Console, number: int | None, title: str) -> None:
    console.print()
    console.rule(f"[bold]{f'{number}. ' if number else ''}{title}", align="left", style="blue")


def _missing(console: Console, text: str) -> None:
    console.print(f"[dim italic]{escape(text[:1].upper() + text[1:])}.[/dim italic]")


def _kv(console: Console, rows: list[tuple[str, str]]) -> None:
    if rows:
        t = _grid()
        for k, v in rows:
            t.add_row(escape(k), escape(v))
        console.print(t)


def _summary(d: ReportData, console: Console) -> None:
    t = _grid()
    previous = ""
    for line in d.summary:
        topic = "" if line.topic == previous else line.topic  # one "Risk" for its lines
        previous = line.topic
        text = _styled(_with_refs(line.text, line.refs), FLAG_STYLE[line.flag])
        t.add_row(escape(topic), text)
    console.print(t)


def _patient(d: ReportData, console: Console) -> None:
    _kv(console, d.patient_rows)


def _genotype(d: ReportData, console: Console) -> None:
    g = d.genotype
    if g is None:
        return _missing(console, d.genotype_missing)
    badge = f"[bold reverse] {escape(g.genotype_class)} [/bold reverse]"
    console.print(f"{badge} {_with_refs(g.rationale, g.refs)}")
    _kv(console, g.facts)
    if g.variants:
        columns: tuple[str, ...] = ("gene", "variant", "exon", "region", "role", "sample", "note")
        console.print(_word_table("Variants", columns, g.variants))
    if g.secondary:
        columns = ("gene", "variant", "exon", "region", "sample")
        console.print(_word_table("Secondary mutations", columns, g.secondary))
    t = _table("Drug sensitivity", "drug", "expected", "why")
    for s in g.sensitivity:
        level = (
            _styled(s.level, LEVEL_STYLE.get(s.level, "")) + f" [cyan]{cite_text(s.refs)}[/cyan]"
        )
        t.add_row(
            s.drug,
            level + _unverified(s.confidence == "unverified"),
            f"[dim]{escape(s.note)}[/dim]",
        )
    console.print(t)
    for r in g.remarks:
        console.print("• " + _with_refs(r.cells[0], r.refs))
    for w in g.warnings:
        console.print(f"[yellow]⚠ {escape(w)}[/yellow]")


def _risk(d: ReportData, console: Console) -> None:
    risk = d.risk
    if risk is None:
        return _missing(console, d.risk_missing)
    if risk.disagreement:
        text = "⚠ " + _with_refs(risk.disagreement, risk.disagreement_refs)
        console.print(_styled(text, FLAG_STYLE[risk.disagreement_flag]))
    for row in risk.rows:
        name, result, detail, _ = _cells(row)
        head = f"[bold]{name}[/bold]: [bold]{result}[/bold]" + (f" · {detail}" if detail else "")
        console.print(_styled(head, FLAG_STYLE[row.flag]))
        basis = _with_refs(row.cells[3], row.refs) + _unverified(row.unverified)
        console.print(Padding(f"[dim]{basis}[/dim]", (0, 0, 0, 3)))
    for name, why in risk.not_reported:
        console.print(f"[dim]{escape(name)}: not applicable ({escape(why)})[/dim]")
    for n in risk.notes:
        console.print(f"[dim]• {escape(n)}[/dim]")


def _response(d: ReportData, console: Console) -> None:
    r = d.response
    if r is None:
        return _missing(console, d.response_missing)
    noted = any(row.cells[7] for row in r.rows)  # the note column only when one is needed
    columns = ("date", "RECIST", "Choi", "sum", "vs baseline", "vs nadir", "density", "note")
    t = _table("", *columns[: 8 if noted else 7])
    for column in t.columns[:6]:
        column.no_wrap = True
    t.columns[6].min_width = 14  # "38 HU (-2.6 %)" on one line
    # discordance notes are sentences: numbered in the table, printed in full below
    discordant: list[str] = []
    for row in r.rows:
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
            *([mark] if noted else []),
            style=FLAG_STYLE[row.flag],
        )
    console.print(t)
    _kv(console, r.summary)
    for pr in r.problems:
        console.print(f"[yellow]⚠ {escape(pr)}[/yellow]")
    for line in discordant:
        console.print(f"[yellow]{escape(line)}[/yellow]")
    for n in r.notes:
        console.print(f"[dim]{escape(n)}[/dim]")
    if r.refs:
        console.print(f"[dim]criteria:[/dim] [cyan]{cite_text(r.refs)}[/cyan]")
    console.print("[dim](spider and waterfall plots: HTML/PDF report)[/dim]")


def _therapy(d: ReportData, console: Console) -> None:
    if not d.recommendations:
        _missing(console, "not assessed: no option computed")
    for o in d.recommendations:
        head = f"[bold]{o.rank}. {escape(o.title)}[/bold] [dim]({escape(o.kind)}"
        head += f", {o.line})" if o.line else ")"
        console.print(head + "[/dim]", style="bold blue" if o.rank == 1 else "")
        grid = _grid(min_width=9)
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
            text = f"{escape(p.cells[1])}{lvl} [cyan]{cite_text(p.refs)}[/cyan]"
            grid.add_row(escape(p.cells[0]), text + _unverified(p.unverified))
        console.print(Padding(grid, (0, 0, 0, 3)))


def _cautions(d: ReportData, console: Console) -> None:
    if not d.cautions:
        _missing(console, d.cautions_missing)
    for c in d.cautions:
        style = FLAG_STYLE[c.flag] or "dim"
        console.print(
            _styled(escape(c.severity.upper()), style)
            + " "
            + _with_refs(c.message, c.refs)
            + _unverified(c.unverified)
        )


def _side_effects(d: ReportData, console: Console) -> None:
    s = d.side_effects
    if s is None:
        return _missing(console, d.side_effects_missing)
    for row in s.actions:
        event, drug, action, measures = _cells(row)
        console.print(_styled(f"[bold]{event}[/bold] on {drug}: {action}", FLAG_STYLE[row.flag]))
        extra = f"{measures} " if measures else ""
        console.print(
            Padding(
                f"[dim]{extra}[/dim]{_with_refs('', row.refs)}" + _unverified(row.unverified),
                (0, 0, 0, 3),
            )
        )
    drugs = dict.fromkeys(r.cells[0] for r in [*s.counselling, *s.monitoring])
    for drug in drugs:
        console.print(f"[bold]{escape(drug)}[/bold]: to discuss")
        for row in (r for r in s.counselling if r.cells[0] == drug):
            c = _cells(row)
            rates = f"any grade {c[2]}, grade 3 or more {c[3]}"
            advice = _with_refs(row.cells[5], row.refs) + _unverified(row.unverified)
            console.print(Padding(f"{c[1]} ({rates}): {advice}", (0, 0, 0, 3)))
        checks = [r for r in s.monitoring if r.cells[0] == drug]
        if checks:
            console.print(f"[bold]{escape(drug)}[/bold]: to monitor")
        for row in checks:
            when = _with_refs(row.cells[2], row.refs) + _unverified(row.unverified)
            console.print(Padding(f"{escape(row.cells[1])}: {when}", (0, 0, 0, 3)))


def _prognosis(d: ReportData, console: Console) -> None:
    pv = d.prognosis
    if pv is None:
        return _missing(console, d.prognosis_missing)
    if pv.caveat:
        console.print(f"[italic]{escape(pv.caveat)}[/italic] [cyan]{cite_text(pv.refs)}[/cyan]")
    option = ""
    for row in pv.medians:  # option, endpoint, median, landmarks, evidence
        c = _cells(row)
        if c[0] != option:
            option = c[0]
            console.print(f"[bold]{option}[/bold]")
        text = f"{c[1]} median [bold]{c[2]}[/bold]; {c[3]}; " + _with_refs(row.cells[4], row.refs)
        console.print(Padding(text, (0, 0, 0, 3)))
    if pv.factors:
        t = _table("Prognostic factors", "factor", "endpoint", "HR", "present", "use")
        for row in pv.factors:
            use = _with_refs(row.cells[4], row.refs) + _unverified(row.unverified)
            t.add_row(*_cells(row)[:4], use, style=FLAG_STYLE[row.flag])
        console.print(t)
    for n in pv.notes:
        console.print(f"[dim]• {escape(n)}[/dim]")
    for k, v in pv.details:
        console.print(f"[dim]{escape(k)}:[/dim] {escape(v)}")
    console.print("[dim](PFS/OS curves with bands: HTML/PDF report)[/dim]")


def _sequence(d: ReportData, console: Console) -> None:
    sv = d.sequence
    if sv is None:
        return _missing(console, d.sequence_missing)
    console.print(f"[italic]{escape(sv.caveat)}[/italic] [cyan]{cite_text(sv.refs)}[/cyan]")
    _kv(console, sv.summary)
    console.print("[bold]Time on each line (simulated)[/bold]")
    for row in sv.lines:  # line, drug, evidence arm, reached, months (IQR), starts next
        c = _cells(row)
        text = (
            f"line {c[0]}, {c[1]}: reached by {c[3]}, {c[4]} months on the line (IQR); "
            + ("last line simulated" if c[5] == "—" else f"starts the next line {c[5]}")
            + f"; evidence {_with_refs(row.cells[2], row.refs)}"
        )
        console.print(Padding(text + _unverified(row.unverified), (0, 0, 0, 3)))
    for n in sv.notes:
        console.print(f"[dim]• {escape(n)}[/dim]")
    console.print(f"[dim]Method: {escape(sv.method)}[/dim]")


def _followup(d: ReportData, console: Console) -> None:
    f = d.followup
    if f is None:
        return _missing(console, d.followup_missing)
    console.print(f"[dim]{escape(f.anchor)}[/dim]")
    for row in f.rows:
        exam = _with_refs(row.cells[1], row.refs) + _unverified(row.unverified)
        console.print(f"• [bold]{escape(row.cells[0])}[/bold]: {exam}")


def _timeline(d: ReportData, console: Console) -> None:
    if not d.timeline:
        console.print("[dim italic]No previous therapy line recorded.[/]")
        return
    for tl in d.timeline:
        start = tl.start.isoformat() if tl.start else "start not recorded"
        end = tl.end.isoformat() if tl.end else "ongoing"
        dose = "" if tl.dose == "—" else f" {tl.dose}"
        setting = "" if tl.setting == "—" else f", {tl.setting}"
        best = _styled(tl.best_response, CAT_STYLE.get(tl.best_response, ""))
        stop = f"; stopped: {tl.stop_reason}" if tl.stop_reason not in ("—", "ongoing") else ""
        pattern = f" ({tl.progression})" if tl.progression != "—" else ""
        console.print(
            f"{tl.number}. [bold]{escape(tl.drug)}[/bold]{dose}{setting}: {start} to {end}; "
            f"best response {best}{stop}{pattern}"
        )


# One renderer per section id of SECTIONS (references are printed by the driver).
RENDERERS: dict[str, Callable[[ReportData, Console], None]] = {
    "summary": _summary,
    "patient": _patient,
    "genotype": _genotype,
    "risk": _risk,
    "response": _response,
    "therapy": _therapy,
    "cautions": _cautions,
    "side_effects": _side_effects,
    "prognosis": _prognosis,
    "sequence": _sequence,
    "followup": _followup,
    "timeline": _timeline,
}
