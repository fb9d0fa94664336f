"""Choi criteria (Choi 2007; guidelines.md RA-C1..RA-C4, RA-06..RA-08) and discordance flags."""

from __future__ import annotations

import json

import pytest

from conftest import SHARED_CASES, TODAY, requires_shared
from gistcds.domain.patient import Patient
from gistcds.response import assess_response, summarise_response
from response_helpers import new, non_target, series, target, with_rules


def one(kb, *tps):  # type: ignore[no-untyped-def]
    out = assess_response(series(*tps), kb)
    return out[-1]


# --- The shared pseudo-progression case (guidelines.md V16) -----------------------------


@requires_shared
def test_shared_pseudo_progression_case(kb) -> None:  # type: ignore[no-untyped-def]
    case = json.loads((SHARED_CASES / "pseudo-progression.json").read_text())
    patient = Patient.model_validate(case["patient"], context={"today": TODAY})
    out = assess_response(patient, kb)
    assert len(out) == 1
    r = out[0]
    assert (r.recist, r.choi) == ("SD", "PR")
    assert r.sum_mm == 84.0 and r.change_from_baseline_pct == 12.0
    assert r.density_mean_hu == 45.0 and r.density_change_pct == -43.8
    assert r.discordance is not None
    assert "size up 12 %" in r.discordance and "density down 43.8 %" in r.discordance
    assert "do not switch therapy on size alone" in r.discordance
    assert {"choi2007", "hong2006"} <= set(r.source_ids)


# --- PR: size -10 % or density -15 % (RA-C2) ---------------------------------------------


def test_size_pr_at_exactly_minus_10_pct(kb) -> None:  # type: ignore[no-untyped-def]
    r = one(kb, [target("L1", 100, hu=60)], [target("L1", 90, hu=60)])
    assert (r.recist, r.choi) == ("SD", "PR")
    assert r.discordance is not None and "RECIST needs -30 %" in r.discordance


def test_minus_9_9_pct_size_no_density_change_is_sd(kb) -> None:  # type: ignore[no-untyped-def]
    r = one(kb, [target("L1", 100, hu=60)], [target("L1", 90.1, hu=60)])
    assert r.choi == "SD"
    assert r.discordance is None


def test_density_pr_at_exactly_minus_15_pct(kb) -> None:  # type: ignore[no-untyped-def]
    r = one(kb, [target("L1", 100, hu=80)], [target("L1", 100, hu=68)])
    assert r.density_change_pct == -15.0
    assert r.choi == "PR"


def test_density_minus_14_9_pct_is_sd(kb) -> None:  # type: ignore[no-untyped-def]
    r = one(kb, [target("L1", 100, hu=100)], [target("L1", 100, hu=85.1)])
    assert r.choi == "SD"


def test_density_is_mean_of_target_lesions(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 50, hu=100), target("L2", 30, hu=60)]
    r = one(kb, base, [target("L1", 50, hu=60), target("L2", 30, hu=60)])
    assert r.density_mean_hu == 60.0
    assert r.density_change_pct == -25.0
    assert r.choi == "PR"


def test_non_target_progression_bars_choi_pr(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 100, hu=80), non_target("P1")]
    r = one(kb, base, [target("L1", 80, hu=40), non_target("P1", "unequivocal_progression")])
    assert r.recist == "PD"
    assert r.choi == "SD"
    assert r.discordance is not None and "non-target" in r.discordance


# --- PD (RA-C4) --------------------------------------------------------------------------


def test_size_pd_at_exactly_plus_10_pct_without_density_response(kb) -> None:  # type: ignore[no-untyped-def]
    r = one(kb, [target("L1", 100, hu=60)], [target("L1", 110, hu=60)])
    assert (r.recist, r.choi) == ("SD", "PD")
    assert r.discordance is not None and "Choi PD" in r.discordance


def test_plus_9_9_pct_is_sd(kb) -> None:  # type: ignore[no-untyped-def]
    r = one(kb, [target("L1", 100, hu=60)], [target("L1", 109.9, hu=60)])
    assert r.choi == "SD"


def test_size_increase_with_density_response_is_not_pd(kb) -> None:  # type: ignore[no-untyped-def]
    r = one(kb, [target("L1", 100, hu=80)], [target("L1", 125, hu=40)])
    assert r.recist == "PD"  # +25 %, +25 mm
    assert r.choi == "PR"
    assert r.discordance is not None and "do not switch therapy on size alone" in r.discordance


def test_choi_pd_reference_is_nadir_guidelines_v17(kb) -> None:  # type: ignore[no-untyped-def]
    # guidelines.md V17: baseline 50, nadir 30, now 35, density unchanged. The vignette says
    # RECIST SD, but 35 mm is exactly -30 % from the 50 mm baseline: RECIST PR (RA-R6).
    out = assess_response(
        series([target("L1", 50, hu=60)], [target("L1", 30, hu=60)], [target("L1", 35, hu=60)]),
        kb,
    )
    r = out[1]
    assert r.change_from_baseline_pct == -30.0
    assert r.change_from_nadir_pct == pytest.approx(16.7, abs=0.05)
    assert r.recist == "PR"
    assert r.choi == "PD"
    assert r.choi_pd_size_reference == "nadir"
    assert r.discordance is not None and "from nadir" in r.discordance


def test_choi_pd_reference_comes_from_the_knowledge_base(kb) -> None:  # type: ignore[no-untyped-def]
    from gistcds.knowledge.schema.response_criteria import Table

    table = kb.table("response_criteria", Table)
    ref = table.choi.pd_size_reference.model_copy(update={"reference": "baseline"})
    kb2 = with_rules(kb, pd_size_reference=ref)
    out = assess_response(
        series([target("L1", 50, hu=60)], [target("L1", 30, hu=60)], [target("L1", 35, hu=60)]),
        kb2,
    )
    assert out[1].choi == "PR"  # -30 % from baseline
    assert out[1].choi_pd_size_reference == "baseline"


def test_new_lesion_is_choi_pd(kb) -> None:  # type: ignore[no-untyped-def]
    r = one(kb, [target("L1", 100, hu=80)], [target("L1", 80, hu=40), new("X1")])
    assert (r.recist, r.choi) == ("PD", "PD")
    assert r.discordance is None


def test_intratumoral_nodule_is_choi_pd_whatever_the_size(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 80, hu=80), target("L2", 40, hu=80, organ="lung")]
    nodule = {**target("L1", 55, hu=40), "new_nodule_in_mass": True}
    r = one(kb, base, [nodule, target("L2", 25, hu=40, organ="lung")])
    assert r.recist == "PR"
    assert r.choi == "PD"
    assert r.intratumoral_nodules == ["L1"]
    assert r.discordance is not None and "nodule-within-a-mass" in r.discordance
    assert r.progression_pattern == "focal"
    assert r.progressing_lesions == ["L1"]


# --- CR (RA-C1) ------------------------------------------------------------------------


def test_choi_cr_needs_every_lesion_gone(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 50, hu=80), non_target("P1")]
    r = one(kb, base, [target("L1", 0), non_target("P1", "absent")])
    assert (r.recist, r.choi) == ("CR", "CR")
    r = one(kb, base, [target("L1", 0), non_target("P1")])
    assert (r.recist, r.choi) == ("PR", "PR")


# --- Notes: missing density, spurious new lesions (RA-08) --------------------------------


def test_missing_density_is_said(kb) -> None:  # type: ignore[no-untyped-def]
    r = one(kb, [target("L1", 100)], [target("L1", 95)])
    assert r.density_change_pct is None
    assert any("density" in n and "size alone" in n for n in r.notes)


def test_new_lesion_during_density_response_gets_spurious_lesion_note(kb) -> None:  # type: ignore[no-untyped-def]
    r = one(kb, [target("L1", 100, hu=80)], [target("L1", 100, hu=40), new("X1")])
    assert r.choi == "PD"
    assert any("RA-08" in n and "X1" in n for n in r.notes)


def test_one_criterion_not_evaluable_is_flagged(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 50, hu=80), target("L2", 50, hu=80, organ="lung"), non_target("P1")]
    # L2 missing (RECIST NE), but new lesion makes both PD: no flag
    r = one(kb, base, [target("L1", 50, hu=80), non_target("P1"), new("X1")])
    assert (r.recist, r.choi) == ("PD", "PD")
    assert r.discordance is None


# --- Progression pattern -----------------------------------------------------------------


def test_generalized_progression(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 50), target("L2", 50, organ="lung")]
    r = one(kb, base, [target("L1", 70), target("L2", 70, organ="lung")])
    assert r.recist == "PD"
    assert r.progression_pattern == "generalized"
    assert r.progressing_lesions == ["L1", "L2"]


def test_single_new_lesion_is_focal(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 50), target("L2", 50, organ="lung")]
    r = one(kb, base, [target("L1", 50), target("L2", 50, organ="lung"), new("X1")])
    assert r.progression_pattern == "focal"
    s = summarise_response(
        series(base, [target("L1", 50), target("L2", 50, organ="lung"), new("X1")]), kb
    )
    assert s is not None and s.latest_progression_pattern == "focal"


def test_no_pattern_without_progression(kb) -> None:  # type: ignore[no-untyped-def]
    r = one(kb, [target("L1", 50)], [target("L1", 40)])
    assert r.progression_pattern is None


def test_non_positive_baseline_density_falls_back_on_size(kb) -> None:  # type: ignore[no-untyped-def]
    r = one(kb, [target("L1", 100, hu=-5)], [target("L1", 100, hu=-40)])
    assert r.density_change_pct is None
    assert r.choi == "SD"
    assert any("not meaningful" in n for n in r.notes)


def test_regrowth_from_nadir_with_density_response_names_the_nadir(kb) -> None:  # type: ignore[no-untyped-def]
    out = assess_response(
        series([target("L1", 100, hu=80)], [target("L1", 50, hu=40)], [target("L1", 70, hu=50)]),
        kb,
    )
    r = out[1]
    assert (r.recist, r.choi) == ("PD", "PR")  # +40 % from nadir; density -37.5 %
    assert r.discordance is not None
    assert "size up 40 % from nadir but density down 37.5 %" in r.discordance


def test_nodule_flag_wins_over_not_evaluable(kb) -> None:  # type: ignore[no-untyped-def]
    base = [target("L1", 80, hu=80), target("L2", 40, hu=80, organ="lung")]
    r = one(kb, base, [{**target("L1", 60, hu=40), "new_nodule_in_mass": True}])
    assert (r.recist, r.choi) == ("NE", "PD")
    assert r.discordance is not None and "nodule-within-a-mass" in r.discordance


@pytest.mark.parametrize(
    ("recist", "choi", "extra", "kind"),
    [
        ("SD", "SD", {}, None),
        ("SD", "PD", {"nodules": ["L1"]}, "intratumoral_nodule"),
        ("NE", "SD", {}, "one_not_evaluable"),
        ("PD", "SD", {"non_target": "PD", "target": "SD"}, "recist_non_target_progression"),
        (
            "SD",
            "PR",
            {"size_baseline_pct": 12.0, "density_pct": -44.0},
            "density_response_size_increase",
        ),
        (
            "SD",
            "PR",
            {"size_baseline_pct": -12.0, "density_pct": -5.0},
            "choi_response_small_shrinkage",
        ),
        ("SD", "PD", {"size_nadir_pct": 12.0}, "choi_size_progression"),
        ("PR", "PD", {"size_nadir_pct": 16.7}, "choi_size_progression"),
        ("CR", "PR", {}, "other"),
    ],
)
def test_discordance_kinds(kb, recist, choi, extra, kind) -> None:  # type: ignore[no-untyped-def]
    from gistcds.knowledge.schema.response_criteria import Table
    from gistcds.response.discordance import Findings, classify, discordance_message

    fields = {
        "recist": recist,
        "choi": choi,
        "target": "SD",
        "non_target": "none",
        "new_lesions": [],
        "nodules": [],
        "size_baseline_pct": None,
        "size_nadir_pct": None,
        "density_pct": None,
        "recist_reasons": ["r"],
        "choi_reasons": ["c"],
        "reference": "nadir",
        **extra,
    }
    f = Findings(**fields)
    assert classify(f) == kind
    msg = discordance_message(f, kb.table("response_criteria", Table))
    assert (msg is None) == (kind is None)
    if msg is not None:
        assert "{" not in msg[0] and msg[1]
