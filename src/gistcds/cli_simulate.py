"""``gistcds simulate``: a treatment sequence simulated over many patients (Monte Carlo).

The genotype class is one of the known classes (any case); the sequence id one of the
knowledge base's sequences (listed in ``simulate -h``, read from the KB only when the help
is shown). Anything else is refused with exit 2 naming the valid values, rather than
silently simulating the all-comers sequence. Imported only when a command runs.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, get_args

import typer

from gistcds.cli_base import COMMANDS, EXIT_OK, guarded
from gistcds.cli_common import OutputFormat, add_command, set_option_help

if TYPE_CHECKING:
    from gistcds.domain.results.genotype import GenotypeClass
    from gistcds.errors import Problem
    from gistcds.knowledge import KnowledgeBase
    from gistcds.prognosis.simulate import SimulationSummary

__all__ = ["MAX_PATIENTS", "genotype_class", "genotype_classes", "register", "simulate_cmd"]

MAX_PATIENTS = 10_000_000  # about 40 bytes per simulated patient: some 0.5 GB at most
SEQUENCE_HELP = "treatment sequence id (default: the genotype's sequence)"
GENOTYPE_HELP = "genotype class, any case"


def genotype_classes() -> tuple[str, ...]:
    """The known classes (CONTRACT.md ``genotype.class``), imported only when needed."""
    from gistcds.domain.results.genotype import GenotypeClass

    return get_args(GenotypeClass)


class Engine(StrEnum):
    serial = "serial"
    threads = "threads"
    dask = "dask"


def register(app: typer.Typer) -> None:
    add_command(app, "simulate", COMMANDS["simulate"], simulate_cmd, before_help=_sequence_help)


def _sequence_help(command: Any) -> None:
    """List the genotype classes and the knowledge base's sequences (only when the help is
    shown: neither is needed to build the command line)."""
    set_option_help(command, "--genotype", f"{GENOTYPE_HELP}: {', '.join(genotype_classes())}")
    try:
        ids = ", ".join(sequence_ids())
    except Exception:  # a broken KB must not break the help; `kb check` reports it
        return
    set_option_help(command, "--sequence", f"{SEQUENCE_HELP}: {ids}")


def sequence_ids(kb: KnowledgeBase | None = None) -> list[str]:
    from gistcds.knowledge import load_kb
    from gistcds.prognosis.evidence import evidence

    return [s.id for s in evidence(kb or load_kb()).sequences.sequences]


def genotype_class(value: str) -> GenotypeClass:
    """The known genotype class spelt ``value`` in any case, or InputError naming them."""
    from gistcds.domain.results.genotype import is_genotype_class
    from gistcds.errors import InputError, Problem

    classes = genotype_classes()
    match = {c.lower(): c for c in classes}.get(value.strip().lower())
    if not is_genotype_class(match):
        message = f"must be one of {', '.join(classes)} (any case), got {value!r}"
        raise InputError([Problem("--genotype", message)])
    return match


def _no_sequence(cls: GenotypeClass, kb: KnowledgeBase) -> list[Problem]:
    """A genotype no sequence of the knowledge base lists (PDGFRA D842V) is refused in
    words, naming the genotypes that have one, rather than run through the first
    sequence until a line without evidence for it fails."""
    from gistcds.errors import Problem
    from gistcds.prognosis.evidence import evidence
    from gistcds.report.format import GENOTYPE_NAMES

    listed = {c for s in evidence(kb).sequences.sequences for c in s.genotype_classes}
    if cls in listed:
        return []
    having = "; ".join(GENOTYPE_NAMES.get(c, c) for c in genotype_classes() if c in listed)
    return [
        Problem(
            "--genotype",
            f"the knowledge base has no published treatment sequence for "
            f"{GENOTYPE_NAMES.get(cls, cls)}, so none is simulated; genotypes with one: {having}",
        )
    ]


def _check(genotype: str, sequence: str | None, patients: int, kb: KnowledgeBase) -> GenotypeClass:
    from gistcds.errors import InputError, Problem

    problems: list[Problem] = []
    cls: GenotypeClass | None = None
    try:
        cls = genotype_class(genotype)
    except InputError as exc:
        problems += exc.problems
    if sequence is not None and sequence not in (ids := sequence_ids(kb)):
        problems.append(Problem("--sequence", f"must be one of {', '.join(ids)}, got {sequence!r}"))
    if sequence is None and cls is not None:
        problems += _no_sequence(cls, kb)
    if patients > MAX_PATIENTS:
        problems.append(
            Problem(
                "--patients",
                f"at most {MAX_PATIENTS:,} (every simulated patient is kept in memory), "
                f"got {patients:,}; run several seeds instead",
            )
        )
    if problems or cls is None:
        raise InputError(problems)
    return cls


def simulate_cmd(
    genotype: Annotated[
        str,
        typer.Option(
            "--genotype",
            metavar="CLASS",
            help=GENOTYPE_HELP,
        ),
    ] = "KIT_exon11",
    sequence: Annotated[
        str | None, typer.Option("--sequence", metavar="ID", help=SEQUENCE_HELP)
    ] = None,
    patients: Annotated[
        int,
        typer.Option("--patients", min=1, help=f"simulated patients (at most {MAX_PATIENTS:,})"),
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
        from gistcds.knowledge import load_kb

        kb = load_kb()
        cls = _check(genotype, sequence, patients, kb)
        summary = _run(kb, cls, sequence, patients, seed, engine, scheduler, workers, chunk_size)
        _print(summary, fmt, seed)
        return EXIT_OK

    raise typer.Exit(guarded(body))


def _run(
    kb: KnowledgeBase,
    cls: GenotypeClass,
    sequence: str | None,
    patients: int,
    seed: int,
    engine: Engine,
    scheduler: str | None,
    workers: int | None,
    chunk_size: int,
) -> SimulationSummary:
    from contextlib import AbstractContextManager, nullcontext

    from gistcds.cli_progress import Progress, ProgressExecutor
    from gistcds.errors import InputError, Problem
    from gistcds.executors import DaskExecutor, Executor, SerialExecutor, ThreadExecutor
    from gistcds.prognosis.simulate import simulate

    context: AbstractContextManager[Executor]
    if engine is Engine.dask:
        context = DaskExecutor(address=scheduler, n_workers=workers)
    elif engine is Engine.threads:
        context = ThreadExecutor(workers=workers)
    else:
        context = nullcontext(SerialExecutor())
    chunks = -(-patients // chunk_size)
    with context as executor, Progress(chunks, "simulating") as progress:
        try:
            return simulate(
                kb,
                genotype_class=cls,
                sequence_id=sequence,
                n=patients,
                seed=seed,
                executor=ProgressExecutor(executor, progress),
                chunk_size=chunk_size,
            )
        except ValueError as exc:
            from gistcds.report.format import plain

            raise InputError([Problem("--genotype", plain(str(exc)))]) from None


def _print(summary: SimulationSummary, fmt: OutputFormat, seed: int) -> None:
    if fmt is OutputFormat.json:
        import json

        sys.stdout.write(json.dumps(summary.as_dict(), indent=2) + "\n")
        return
    import shutil
    import textwrap

    from gistcds.report.format import GENOTYPE_NAMES, plain

    width = min(100, shutil.get_terminal_size((80, 24)).columns)

    def say(text: str, indent: str = "") -> None:
        print(
            textwrap.fill(
                plain(text),
                width,
                initial_indent=indent,
                subsequent_indent=indent + "  ",
                break_on_hyphens=False,
            )
        )

    cls = summary.genotype_class
    genotype = GENOTYPE_NAMES.get(cls, cls.replace("_", " ")) if cls else "all genotypes"
    say(f"{summary.label}  ({genotype}, {summary.patients:,} patients, seed {seed})")
    say(
        f"overall survival: median {summary.os_median:.1f} months "
        f"(IQR {summary.os_quartiles[0]:.1f}-{summary.os_quartiles[1]:.1f})"
    )
    for line in summary.lines:
        on_line = line["median_months_on_line"]
        median = f"{on_line:.1f}" if isinstance(on_line, float | int) else "—"
        say(
            f"line {line['line']} {line['drug']}: reached {line['reached_fraction']:.0%}, "
            f"median {median} months on line ({line['trial']})",
            "  ",
        )
    if summary.compare_os_median is not None:
        say(
            f"published first-line OS ({summary.compare_os_trial}): "
            f"{summary.compare_os_median:g} months; difference {summary.difference_months:+.1f}"
        )
    for note in summary.notes:
        say(f"note: {note}", "  ")
    say("Population-level simulation from published trial arms; not a forecast for one patient.")
    say(summary.basis)
