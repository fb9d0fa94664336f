"""Lesion measurements and baseline validation (RECIST 1.1 target selection).

The measured value of a lesion is its longest diameter, or its short axis for a lymph
node; a lesion recorded ``absent`` measures 0 mm. ``None`` means "not assessed".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from gistcds.domain.patient import ImagingTimepoint, Lesion, LesionKind, NonTargetStatus
from gistcds.knowledge.schema.response_criteria import RecistRules

NODE_ORGANS = frozenset({"lymph_node"})
"""Organ names that mean a lymph node (the input vocabulary of CONTRACT.md)."""


def is_node(lesion: Lesion) -> bool:
    return lesion.organ in NODE_ORGANS


def measure(lesion: Lesion) -> float | None:
    """The lesion's size in mm for the sum of diameters, or None if not measured."""
    if lesion.status is NonTargetStatus.absent:
        return 0.0
    return lesion.short_axis_mm if is_node(lesion) else lesion.longest_diameter_mm


def measure_name(lesion: Lesion) -> str:
    return "short_axis" if is_node(lesion) else "longest_diameter"


def fmt(x: float) -> str:
    """A number for a sentence: one decimal, without a trailing .0."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def targets(tp: ImagingTimepoint) -> list[Lesion]:
    return [lesion for lesion in tp.lesions if lesion.kind is LesionKind.target]


def non_targets(tp: ImagingTimepoint) -> list[Lesion]:
    return [lesion for lesion in tp.lesions if lesion.kind is LesionKind.non_target]


def validate_baseline(tp: ImagingTimepoint, rules: RecistRules) -> list[str]:
    """Target-selection and measurability problems at baseline, as plain sentences.

    Nothing is dropped or re-labelled: the lesions are used as recorded, and each
    problem says what RECIST 1.1 expects instead.
    """
    problems: list[str] = []
    tl = targets(tp)
    max_total = int(rules.max_targets_total.value)
    max_organ = int(rules.max_targets_per_organ.value)
    min_ld = rules.measurable_min_longest_diameter_mm.value
    min_node = rules.node_target_min_short_axis_mm.value
    if not tl:
        problems.append(
            "no target lesion at baseline: RECIST 1.1 can only use non-target and new lesions, "
            "and Choi needs measured lesions"
        )
    if len(tl) > max_total:
        problems.append(
            f"{len(tl)} target lesions at baseline: RECIST 1.1 allows at most {max_total}; "
            "all were used as recorded"
        )
    per_organ = Counter("lymph_node" if is_node(t) else t.organ for t in tl)
    for organ, n in sorted(per_organ.items()):
        if n > max_organ:
            problems.append(
                f"{n} target lesions in {organ.replace('_', ' ')}: RECIST 1.1 allows at most "
                f"{max_organ} per organ (all lymph nodes count as one organ)"
            )
    for t in tl:
        problems.extend(_measurability(t, min_ld, min_node))
    for lesion in tp.lesions:
        if lesion.kind is LesionKind.new:
            problems.append(
                f"lesion {lesion.id} is marked 'new' at baseline: a baseline lesion is target "
                "or non-target; it was ignored"
            )
    return problems


def _measurability(t: Lesion, min_ld: float, min_node: float) -> Iterable[str]:
    if t.status is NonTargetStatus.absent:
        yield f"target {t.id} is recorded absent at baseline: a target must be present"
        return
    if is_node(t):
        if t.short_axis_mm is None:
            yield (
                f"target node {t.id} has no short axis: RECIST 1.1 measures nodes by short "
                "axis; it cannot be assessed"
            )
        elif t.short_axis_mm < min_node:
            yield (
                f"target node {t.id} has a short axis of {fmt(t.short_axis_mm)} mm: a node is "
                f"measurable only from {fmt(min_node)} mm; record it as non-target"
            )
    elif t.longest_diameter_mm is None:
        yield f"target {t.id} has no longest diameter: it cannot be assessed"
    elif t.longest_diameter_mm < min_ld:
        yield (
            f"target {t.id} measures {fmt(t.longest_diameter_mm)} mm: a lesion is measurable "
            f"only from {fmt(min_ld)} mm; record it as non-target"
        )
