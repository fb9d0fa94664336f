"""Plain-word flags when RECIST 1.1 and Choi disagree on the same images (RA-06, RA-07)."""

from __future__ import annotations

from dataclasses import dataclass

from gistcds.domain.results.response import NonTargetCategory, ResponseCategory, TargetCategory
from gistcds.knowledge.schema.response_criteria import Table
from gistcds.response.lesions import fmt


@dataclass(frozen=True)
class Findings:
    recist: ResponseCategory
    choi: ResponseCategory
    target: TargetCategory
    non_target: NonTargetCategory
    new_lesions: list[str]
    nodules: list[str]
    size_baseline_pct: float | None
    size_nadir_pct: float | None
    density_pct: float | None
    recist_reasons: list[str]
    choi_reasons: list[str]
    reference: str


def _num(x: float | None, absolute: bool = False) -> str:
    """A percentage for a sentence: signed unless absolute, one decimal at most."""
    if x is None:
        return "n/a"
    if absolute:
        return fmt(abs(x))
    return ("+" if x > 0 else "") + fmt(x)


def classify(f: Findings) -> str | None:
    """Which disagreement this is (a key of the discordance messages), or None."""
    if f.recist == f.choi:
        return None
    if f.choi == "PD" and f.nodules and not f.new_lesions and f.recist != "PD":
        return "intratumoral_nodule"
    if "NE" in (f.recist, f.choi):
        return "one_not_evaluable"
    if (
        f.recist == "PD"
        and f.non_target == "PD"
        and f.target != "PD"
        and not f.new_lesions
        and f.choi != "PD"
    ):
        return "recist_non_target_progression"
    density_pr = f.choi == "PR" and f.density_pct is not None and f.density_pct < 0
    grew = (f.size_baseline_pct or 0) > 0 or (f.size_nadir_pct or 0) > 0
    if density_pr and f.recist in ("SD", "PD") and grew:
        return "density_response_size_increase"
    if f.choi == "PR" and f.recist == "SD":
        return "choi_response_small_shrinkage"
    if f.choi == "PD" and f.recist in ("SD", "PR", "CR") and not f.new_lesions:
        return "choi_size_progression"
    return "other"


def discordance_message(f: Findings, table: Table) -> tuple[str, list[str], str] | None:
    """The flag text, its citations and its kind, or None when RECIST and Choi agree."""
    kind = classify(f)
    if kind is None:
        return None
    msg = table.message(kind)
    if kind == "one_not_evaluable":
        criterion = "RECIST 1.1" if f.recist == "NE" else "Choi"
        reasons = f.recist_reasons if f.recist == "NE" else f.choi_reasons
        values = {"criterion": criterion, "reason": "; ".join(reasons) or "data missing"}
    else:
        values = {}
    if (f.size_baseline_pct or 0) > 0 or f.size_nadir_pct is None:
        size_up, size_ref = f.size_baseline_pct, "baseline"
    else:
        size_up, size_ref = f.size_nadir_pct, "nadir"
    text = msg.text.format(
        size_up_pct=_num(size_up, absolute=True),
        size_ref=size_ref,
        recist=f.recist,
        choi=f.choi,
        size_baseline_pct=_num(f.size_baseline_pct)
        if kind != "density_response_size_increase"
        else _num(f.size_baseline_pct, absolute=True),
        size_nadir_pct=_num(f.size_nadir_pct),
        density_pct=_num(f.density_pct, absolute=True)
        if kind == "density_response_size_increase"
        else _num(f.density_pct),
        lesions=", ".join(f.nodules),
        reference=f.reference,
        criterion=values.get("criterion", ""),
        reason=values.get("reason", ""),
    )
    return text, list(msg.source_ids), kind
