"""Issue 12 item 6 (response part) and issue 13 item 3: one reading per time point, and the
lesion trajectories the response engine always ships (so that plots never re-measure).

Vignettes cite their source; the properties check the rule over random series.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gistcds.response import assess_response_with_summary
from response_helpers import new, node, non_target, series, target


def test_pseudo_progression_has_one_reading_and_no_progression_pattern(kb: Any) -> None:
    """Week 8 on imatinib: both liver lesions +20 % (RECIST PD) while density falls 90 -> 50
    HU (Choi PR).

    Source: Choi H et al., J Clin Oncol 2007; reference guidelines.md RA-06 [V]: growth with
    falling density on a TKI is response. Rule: a time point has one reading; "do not switch"
    (pseudo-progression) is never shown beside a focal/generalized progression pattern."""
    p = series(
        [target("L1", 50, hu=90), target("L2", 50, hu=90)],
        [target("L1", 60, hu=50), target("L2", 60, hu=50)],
    )
    tps, summary = assess_response_with_summary(p, kb)
    tp = tps[0]
    assert (tp.recist, tp.choi) == ("PD", "PR")
    assert tp.reading is not None and tp.reading.code == "pseudo_progression"
    assert tp.progression_pattern is None and tp.progressing_lesions == []
    assert summary is not None and summary.latest_reading == tp.reading
    assert not any("progression (" in w for w in summary.warnings)


def test_intratumoral_nodule_is_read_as_progression_with_its_pattern(kb: Any) -> None:
    """A new nodule inside a treated lesion with RECIST SD (reference RA-07 [V]: progression
    whatever the size change). The progression reading carries the pattern (focal, L1)."""
    p = series(
        [target("L1", 50, hu=90), target("L2", 40, hu=90)],
        [
            {**target("L1", 45, hu=60), "new_nodule_in_mass": True},
            target("L2", 36, hu=60),
        ],
    )
    tps, _ = assess_response_with_summary(p, kb)
    tp = tps[0]
    assert tp.reading is not None and tp.reading.code == "progression"
    assert tp.progression_pattern == "focal" and tp.progressing_lesions == ["L1"]
    assert "focal progression (L1)" in tp.reading.message


def test_spurious_new_lesion_is_a_review_not_a_progression(kb: Any) -> None:
    """A 'new' liver lesion at week 8 while the targets shrink and turn hypodense (reference
    RA-08: it may be an old lesion made visible). Rule: review reading, no pattern."""
    p = series(
        [target("L1", 50, hu=90), target("L2", 40, hu=90)],
        [target("L1", 45, hu=50), target("L2", 36, hu=50), new("N1")],
    )
    tps, _ = assess_response_with_summary(p, kb)
    tp = tps[0]
    assert tp.recist == "PD" and "spurious_new_lesion" in tp.note_kinds
    assert tp.reading is not None and tp.reading.code == "review"
    assert tp.progression_pattern is None


def test_trajectories_measure_nodes_by_short_axis_and_keep_every_lesion(kb: Any) -> None:
    """Issue 13 item 3: report/plots.py re-measured every lesion by longest diameter. The
    engine ships each lesion (targets, non-targets, new ones) as it measures it: short axis
    for a node (RECIST 1.1, Eisenhauer 2009), with density and status, baseline included."""
    p = series(
        [
            target("L1", 50, hu=90),
            {**node("N1", 20), "longest_diameter_mm": 35},
            non_target("P1"),
        ],
        [
            target("L1", 40, hu=60),
            {**node("N1", 14), "longest_diameter_mm": 30},
            non_target("P1", "absent"),
            new("X1"),
        ],
    )
    _, summary = assess_response_with_summary(p, kb)
    assert summary is not None
    by_id = {t.lesion_id: t for t in summary.lesion_trajectories}
    assert list(by_id) == ["L1", "N1", "P1", "X1"]
    assert by_id["N1"].measure == "short_axis"
    assert [pt.value_mm for pt in by_id["N1"].points] == [20, 14]
    assert [pt.density_hu for pt in by_id["L1"].points] == [90, 60]
    assert by_id["L1"].points[1].change_from_baseline_pct == -20
    assert [pt.status for pt in by_id["P1"].points] == ["present", "absent"]
    assert by_id["X1"].kind == "new" and by_id["X1"].counted
    assert by_id["X1"].points[0].value_mm is None


def test_lesion_first_seen_later_under_another_kind_is_shipped_but_not_counted(kb: Any) -> None:
    p = series([target("L1", 50)], [target("L1", 50), target("L9", 20)])
    _, summary = assess_response_with_summary(p, kb)
    assert summary is not None
    late = next(t for t in summary.lesion_trajectories if t.lesion_id == "L9")
    assert late.counted is False and late.kind == "target"


sizes = st.integers(5, 120)
hu = st.one_of(st.none(), st.integers(10, 120))


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(sizes, sizes, hu, hu, st.booleans()), min_size=1, max_size=4))
def test_one_reading_per_time_point(kb: Any, steps: list[Any]) -> None:
    """Every follow-up time point has exactly one reading; a progression pattern appears only
    with a progression reading, and a pseudo-progression never carries one."""
    first = steps[0]
    points = [[target("A", first[0], hu=first[2]), target("B", first[1], hu=first[3])]]
    for a, b, ha, hb, new_one in steps[1:]:
        lesions = [target("A", a, hu=ha), target("B", b, hu=hb)]
        if new_one:
            lesions.append(new("N1"))
        points.append(lesions)
    tps, summary = assess_response_with_summary(series(*points), kb)
    for tp in tps:
        assert tp.reading is not None
        assert (tp.progression_pattern is not None) == (tp.reading.code == "progression")
    if summary is not None:
        assert len(summary.lesion_trajectories) >= 2
        assert all(len(t.points) == len(points) for t in summary.lesion_trajectories)
