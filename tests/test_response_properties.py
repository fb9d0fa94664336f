"""Invariants of the response engine (hypothesis) and the summary's plot data."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gistcds.response import assess_response, summarise_response
from response_helpers import new, non_target, series, target

RANK = {"PD": 0, "SD": 1, "PR": 2, "CR": 3}

# A series of 1-3 non-nodal targets (distinct organs) over baseline + 1-4 follow-ups,
# whole millimetres so that percentages are exact enough to compare across scalings.
ORGANS = ["liver", "lung", "peritoneum"]


@st.composite
def size_series(draw: st.DrawFn) -> list[list[int]]:
    n = draw(st.integers(1, 3))
    k = draw(st.integers(1, 4))
    baseline = draw(st.lists(st.integers(10, 120), min_size=n, max_size=n))
    follow = draw(
        st.lists(st.lists(st.integers(0, 180), min_size=n, max_size=n), min_size=k, max_size=k)
    )
    return [baseline, *follow]


def _patient(sizes: list[list[float]]):  # type: ignore[no-untyped-def]
    return series(
        *[[target(f"L{i}", mm, organ=ORGANS[i]) for i, mm in enumerate(tp)] for tp in sizes]
    )


def _scaled(sizes: list[list[int]], c: float) -> list[list[float]]:
    return [[mm * c for mm in tp] for tp in sizes]


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(size_series(), st.sampled_from([2, 3, 5]))
def test_scaling_up_can_only_add_pd_through_the_5_mm_rule(kb, sizes, c) -> None:  # type: ignore[no-untyped-def]
    base = assess_response(_patient(_scaled(sizes, 1)), kb)
    big = assess_response(_patient(_scaled(sizes, c)), kb)
    for a, b in zip(base, big, strict=True):
        # percentages are scale-free; only the absolute +5 mm rule can newly be met
        assert b.recist == a.recist or b.recist == "PD"
        assert b.choi == a.choi  # Choi has no absolute-millimetre rule
        assert b.change_from_baseline_pct == a.change_from_baseline_pct


@FAST
@given(size_series(), st.sampled_from([2, 3, 5]))
def test_scaling_never_changes_recist_when_5_mm_rule_is_not_binding(kb, sizes, c) -> None:  # type: ignore[no-untyped-def]
    base = assess_response(_patient(_scaled(sizes, 1)), kb)
    rises = [r.change_from_nadir_mm for r in base if r.change_from_nadir_mm is not None]
    if any(0 < x < 5 for x in rises):
        return  # the absolute rule binds at scale 1: covered by the test above
    big = assess_response(_patient(_scaled(sizes, c)), kb)
    assert [r.recist for r in big] == [r.recist for r in base]


@FAST
@given(size_series(), st.sampled_from([0.5, 0.25]))
def test_scaling_down_can_only_remove_pd_through_the_5_mm_rule(kb, sizes, c) -> None:  # type: ignore[no-untyped-def]
    base = assess_response(_patient(_scaled(sizes, 1)), kb)
    small = assess_response(_patient(_scaled(sizes, c)), kb)
    for a, b in zip(base, small, strict=True):
        assert b.recist == a.recist or a.recist == "PD"
        assert b.choi == a.choi


@FAST
@given(size_series(), st.data())
def test_shrinking_a_follow_up_never_makes_recist_worse(kb, sizes, data) -> None:  # type: ignore[no-untyped-def]
    k = data.draw(st.integers(1, len(sizes) - 1))
    i = data.draw(st.integers(0, len(sizes[0]) - 1))
    factor = data.draw(st.sampled_from([0.0, 0.25, 0.5, 0.9]))
    shrunk = [list(tp) for tp in sizes]
    shrunk[k][i] = sizes[k][i] * factor
    before = assess_response(_patient(_scaled(sizes, 1)), kb)
    after = assess_response(_patient(shrunk), kb)
    for j in range(k - 1):
        assert after[j].recist == before[j].recist  # earlier points untouched
    assert RANK[after[k - 1].recist] >= RANK[before[k - 1].recist]


@FAST
@given(size_series())
def test_change_from_nadir_never_below_change_from_baseline(kb, sizes) -> None:  # type: ignore[no-untyped-def]
    for r in assess_response(_patient(_scaled(sizes, 1)), kb):
        if r.change_from_nadir_pct is not None and r.change_from_baseline_pct is not None:
            assert r.change_from_nadir_pct >= r.change_from_baseline_pct - 1e-6
        assert r.recist in RANK and r.choi in RANK


# --- Summary: plot data --------------------------------------------------------------


def test_spider_and_waterfall_data(kb) -> None:  # type: ignore[no-untyped-def]
    p = series(
        [target("L1", 60, hu=80), target("L2", 40, hu=70, organ="lung"), non_target("P1")],
        [target("L1", 45, hu=50), target("L2", 30, hu=40, organ="lung"), non_target("P1")],
        [target("L1", 40, hu=45), target("L2", 20, hu=40, organ="lung"), non_target("P1")],
        [target("L1", 50, hu=60), target("L2", 30, hu=50, organ="lung"), new("X1")],
    )
    s = summarise_response(p, kb)
    assert s is not None
    assert s.baseline_sum_mm == 100.0
    assert [pt.value_mm for pt in s.spider_sum] == [100.0, 75.0, 60.0, 80.0]
    assert [pt.change_from_baseline_pct for pt in s.spider_sum] == [0.0, -25.0, -40.0, -20.0]
    l1 = next(t for t in s.spider_lesions if t.lesion_id == "L1")
    assert [pt.value_mm for pt in l1.points] == [60, 45, 40, 50]
    assert l1.measure == "longest_diameter"
    assert s.waterfall_best_change_pct == -40.0
    assert s.waterfall_best_change_date == p.imaging[2].date
    assert [d.density_mean_hu for d in s.density] == [45.0, 42.5, 55.0]
    assert s.best_overall_recist == "PR"
    assert s.best_overall_choi == "PR"
    assert s.first_progression_recist == p.imaging[3].date
    assert s.first_progression_choi == p.imaging[3].date
    assert s.latest_progression_pattern == "generalized"  # X1 new, L1 and L2 regrowing
    assert s.choi_pd_size_reference == "nadir"
    assert "eisenhauer2009" in s.source_ids and "choi2007" in s.source_ids


def test_every_cited_source_resolves(kb) -> None:  # type: ignore[no-untyped-def]
    p = series(
        [target("L1", 50, hu=80)],
        [{**target("L1", 55, hu=40), "new_nodule_in_mass": True}],
    )
    s = summarise_response(p, kb)
    assert s is not None
    for sid in s.source_ids:
        assert sid in kb.sources
