"""Terminal summary of an Assessment with rich (``--format text``)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from gistcds.domain.assessment import Assessment


def print_summary(assessment: Assessment, console: Console | None = None) -> None:
    """A readable summary: genotype, risk, options, cautions, response, follow-up."""
    console = console or Console(width=100)
    a = assessment
    console.rule(f"[bold]gistcds assessment: {a.patient_id}")
    console.print(f"[dim]{a.disclaimer} Knowledge base {a.knowledge_base_version}.[/dim]")

    if a.genotype is not None:
        g = a.genotype
        console.print(f"\n[bold]Genotype[/bold]: {g.genotype_class}  {g.rationale}")
        sens = g.sensitivity.model_dump()
        console.print("  " + ", ".join(f"{drug} {level}" for drug, level in sens.items()))

    risk = a.risk
    rows = [
        ("NIH 2002", risk.nih.category if risk.nih else None),
        ("modified NIH", risk.modified_nih.category if risk.modified_nih else None),
        ("AFIP", risk.afip.category if risk.afip else None),
        ("AJCC 8th", risk.ajcc8.stage if risk.ajcc8 else None),
    ]
    if any(value for _, value in rows):
        table = Table(title="Risk", title_justify="left")
        table.add_column("system")
        table.add_column("result")
        for name, value in rows:
            table.add_row(name, value or "n/a")
        console.print(table)

    if a.recommendations:
        table = Table(title="Options, best first", title_justify="left")
        for col in ("#", "kind", "option", "evidence"):
            table.add_column(col)
        for i, rec in enumerate(a.recommendations, 1):
            regimen = "; ".join(
                f"{r.drug} {r.dose_mg_per_day:g} mg/day ({r.schedule})"
                if r.dose_mg_per_day is not None
                else f"{r.drug} ({r.schedule})"
                for r in rec.regimen
            )
            table.add_row(str(i), rec.kind, regimen or rec.title, rec.evidence.level)
        console.print(table)
    else:
        console.print("\n[bold]Options[/bold]: none computed.")

    for caution in a.cautions:
        console.print(f"[yellow]Caution[/yellow] {caution.code}: {caution.message}")
    for tp in a.response:
        console.print(f"Response {tp.date}: RECIST {tp.recist}, Choi {tp.choi}")
    for warning in a.warnings:
        console.print(f"[dim]Note: {warning}[/dim]")
