"""RECIST 1.1 rules and boundaries (Eisenhauer 2009, guidelines.md RA-R1..RA-R8)."""

from __future__ import annotations

import itertools

import pytest

from gistcds.knowledge.schema.response_criteria import Table
from gistcds.response import assess_response, summarise_response
from gistcds.response.recist import overall_response
from response_helpers import new, node, non_target, series, target


def recist(kb, *tps):  # type: ignore[no-untyped-def]
    return [r.recist for r in assess_response(series(*tps), kb)]


# --- PR: at least 30 % below baseline (RA-R6) --------------------------------


def test_pr_at_exactly_minus_30_pct(kb) -> None:  # type: ignore[no-untyped-def]
    out = assess_response(
        series([target("L1", 60), target("L2", 40)], [target("L1", 42), target("L2", 28)]), kb
    )
    assert out[0].change_from_baseline_pct == -30.0
    assert out[0].recist == "PR"


def test_minus_29_9_pct_is_sd(kb) -> None:  # type: ignore[no-untyped-def]
    assert recist(kb, [target("L1", 100)], [target("L1", 70.1)]) == ["SD"]


def test_pr_is_measured_from_baseline_not_nadir(kb) -> None:  # type: ignore[no-untyped-def]
    # 100 -> 60 (PR) -> 72: +20 % from nadir but only +12 mm... still PD; use 100 -> 60 -> 68
    out = assess_response(series([target("L1", 100)], [target("L1", 60)], [target("L1", 68)]), kb)
    assert [r.recist for r in out] == ["PR", "PR"]
    assert out[1].change_from_nadir_pct == pytest.approx(13.3, abs=0.05)


# --- PD: +20 % over nadir AND +5 mm (RA-R7) ------------------------------------


def test_pd_at_exactly_20_pct_and_5_0_mm(kb) -> None:  # type: ignore[no-untyped-def]
    out = assess_response(series([target("L1", 25)], [target("L1", 30)]), kb)
    assert out[0].change_from_nadir_pct == 20.0
    assert out[0].change_from_nadir_mm == 5.0
    assert out[0].recist == "PD"


def test_20_pct_with_4_9_mm_is_sd(kb) -> None:  # type: ignore[no-untyped-def]
    out = assess_response(series([target("L1", 24.5)], [target("L1", 29.4)]), kb)
    assert out[0].change_from_nadir_pct == 20.0
    assert out[0].change_from_nadir_mm == 4.9
    assert out[0].recist == "SD"
    assert any("5 mm" in r for r in out[0].recist_reasons)


def test_19_9_pct_is_sd(kb) -> None:  # type: ignore[no-untyped-def]
    assert recist(kb, [target("L1", 100)], [target("L1", 119.9)]) == ["SD"]


def test_pd_is_measured_from_nadir_not_baseline(kb) -> None:  # type: ignore[no-untyped-def]
    out = assess_response(series([target("L1", 100)], [target("L1", 50)], [target("L1", 62)]), kb)
    assert out[1].change_from_baseline_pct == -38.0
    assert out[1].change_from_nadir_pct == 24.0
    assert out[1].nadir_sum_mm == 50.0
    assert out[1].recist == "PD"


def test_small_tumour_needs_5_mm_guidelines_v18(kb) -> None:  # type: ignore[no-untyped-def]
    # guidelines.md V18: baseline 12, nadir 8, now 11 (+37.5 %, 3 mm) -> SD
    out = assess_response(series([target("L1", 12)], [target("L1", 8)], [target("L1", 11)]), kb)
    assert out[1].change_from_nadir_pct == 37.5
    assert out[1].recist == "SD"


def test_nadir_includes_baseline_when_smallest(kb) -> None:  # type: ignore[no-untyped-def]
    out = assess_response(series([target("L1", 50)], [target("L1", 55)], [target("L1", 60)]), kb)
    assert out[1].nadir_sum_mm == 50.0
    assert [r.recist for r in out] == ["SD", "PD"]


# --- CR and lymph nodes (RA-R1, RA-R2, RA-R5) ------------------------------------


def test_cr_needs_nodes_below_10_mm(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 30), node("N1", 20)]
    assert recist(kb, base, [target("L1", 0), node("N1", 9.9)]) == ["CR"]
    assert recist(kb, base, [target("L1", 0), node("N1", 10)]) == ["PR"]


def test_node_short_axis_goes_into_the_sum(kb) -> None:  # type: ignore[no-untyped-def]
    out = assess_response(
        series([target("L1", 30), node("N1", 20)], [target("L1", 0), node("N1", 9.9)]), kb
    )
    assert out[0].sum_mm == 9.9
    assert out[0].baseline_sum_mm == 50.0


def test_non_target_node_below_10_mm_counts_as_normal(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 30), node("N2", 12, kind="non_target")]
    assert recist(kb, base, [target("L1", 0), node("N2", 9.9, kind="non_target")]) == ["CR"]
    out = assess_response(series(base, [target("L1", 0), node("N2", 10, kind="non_target")]), kb)
    assert out[0].recist_non_target == "non_CR_non_PD"
    assert out[0].recist == "PR"


@pytest.mark.parametrize(("short_axis", "warned"), [(14.9, True), (15.0, False), (20.0, False)])
def test_node_target_measurable_from_15_mm(kb, short_axis, warned) -> None:  # type: ignore[no-untyped-def]
    s = summarise_response(series([node("N1", short_axis)], [node("N1", short_axis)]), kb)
    assert s is not None
    assert any("N1" in p for p in s.baseline_problems) is warned


@pytest.mark.parametrize(("mm", "warned"), [(9.9, True), (10.0, False)])
def test_lesion_measurable_from_10_mm(kb, mm, warned) -> None:  # type: ignore[no-untyped-def]
    s = summarise_response(series([target("L1", mm)], [target("L1", mm)]), kb)
    assert s is not None
    assert any("L1" in p for p in s.baseline_problems) is warned


# --- Disappearing and reappearing lesions --------------------------------------


def test_reappearance_after_cr_is_pd_even_below_5_mm(kb) -> None:  # type: ignore[no-untyped-def]
    out = assess_response(series([target("L1", 30)], [target("L1", 0)], [target("L1", 3)]), kb)
    assert [r.recist for r in out] == ["CR", "PD"]
    assert any("reappeared" in r for r in out[1].recist_reasons)


def test_reappearance_after_pr_is_added_to_the_sum(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 50), target("L2", 50)]
    out = assess_response(
        series(base, [target("L1", 0), target("L2", 40)], [target("L1", 4), target("L2", 40)]), kb
    )
    assert [r.recist for r in out] == ["PR", "PR"]
    assert out[1].sum_mm == 44.0


def test_reappearance_after_pr_can_reach_pd_by_sum(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 50), target("L2", 50)]
    out = assess_response(
        series(base, [target("L1", 0), target("L2", 30)], [target("L1", 8), target("L2", 30)]), kb
    )
    assert [r.recist for r in out] == ["PR", "PD"]


def test_node_reappears_only_from_10_mm_after_cr(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 30), node("N1", 20)]
    out = assess_response(
        series(base, [target("L1", 0), node("N1", 8)], [target("L1", 0), node("N1", 9.9)]), kb
    )
    assert [r.recist for r in out] == ["CR", "CR"]
    out = assess_response(
        series(base, [target("L1", 0), node("N1", 8)], [target("L1", 0), node("N1", 10)]), kb
    )
    assert [r.recist for r in out] == ["CR", "PD"]


def test_absent_status_measures_zero(kb) -> None:  # type: ignore[no-untyped-def]
    gone = {"id": "L1", "organ": "liver", "kind": "target", "status": "absent"}
    assert recist(kb, [target("L1", 30)], [gone]) == ["CR"]


# --- Non-target and new lesions (RA-R7) -------------------------------------------


def test_new_lesion_is_pd_whatever_the_size(kb) -> None:  # type: ignore[no-untyped-def]
    out = assess_response(series([target("L1", 50)], [target("L1", 20), new("X1")]), kb)
    assert out[0].recist == "PD"
    assert out[0].recist_target == "PR"
    assert out[0].new_lesions == ["X1"]


def test_unequivocal_non_target_progression_is_pd(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 50), non_target("P1")]
    out = assess_response(
        series(base, [target("L1", 45), non_target("P1", "unequivocal_progression")]), kb
    )
    assert out[0].recist == "PD"
    assert out[0].recist_non_target == "PD"


def test_target_cr_with_non_target_present_is_pr(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 50), non_target("P1")]
    assert recist(kb, base, [target("L1", 0), non_target("P1")]) == ["PR"]
    assert recist(kb, base, [target("L1", 0), non_target("P1", "absent")]) == ["CR"]


def test_non_target_only_disease_is_non_cr_non_pd(kb) -> None:  # type: ignore[no-untyped-def]
    out = assess_response(series([non_target("P1")], [non_target("P1")]), kb)
    assert out[0].recist == "SD"
    assert out[0].recist_label is not None and "non-CR/non-PD" in out[0].recist_label
    assert out[0].sum_mm is None


def test_missing_non_target_gives_ne_only_without_target_response(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 50), non_target("P1")]
    out = assess_response(series(base, [target("L1", 48)]), kb)
    assert out[0].recist_non_target == "NE"
    assert out[0].recist == "SD"


# --- Not evaluable (RA: NE) ---------------------------------------------------------


def test_target_not_assessed_is_ne(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 50), target("L2", 30, organ="lung")]
    out = assess_response(series(base, [target("L1", 40)]), kb)
    assert out[0].recist == "NE"
    assert out[0].sum_mm is None
    assert any("L2" in n for n in out[0].notes)


def test_partial_measurement_already_pd_is_pd(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 50), target("L2", 30, organ="lung")]
    assert recist(kb, base, [target("L1", 100)]) == ["PD"]


def test_ne_point_does_not_set_the_nadir(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 50), target("L2", 50, organ="lung")]
    out = assess_response(
        series(base, [target("L1", 10)], [target("L1", 50), target("L2", 50, organ="lung")]),
        kb,
    )
    assert out[0].recist == "NE"
    assert out[1].nadir_sum_mm == 100.0
    assert out[1].recist == "SD"


# --- Overall table (Eisenhauer 2009 tables 1 and 2) -----------------------------------

TARGETS = ["CR", "PR", "SD", "PD", "NE", "none"]
NON_TARGETS = ["CR", "non_CR_non_PD", "PD", "NE", "none"]


def test_overall_table_covers_every_combination(kb) -> None:  # type: ignore[no-untyped-def]
    """Every (target, non-target, new lesion) combination has a row, and the rows obey the
    rules of Eisenhauer 2009 tables 1-2 that hold across the whole table: any new lesion or
    PD in target or non-target disease is PD; otherwise the answer is never PD and never
    better than the target response allows (CR only with target CR or no target)."""
    table = kb.table("response_criteria", Table)
    rank = {"CR": 4, "PR": 3, "SD": 2, "NE": 0}
    for t, nt, new_ in itertools.product(TARGETS, NON_TARGETS, [True, False]):
        got = overall_response(t, nt, new_, table.overall).overall  # type: ignore[arg-type]
        if new_ or "PD" in (t, nt):
            assert got == "PD", (t, nt, new_, got)
            continue
        assert got != "PD", (t, nt, new_, got)
        if t != "none":
            assert rank[got] <= rank[t], (t, nt, got)
        if got == "CR":
            assert t in ("CR", "none") and nt in ("CR", "none"), (t, nt)


@pytest.mark.parametrize(
    ("target", "non_target_state", "new_lesion", "expected"),
    [
        ("CR", "CR", False, "CR"),
        ("CR", "none", False, "CR"),
        ("CR", "non_CR_non_PD", False, "PR"),
        ("CR", "NE", False, "PR"),
        ("PR", "non_CR_non_PD", False, "PR"),
        ("PR", "NE", False, "PR"),
        ("SD", "non_CR_non_PD", False, "SD"),
        ("SD", "NE", False, "SD"),
        ("NE", "non_CR_non_PD", False, "NE"),
        ("PD", "CR", False, "PD"),
        ("CR", "PD", False, "PD"),
        ("CR", "CR", True, "PD"),
        ("none", "CR", False, "CR"),
        ("none", "non_CR_non_PD", False, "SD"),
        ("none", "NE", False, "NE"),
        ("none", "PD", False, "PD"),
        ("none", "none", True, "PD"),
    ],
)
def test_overall_table_cells(kb, target, non_target_state, new_lesion, expected) -> None:  # type: ignore[no-untyped-def]
    table = kb.table("response_criteria", Table)
    assert overall_response(target, non_target_state, new_lesion, table.overall).overall == expected


# --- Baseline validation: warnings, never a crash (RA-R3) ------------------------------


def test_too_many_targets_warned_not_crashed(kb) -> None:  # type: ignore[no-untyped-def]
    organs = ["liver", "liver", "liver", "lung", "peritoneum", "spleen"]
    base = [target(f"L{i}", 20, organ=o) for i, o in enumerate(organs)]
    s = summarise_response(series(base, base), kb)
    assert s is not None
    assert any("6 target lesions" in p and "at most 5" in p for p in s.baseline_problems)
    assert any("3 target lesions in liver" in p for p in s.baseline_problems)
    assert s.latest_recist == "SD"


def test_nodes_count_as_one_organ(kb) -> None:  # type: ignore[no-untyped-def]
    base = [node("N1", 20), {**node("N2", 20), "organ": "lymph node"}, node("N3", 16)]
    s = summarise_response(series(base, base), kb)
    assert s is not None
    assert any("lymph node" in p and "per organ" in p for p in s.baseline_problems)


def test_new_lesion_at_baseline_is_a_problem(kb) -> None:  # type: ignore[no-untyped-def]
    s = summarise_response(series([target("L1", 30), new("X0")], [target("L1", 30)]), kb)
    assert s is not None
    assert any("X0" in p for p in s.baseline_problems)


def test_node_target_without_short_axis_is_ne(kb) -> None:  # type: ignore[no-untyped-def]
    bad = {"id": "N1", "organ": "lymph_node", "kind": "target", "longest_diameter_mm": 30}
    out = assess_response(series([bad], [bad]), kb)
    assert out[0].recist == "NE"
    s = summarise_response(series([bad], [bad]), kb)
    assert s is not None and any("short axis" in p for p in s.baseline_problems)


def test_lesion_not_in_baseline_is_warned_and_ignored(kb) -> None:  # type: ignore[no-untyped-def]
    s = summarise_response(series([target("L1", 30)], [target("L1", 30), target("L9", 50)]), kb)
    assert s is not None
    assert s.latest_recist == "SD"
    assert any("L9" in w and "kind 'new'" in w for w in s.warnings)


def test_no_imaging_and_baseline_only(kb) -> None:  # type: ignore[no-untyped-def]
    assert assess_response(series(), kb) == []
    assert summarise_response(series(), kb) is None
    assert assess_response(series([target("L1", 30)]), kb) == []
    s = summarise_response(series([target("L1", 30)]), kb)
    assert s is not None and s.best_overall_recist is None and s.timepoints_assessed == 0


# --- Best overall response and first progression ---------------------------------------


def test_best_overall_and_first_progression(kb) -> None:  # type: ignore[no-untyped-def]
    p = series([target("L1", 100)], [target("L1", 60)], [target("L1", 50)], [target("L1", 70)])
    s = summarise_response(p, kb)
    assert s is not None
    assert s.best_overall_recist == "PR"
    assert s.first_progression_recist == p.imaging[3].date
    assert s.latest_recist == "PD"


def test_best_response_stops_at_first_pd(kb) -> None:  # type: ignore[no-untyped-def]
    p = series([target("L1", 50)], [target("L1", 70)], [target("L1", 20)])
    s = summarise_response(p, kb)
    assert s is not None
    assert s.best_overall_recist == "PD"


@pytest.mark.parametrize(("days", "expected"), [(41, "NE"), (42, "SD")])
def test_sd_needs_minimum_interval(kb, days, expected) -> None:  # type: ignore[no-untyped-def]
    p = series([target("L1", 50)], [target("L1", 50)], weeks=0, days=days)
    s = summarise_response(p, kb)
    assert s is not None
    assert s.best_overall_recist == expected


def test_early_sd_then_pd_is_pd(kb) -> None:  # type: ignore[no-untyped-def]
    p = series([target("L1", 50)], [target("L1", 50)], [target("L1", 70)], weeks=4)
    s = summarise_response(p, kb)
    assert s is not None
    assert s.best_overall_recist == "PD"
    assert s.best_overall_notes
