"""Which published arm describes this patient's next line: most specific evidence first.

The genotype map (knowledge base) lists evidence groups per genotype class. Arms from
the patient's line are tried first through all groups (a line-4 all-comers trial beats a
line-2 genotype subgroup), then arms from other lines. Within a group the arm with the
recommended dose, the best-checked numbers and the most patients wins. Falling back to
all-comers (or to a proxy group) is flagged and said in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from gistcds.domain.confidence import strength
from gistcds.domain.results.genotype import GenotypeClass, KitPdgfraStatus
from gistcds.domain.results.prognosis import ArmEndpoint, Endpoint
from gistcds.knowledge.schema.prognosis_arms import Arm, GenotypeMap
from gistcds.knowledge.schema.prognosis_factors import Factor
from gistcds.prognosis.evidence import Evidence, FittedArm
from gistcds.prognosis.notes import Note

_ENDPOINTS: dict[Endpoint, tuple[ArmEndpoint, ...]] = {"PFS": ("PFS", "TTP"), "OS": ("OS",)}
# Endpoints whose arms may stand in for another line (with a note). Time on a line can be
# borrowed from an adjacent line as an approximation; overall survival cannot: it counts
# every later line the trial's patients went on to receive (a fourth-line OS of 15 months
# is not a second-line OS), so an OS arm is used only for a line its population was in
# (review P-03).
_CROSS_LINE = ("PFS",)


class _Query(NamedTuple):
    genotype_class: GenotypeClass | None
    endpoint: Endpoint
    drug: str
    dose: float | None
    line: int


@dataclass(frozen=True)
class Selection:
    fitted: FittedArm
    fallback: bool
    adjust_with: tuple[str, ...]
    notes: tuple[Note, ...]


def factor_in_context(factor: Factor, endpoint: Endpoint, drug: str, line: int) -> bool:
    return endpoint in factor.endpoints and drug in factor.drugs and line in factor.lines


def _rank(arm: Arm, dose: float | None, line: int) -> tuple[int, int, int, int, int]:
    if dose is None or arm.dose_mg_per_day == dose:
        dose_rank = 0
    elif arm.dose_mg_per_day is None:
        dose_rank = 1
    else:
        dose_rank = 2
    line_rank = 0 if line in arm.lines else min(abs(line - x) for x in arm.lines)
    return (
        dose_rank,
        line_rank,
        -strength(arm.confidence),
        int(arm.derived),
        -(arm.n or 0),
    )


def _selection_notes(
    arm: Arm,
    group: str,
    proxy: bool,
    first_group: str,
    mapping: GenotypeMap | None,
    q: _Query,
) -> list[Note]:
    """What the clinician must know about the arm chosen: fallback, proxy, dose, endpoint,
    line."""
    genotype_class, endpoint, drug, dose, line = q
    notes: list[Note] = []
    fallback = group != first_group or proxy
    if group == "all" and fallback:
        notes.append(
            Note(
                "all_comers_arm",
                f"No {endpoint} evidence specific to {genotype_class} on {drug}: the "
                f"all-comers arm ({arm.trial}) is used.",
            )
        )
    elif group != first_group:
        notes.append(
            Note("proxy_arm", f"{genotype_class} has no arm of its own: the {group} arm is used.")
        )
    # the route's note describes its proxy group: only beside a curve from it (P-05)
    if mapping and mapping.note and proxy:
        notes.append(Note("proxy_route", mapping.note.strip()))
    pooled = arm.doses_pooled_mg_per_day
    if dose is not None and arm.dose_mg_per_day is None and pooled and dose not in pooled:
        # a reduced (or intermediate) dose outside the pool: not part of it (P-07)
        doses = " and ".join(f"{d:g}" for d in pooled)
        notes.append(
            Note(
                "dose_outside_pool",
                f"The arm pools {doses} mg/day; {dose:g} mg/day was not studied in it, so "
                "the curve is for the trial doses.",
            )
        )
    elif dose is not None and arm.dose_mg_per_day is None:
        notes.append(
            Note(
                "dose_pooled",
                f"The arm pools several doses; the {dose:g} mg/day dose is not isolated.",
            )
        )
    elif dose is not None and arm.dose_mg_per_day != dose:
        notes.append(
            Note(
                "trial_dose_differs",
                f"Trial dose {arm.dose_mg_per_day:g} mg/day differs from the recommended "
                f"{dose:g} mg/day; the curve is for the trial dose.",
            )
        )
    if endpoint == "PFS" and arm.endpoint == "TTP":  # review P-15
        notes.append(
            Note(
                "ttp_as_pfs",
                f"{arm.trial} reported time to progression (TTP), used here as PFS: TTP does "
                "not count deaths without progression, so it runs somewhat above PFS.",
            )
        )
    if line not in arm.lines:
        lines = ", ".join(str(x) for x in arm.lines)
        notes.append(
            Note("other_line", f"Evidence is from line(s) {lines}, applied here to line {line}.")
        )
    return notes


def _why_none(
    candidates: list[FittedArm], usable: set[str], mapping: GenotypeMap | None, q: _Query
) -> Note:
    """Why no arm describes this option, in words."""
    genotype_class, endpoint, drug, _, line = q
    other_lines = sorted(
        {x for fa in candidates if fa.arm.group in usable for x in fa.arm.lines}
        if endpoint not in _CROSS_LINE
        else set()
    )
    if other_lines:
        held = ", ".join(str(x) for x in other_lines)
        return Note(
            "no_arm_at_line",
            f"No published {endpoint} for {drug} at line {line}: the {endpoint} arms held are "
            f"from line(s) {held}, and overall survival, which counts every later line, is not "
            "carried over from another line.",
        )
    if genotype_class and mapping and all(c.group != "all" for c in mapping.groups):
        return Note(
            "no_arm_for_genotype",
            f"No published {endpoint} for {drug} in {genotype_class}, and all-comers data do not "
            "apply to this genotype.",
        )
    elsewhere = sorted({fa.arm.group for fa in candidates})
    if elsewhere:  # arms for the drug exist, for other genotype groups only (review P-13)
        return Note(
            "arms_for_other_genotypes",
            f"No published {endpoint} for {drug} in {genotype_class or 'this genotype'}: the "
            f"{drug} arms held are for {', '.join(elsewhere)} only.",
        )
    return Note("no_arm", f"No published {endpoint} arm for {drug} in the knowledge base.")


def select_arm(
    ev: Evidence,
    *,
    drug: str,
    dose: float | None,
    line: int,
    genotype_class: GenotypeClass | None,
    endpoint: Endpoint,
    after_progression_on_drug: bool = False,
    kit_pdgfra_status: KitPdgfraStatus | None = None,
) -> Selection | Note:
    """The arm to use, or a note saying why there is none.

    ``after_progression_on_drug``: the patient already progressed on this drug (dose
    escalation, rechallenge); only arms of such patients qualify, never first exposures.
    ``kit_pdgfra_status`` (genomics) selects a status-specific route where the knowledge
    base has one (KIT/PDGFRA tested negative but the class still 'unclassified').
    """
    mapping = ev.mapping_for(genotype_class, kit_pdgfra_status)
    q = _Query(genotype_class, endpoint, drug, dose, line)
    choices = mapping.groups if mapping else None
    groups = (
        [(c.group, tuple(c.adjust_with), c.proxy) for c in choices]
        if choices
        else [("all", (), False)]
    )
    first_group = groups[0][0]
    candidates = [
        fa
        for fa in ev.arms.values()
        if fa.arm.selectable
        and fa.arm.drug == drug
        and fa.arm.endpoint in _ENDPOINTS[endpoint]
        and fa.arm.after_progression_on_drug == after_progression_on_drug
    ]
    if after_progression_on_drug and not candidates:
        return Note(
            "no_arm_after_progression",
            f"No published {endpoint} for {drug} after progression on {drug} (dose escalation or "
            "rechallenge) in the knowledge base; curves from first exposure would overstate it.",
        )
    passes = (True, False) if endpoint in _CROSS_LINE else (True,)
    for same_line in passes:
        for group, adjust_with, proxy in groups:
            if adjust_with and not any(
                f in ev.factors and factor_in_context(ev.factors[f], endpoint, drug, line)
                for f in adjust_with
            ):
                continue
            in_group = [
                fa
                for fa in candidates
                if fa.arm.group == group and (line in fa.arm.lines or not same_line)
            ]
            if not in_group:
                continue
            best = min(in_group, key=lambda fa: _rank(fa.arm, dose, line))
            fallback = group != first_group or proxy
            notes = _selection_notes(best.arm, group, proxy, first_group, mapping, q)
            return Selection(best, fallback, adjust_with, tuple(notes))
    return _why_none(candidates, {g for g, _, _ in groups}, mapping, q)
