"""Sequence simulation: determinism, serial = Dask, agreement with its own inputs and
with the plain-Python reference. Transition probabilities: Demetri 2012 (103/118) and
GRID, Demetri 2013 (56/66); line PFS arms as in knowledge/prognosis_arms.yaml."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

from gistcds.executors import DaskExecutor, SerialExecutor, ThreadExecutor
from gistcds.prognosis.simulate import (
    ChunkTask,
    build_sequence,
    run,
    simulate,
    simulate_chunk,
    simulate_python,
)


def test_same_seed_same_answer_other_seed_differs(kb: Any) -> None:
    spec = build_sequence(kb, genotype_class="KIT_exon11")
    a = run(spec, 30_000, seed=5, chunk_size=7_000)
    b = run(spec, 30_000, seed=5, chunk_size=7_000)
    c = run(spec, 30_000, seed=6, chunk_size=7_000)
    assert np.array_equal(a.os, b.os)
    assert all(np.array_equal(x, y) for x, y in zip(a.line_times, b.line_times, strict=True))
    assert not np.array_equal(a.os, c.os)


def test_dask_gives_identical_results(kb: Any) -> None:
    spec = build_sequence(kb, genotype_class="KIT_exon11")
    serial = run(spec, 20_000, seed=11, executor=SerialExecutor(), chunk_size=5_000)
    with DaskExecutor(n_workers=2) as ex:
        dask = run(spec, 20_000, seed=11, executor=ex, chunk_size=5_000)
    assert np.array_equal(serial.os, dask.os)
    assert all(
        np.array_equal(x, y) for x, y in zip(serial.line_times, dask.line_times, strict=True)
    )


def test_threads_give_identical_results(kb: Any) -> None:
    spec = build_sequence(kb, genotype_class="KIT_exon9")
    serial = run(spec, 50_000, seed=12, chunk_size=3_000)
    with ThreadExecutor(workers=3) as ex:
        threaded = run(spec, 50_000, seed=12, executor=ex, chunk_size=3_000)
    assert np.array_equal(serial.os, threaded.os)
    assert all(
        np.array_equal(x, y) for x, y in zip(serial.line_times, threaded.line_times, strict=True)
    )
    with pytest.raises(RuntimeError, match="entered"):
        ThreadExecutor().map(str, [1])


def test_simulation_reproduces_its_inputs(kb: Any) -> None:
    s = simulate(kb, genotype_class="KIT_exon11", n=300_000, seed=3)
    spec = build_sequence(kb, genotype_class="KIT_exon11")
    expected_reach = np.cumprod((1.0, *spec.proceed))
    for line, want in zip(s.lines, expected_reach, strict=True):
        assert line["reached_fraction"] == pytest.approx(want, abs=0.005)
    # line medians are the published PFS medians of the selected arms
    assert [ln["arm"] for ln in s.lines] == [
        "calgb150105_kit11_ttp",
        "intrigue_sunitinib_kit11_pfs",
        "grid_regorafenib_pfs",
        "invictus_ripretinib_pfs",
    ]
    for line, published in zip(s.lines, (24.7, 7.0, 4.8, 6.3), strict=True):
        assert line["median_months_on_line"] == pytest.approx(published, rel=0.02)
    assert s.compare_os_median == 60.0
    assert s.difference_months == pytest.approx(s.os_median - 60.0, abs=0.06)


def test_vectorised_and_python_loop_agree(kb: Any) -> None:
    spec = build_sequence(kb, genotype_class="KIT_exon9")
    fast = run(spec, 200_000, seed=2)
    slow = simulate_python(spec, 20_000, seed=2)
    os_slow = np.array(slow.os)
    assert np.median(os_slow) == pytest.approx(np.median(fast.os), rel=0.04)
    assert os_slow.mean() == pytest.approx(fast.os.mean(), rel=0.04)
    # the same line attrition and the same time on each line
    for slow_line, fast_line in zip(slow.line_times, fast.line_times, strict=True):
        assert len(slow_line) / 20_000 == pytest.approx(fast_line.size / 200_000, abs=0.015)
        assert np.median(slow_line) == pytest.approx(np.median(fast_line), rel=0.05)


def test_in_place_serial_path_equals_chunk_by_chunk(kb: Any) -> None:
    """The serial fast path writes into preallocated arrays; a generic executor gathers
    per-chunk arrays and concatenates. Same draws, so the same arrays, bit for bit."""

    class Gathering:
        in_process = False

        def map(self, fn: Any, items: Any) -> list[Any]:
            return [fn(x) for x in items]

    spec = build_sequence(kb, genotype_class="KIT_exon11")
    fast = run(spec, 25_001, seed=9, chunk_size=4_096)
    gathered = run(spec, 25_001, seed=9, executor=Gathering(), chunk_size=4_096)
    assert np.array_equal(fast.os, gathered.os)
    assert [x.size for x in fast.line_times] == [x.size for x in gathered.line_times]
    assert all(
        np.array_equal(x, y) for x, y in zip(fast.line_times, gathered.line_times, strict=True)
    )


def test_d842v_standard_sequence_is_refused(kb: Any) -> None:
    with pytest.raises(ValueError, match="sunitinib"):
        build_sequence(kb, genotype_class="PDGFRA_D842V", sequence_id="standard_kit")


def test_a_genotype_no_sequence_lists_gets_none_rather_than_the_first(kb: Any) -> None:
    """The default choice never lends a genotype another genotype's sequence: D842V is
    not given the imatinib-first sequence (it used to be, and failed only at line 2)."""
    with pytest.raises(ValueError, match="no published treatment sequence lists PDGFRA_D842V"):
        build_sequence(kb, genotype_class="PDGFRA_D842V")
    assert build_sequence(kb, genotype_class=None).sequence_id == "standard_kit"  # all comers


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gistcds.cli", *args], capture_output=True, text=True, check=False
    )


def test_cli_simulate_json_and_errors() -> None:
    ok = _cli("simulate", "--patients", "5000", "--seed", "4", "--format", "json")
    assert ok.returncode == 0, ok.stderr
    doc = json.loads(ok.stdout)
    assert doc["patients"] == 5000 and len(doc["lines"]) == 4
    threads = _cli(
        "simulate", "--patients", "5000", "--seed", "4", "--format", "json", "--engine", "threads"
    )
    assert threads.returncode == 0, threads.stderr
    assert json.loads(threads.stdout) == doc
    bad = _cli("simulate", "--sequence", "nope", "--patients", "10")
    assert bad.returncode == 2 and "--sequence: must be one of standard_kit" in bad.stderr
    assert "simulate" in _cli("--help").stdout


def test_every_curve_family_is_applied_to_the_simulated_times(kb: Any) -> None:
    """Each line's simulated times follow that line's curve, whatever its family (a
    piecewise curve was once left as unit exponentials because its transform was not in
    place)."""
    import dataclasses

    from gistcds.prognosis.curves import Curve

    spec = build_sequence(kb, genotype_class="KIT_exon11")
    curves = (
        Curve("piecewise_exponential", knots=(0.0, 6.0, 48.0), hazards=(0.0, 0.011, 0.011)),
        Curve("weibull", scale=20.0, shape=1.7),
        Curve("loglogistic", scale=15.0, shape=1.3),
        Curve("exponential", scale=9.0),
    )
    lines = tuple(
        dataclasses.replace(ls, curve=c) for ls, c in zip(spec.lines, curves, strict=True)
    )
    post = Curve("piecewise_exponential", knots=(0.0, 3.0), hazards=(0.01, 0.2))
    custom = dataclasses.replace(spec, lines=lines, post=post)
    res = run(custom, 200_000, seed=4, chunk_size=50_000)  # the in-place path
    for curve, times in zip(curves, res.line_times, strict=True):
        assert np.median(times) == pytest.approx(curve.median(), rel=0.02), curve.family
    # the gathered path (Dask) runs simulate_chunk: the same transform
    part = simulate_chunk(ChunkTask(custom, 100_000, np.random.SeedSequence(1)))
    assert np.median(part.line_times[0]) == pytest.approx(curves[0].median(), rel=0.02)
    # OS of those who stop after line 1 = line 1 + post: its median is above both
    assert np.median(res.os) > max(c.median() for c in (curves[0], post))


def test_patient_hazard_ratios_reach_the_simulated_line(kb: Any) -> None:
    """A KIT exon 13 patient: the engine shows the KIT exon 11 arm (CALGB 150105 TTP, median
    24.7 months) under MetaGIST's HR 2.56; the simulated first line must be that curve, not
    the unadjusted arm (for an exponential arm the median divides by the HR); the factor's
    condition reads the patient's facts (genotype KIT exon 13)."""
    from gistcds.domain.facts import ClinicalFacts

    facts = ClinicalFacts(genotype="KIT_exon13", setting="metastatic", advanced_disease=True)
    plain = build_sequence(kb, genotype_class="KIT_exon13")
    adjusted = build_sequence(kb, genotype_class="KIT_exon13", facts=facts)
    assert plain.lines[0].hazard_ratio == 1.0 and plain.lines[0].adjusted_by == ()
    first = adjusted.lines[0]
    assert first.arm_id == "calgb150105_kit11_ttp"
    assert first.adjusted_by == ("metagist_other_vs_exon11_pfs",)
    assert first.hazard_ratio == pytest.approx(2.56)
    assert all(ls.hazard_ratio == 1.0 for ls in adjusted.lines[1:])  # factors are line-1 only
    fast = run(adjusted, 100_000, seed=3)
    assert np.median(fast.line_times[0]) == pytest.approx(24.7 / 2.56, rel=0.02)
    slow = simulate_python(adjusted, 20_000, seed=3)
    assert np.median(slow.line_times[0]) == pytest.approx(24.7 / 2.56, rel=0.04)
    assert np.median(fast.os) < np.median(run(plain, 100_000, seed=3).os)


def test_simulate_compares_each_genotype_only_with_its_own_published_os(kb: Any) -> None:
    """Issue 19 item 7: `simulate --genotype KIT_exon13` ran the standard sequence and was
    set against the KIT exon 11 first-line OS of CALGB 150105 (60 months), a different
    population. The rule is the per-patient sequence's (prognosis.spec): compare only when
    the first line is the OS arm's own genotype group, unadjusted."""
    exon11 = simulate(kb, genotype_class="KIT_exon11", n=20_000, seed=1)
    assert exon11.compare_os_arm == "calgb150105_kit11_os"
    exon9 = simulate(kb, genotype_class="KIT_exon9", n=20_000, seed=1)
    assert exon9.compare_os_arm == "calgb150105_kit9_os"
    for other in ("KIT_exon13", "KIT_exon17", "PDGFRA_exon12"):
        s = simulate(kb, genotype_class=other, n=20_000, seed=1)
        assert s.compare_os_arm is None and s.difference_months is None, other
        assert any("No published first-line OS for this genotype" in n for n in s.notes)
