"""Choi criteria (Choi 2007) for GIST on a TKI: size or density response, nodule progression."""

from __future__ import annotations

from dataclasses import dataclass

from gistcds.domain.results.response import NonTargetCategory, ResponseCategory
from gistcds.knowledge.schema.response_criteria import ChoiRules
from gistcds.response.recist import meets_decrease, meets_increase, pct_change


@dataclass(frozen=True)
class ChoiInput:
    """What Choi needs at one follow-up: sums, density change, lesion findings."""

    has_targets: bool
    sum_mm: float | None  # None when a target was not measured
    measured_sum_mm: float  # sum of the targets that were measured
    baseline_sum: float | None
    nadir: float | None
    density_change_pct: float | None
    all_targets_gone: bool
    non_target: NonTargetCategory
    new_lesions: bool
    nodules: bool


def choi_response(c: ChoiInput, rules: ChoiRules) -> tuple[ResponseCategory, list[str]]:
    """Choi category with its reasons (RA-C1..RA-C4); PD is tested first as in Choi's table."""
    density_pr = c.density_change_pct is not None and (
        c.density_change_pct <= -rules.pr_density_decrease_pct.value + 1e-9
    )
    if c.new_lesions:
        return "PD", ["new lesion(s)"]
    if c.nodules and rules.nodule_in_mass_is_pd.applies:
        return "PD", ["new or growing intratumoral nodule"]
    if not c.has_targets:
        return _without_targets(c.non_target)
    if c.baseline_sum is None or c.nadir is None:
        return "NE", ["the baseline target sum could not be measured"]
    reference = c.nadir if rules.pd_size_reference.reference == "nadir" else c.baseline_sum
    pd_pct = rules.pd_size_increase_pct.value
    if c.sum_mm is None:
        if not density_pr and meets_increase(c.measured_sum_mm, reference, pd_pct):
            return "PD", [
                "not every target was measured, but the measured ones alone are "
                f"+{pd_pct:g} % or more over the {rules.pd_size_reference.reference}"
            ]
        return "NE", ["not every target lesion was measured"]
    if meets_increase(c.sum_mm, reference, pd_pct) and not density_pr:
        change = pct_change(c.sum_mm, reference)
        shown = "from zero" if change is None else f"{change:+.1f} %"
        return "PD", [
            f"size {shown} from the {rules.pd_size_reference.reference} "
            f"(PD from +{pd_pct:g} %) without a density response"
        ]
    if c.all_targets_gone and c.non_target in ("CR", "none"):
        return "CR", ["all lesions have gone"]
    size_pr = meets_decrease(c.sum_mm, c.baseline_sum, rules.pr_size_decrease_pct.value)
    blocked = c.non_target == "PD" and rules.non_target_progression_blocks_pr.applies
    reasons: list[str] = []
    if size_pr:
        reasons.append(
            f"size {pct_change(c.sum_mm, c.baseline_sum):+.1f} % from baseline "
            f"(PR from -{rules.pr_size_decrease_pct.value:g} %)"
        )
    if density_pr:
        reasons.append(
            f"density {c.density_change_pct:+.1f} % from baseline "
            f"(PR from -{rules.pr_density_decrease_pct.value:g} %)"
        )
    if (size_pr or density_pr) and not blocked:
        return "PR", reasons
    if blocked and (size_pr or density_pr):
        reasons.append("but non-target disease progressed unequivocally: not PR")
    if c.density_change_pct is None:
        reasons.append("no density change available: size alone")
    return "SD", reasons or ["neither PR nor PD"]


def _without_targets(non_target: NonTargetCategory) -> tuple[ResponseCategory, list[str]]:
    """No measured disease: Choi is defined on measured lesions; follow the non-targets."""
    reason = "no target lesion: Choi follows the non-target lesions only"
    if non_target == "CR":
        return "CR", [reason]
    if non_target in ("NE", "none"):
        return "NE", [reason]
    return "SD", [reason]
