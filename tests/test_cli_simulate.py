"""``gistcds simulate`` input checks and the progress display (issue 19 item 7)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from gistcds.cli import build_app
from gistcds.cli_progress import Progress, ProgressExecutor, busy
from gistcds.cli_simulate import MAX_PATIENTS, genotype_class, genotype_classes
from gistcds.errors import InputError
from gistcds.executors import SerialExecutor

GISTCDS = str(Path(sys.executable).parent / "gistcds")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([GISTCDS, *args], capture_output=True, text=True, timeout=120)


def test_unknown_genotype_is_refused_naming_the_valid_classes() -> None:
    """`foo` once gave all-comers results silently."""
    p = run("simulate", "--genotype", "foo", "--patients", "10")
    assert p.returncode == 2
    assert p.stdout == ""
    (line,) = p.stderr.splitlines()
    assert line.startswith("--genotype: must be one of KIT_exon9, KIT_exon11,")
    assert line.endswith("(any case), got 'foo'")
    assert all(c in line for c in genotype_classes())


@pytest.mark.parametrize("spelt", ["kit_exon9", "KIT_EXON9", " Kit_Exon9 "])
def test_genotype_is_case_insensitive(spelt: str) -> None:
    assert genotype_class(spelt) == "KIT_exon9"


def test_genotype_without_a_published_sequence_is_a_user_error() -> None:
    """PDGFRA D842V has no sequence in the knowledge base (after avapritinib nothing is
    published, and NAVIGATOR's median PFS was not reached: knowledge/evidence_gaps.yaml
    GAP-4). It once fell through to the imatinib sequence and failed on its second line
    ("line 2 (sunitinib): No published PFS ..."); it must say plainly that no sequence
    exists and which genotypes have one, in one line."""
    p = run("simulate", "--genotype", "pdgfra_d842v", "--patients", "10")
    assert p.returncode == 2 and p.stdout == ""
    (line,) = p.stderr.splitlines()
    assert line.startswith(
        "--genotype: the knowledge base has no published treatment sequence for PDGFRA D842V"
    )
    assert "sunitinib" not in line
    listed = line.split("genotypes with one: ", 1)[1]
    assert listed.startswith("KIT exon 9; KIT exon 11; ") and "PDGFRA D842V" not in listed
    # an explicit --sequence is still simulated (or refused) as asked
    q = run("simulate", "--genotype", "pdgfra_d842v", "--sequence", "standard_kit")
    assert q.returncode == 2 and "line 2 (sunitinib)" in q.stderr


def test_genotype_check_raises_input_error() -> None:
    with pytest.raises(InputError) as caught:
        genotype_class("KIT exon 11")
    assert caught.value.problems[0].path == "--genotype"


def test_too_many_patients_and_unknown_sequence_reported_together() -> None:
    p = run("simulate", "--patients", str(MAX_PATIENTS + 1), "--sequence", "nope")
    assert p.returncode == 2
    assert p.stderr.splitlines() == [
        "--sequence: must be one of standard_kit, kit_exon9, got 'nope'",
        f"--patients: at most {MAX_PATIENTS:,} (every simulated patient is kept in memory), "
        f"got {MAX_PATIENTS + 1:,}; run several seeds instead",
    ]


def test_help_lists_classes_and_the_kb_sequences() -> None:
    res = CliRunner().invoke(
        build_app(), ["simulate", "-h"], prog_name="gistcds", env={"COLUMNS": "300"}
    )
    assert res.exit_code == 0
    assert "KIT_exon9, KIT_exon11" in res.stdout and "quadruple_wild_type" in res.stdout
    assert "standard_kit, kit_exon9" in res.stdout


def test_progress_appears_only_after_the_delay() -> None:
    now = [0.0]
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80)
    with Progress(4, "simulating", enabled=True, console=console, clock=lambda: now[0]) as bar:
        bar.advance()
        assert not bar.shown  # quick work: nothing
        now[0] = 1.5
        bar.advance()
        assert bar.shown
        bar.advance(2)
    assert "simulating" in out.getvalue()


def test_progress_is_never_shown_when_disabled_or_done() -> None:
    now = [5.0]
    with Progress(1, "x", enabled=False, clock=lambda: now[0]) as bar:
        bar.advance()
    assert not bar.shown
    with Progress(1, "x", enabled=True, clock=lambda: now[0]) as bar:
        now[0] = 10.0
        bar.advance()  # the last step: nothing left to show progress for
    assert not bar.shown


def test_progress_executor_counts_items_and_keeps_results() -> None:
    bar = Progress(0, "x", enabled=False)
    ex = ProgressExecutor(SerialExecutor(), bar)
    assert ex.map(lambda x: x * 2, [1, 2, 3]) == [2, 4, 6]
    assert (bar.done, bar.total, ex.in_process) == (3, 3, True)


def test_busy_is_silent_for_quick_work_and_when_not_a_terminal() -> None:
    with busy("writing", delay=10, enabled=True):
        pass
    with busy("writing"):  # pytest's stderr is not a terminal
        pass


@pytest.mark.parametrize("cls", genotype_classes())
def test_text_output_is_plain_clinical_language(cls: str) -> None:
    """Issue 19 item 2 for `simulate`: no arm id (``calgb150105_kit11_ttp``), no genotype
    class id (``KIT_exon11``) in the text, its notes or its error; lines fit 80 columns."""
    from test_report_plain_language import leaks

    res = CliRunner().invoke(
        build_app(),
        ["simulate", "--genotype", cls, "--patients", "200"],
        prog_name="gistcds",
        env={"COLUMNS": "80"},
    )
    assert res.exit_code in (0, 2), res.output
    text = res.stdout if res.exit_code == 0 else res.stderr.removeprefix("--genotype: ")
    assert text.strip() and leaks(text) == [], cls
    if res.exit_code == 0:
        assert max(len(line) for line in text.splitlines()) <= 80
        assert "median" in text and "months on line" in text
