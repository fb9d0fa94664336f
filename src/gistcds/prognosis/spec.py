"""A treatment sequence ready to simulate: each line's published PFS arm (chosen as the
prognosis engine chooses the curve it shows), the published chance of starting the next
line, and the survival drawn after the last line (``prognosis_sequences.yaml``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from gistcds.domain.facts import ClinicalFacts
from gistcds.domain.results.genotype import GenotypeClass, KitPdgfraStatus, is_genotype_class
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema.prognosis_sequences import Sequence, Step
from gistcds.knowledge.schema.prognosis_sequences import Table as SequencesTable
from gistcds.prognosis.curves import Curve
from gistcds.prognosis.evidence import Evidence, evidence
from gistcds.prognosis.factors import factor_effects
from gistcds.prognosis.notes import Note
from gistcds.prognosis.selection import select_arm

__all__ = ["LineSpec", "SequenceSpec", "build_sequence"]


@dataclass(frozen=True)
class LineSpec:
    line: int
    drug: str
    dose_mg_per_day: float | None
    arm_id: str
    curve: Curve
    fallback: bool
    # product of the published hazard ratios applied for the patient (proportional hazards:
    # H(t) becomes HR x H(t)), and the factor ids behind it; 1.0 and () for a population run
    hazard_ratio: float = 1.0
    adjusted_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class SequenceSpec:
    sequence_id: str
    label: str
    genotype_class: GenotypeClass | None
    lines: tuple[LineSpec, ...]
    proceed: tuple[float, ...]  # P(start line i+2 | progressed on line i+1)
    post_arm_id: str
    post: Curve
    compare_os_arm: str | None
    compare_os_median: float | None
    notes: tuple[Note, ...] = ()
    source_ids: tuple[str, ...] = ()


def _chosen(
    seqs: SequencesTable, sequence_id: str | None, genotype_class: GenotypeClass | None
) -> Sequence:
    """The sequence by id, else the one listed for the genotype; the first for all comers
    (no genotype). A genotype no sequence lists has none: another genotype's sequence
    is not its evidence (PDGFRA D842V would be given imatinib first)."""
    if sequence_id is not None:
        chosen = next((s for s in seqs.sequences if s.id == sequence_id), None)
        if chosen is None:
            known = ", ".join(s.id for s in seqs.sequences)
            raise ValueError(f"unknown sequence {sequence_id!r} (known: {known})")
        return chosen
    if genotype_class is None:
        return seqs.sequences[0]
    chosen = next((s for s in seqs.sequences if genotype_class in s.genotype_classes), None)
    if chosen is None:
        raise ValueError(f"no published treatment sequence lists {genotype_class}")
    return chosen


def _line(
    ev: Evidence,
    i: int,
    step: Step,
    gclass: GenotypeClass | None,
    status: KitPdgfraStatus | None,
    facts: ClinicalFacts | None,
) -> tuple[LineSpec, list[Note], set[str]]:
    """Line ``i``: its arm and, for a patient, the published hazard ratios that apply;
    with the notes and sources it adds."""
    sel = select_arm(
        ev,
        drug=step.drug,
        dose=step.dose_mg_per_day,
        line=i,
        genotype_class=gclass,
        endpoint="PFS",
        kit_pdgfra_status=status,
    )
    if isinstance(sel, Note):
        raise ValueError(f"line {i} ({step.drug}): {sel.text}")
    notes = [Note(n.code, f"line {i}: {n.text}") for n in sel.notes]
    sources = set(sel.fitted.arm.source_ids)
    hr: float = 1.0
    adjusted_by: tuple[str, ...] = ()
    if facts is not None:
        effects, applied = factor_effects(
            ev,
            sel,
            endpoint="PFS",
            facts=facts,
            drug=step.drug,
            dose=step.dose_mg_per_day,
            line=i,
        )
        hr = math.prod(h.hazard_ratio for h in applied)
        adjusted_by = tuple(e.id for e in effects if e.applied)
        for e in effects:
            if e.applied:
                sources.update(e.source_ids)
                notes.append(
                    Note(
                        "hazard_ratio_applied",
                        f"line {i}: hazard ratio {e.hazard_ratio:g} applied ({e.label})",
                    )
                )
    arm = sel.fitted
    spec = LineSpec(
        i, step.drug, step.dose_mg_per_day, arm.arm.id, arm.curve, sel.fallback, hr, adjusted_by
    )
    return spec, notes, sources


def build_sequence(
    kb: KnowledgeBase,
    *,
    genotype_class: GenotypeClass | None = None,
    sequence_id: str | None = None,
    kit_pdgfra_status: KitPdgfraStatus | None = None,
    facts: ClinicalFacts | None = None,
) -> SequenceSpec:
    """The sequence (by id, or the one listed for the genotype) with each line's PFS arm.

    Each line's arm is chosen as the prognosis engine chooses the curve it shows (same
    genotype route, ``kit_pdgfra_status`` included); with a patient's ``facts``, the
    published hazard ratios that apply to that patient on that line are applied too (their
    conditions read the facts, the genotype factors included), so that a simulated line is
    the curve shown for it, not the unadjusted arm.
    """
    ev = evidence(kb)
    seqs = ev.sequences
    chosen = _chosen(seqs, sequence_id, genotype_class)
    # the CLI passes free text; an unknown class routes as no class (all comers)
    gclass = genotype_class if is_genotype_class(genotype_class) else None
    notes: list[Note] = []
    lines: list[LineSpec] = []
    sources: set[str] = set(chosen.source_ids)
    for i, step in enumerate(chosen.steps, start=1):
        line, line_notes, line_sources = _line(ev, i, step, gclass, kit_pdgfra_status, facts)
        lines.append(line)
        notes.extend(line_notes)
        sources |= line_sources
    by_line = {t.after_line: t for t in seqs.transitions}
    proceed = []
    for i in range(1, len(lines)):
        if i not in by_line:
            raise ValueError(f"no published transition probability after line {i}")
        proceed.append(by_line[i].proceed_probability)
        sources.update(by_line[i].source_ids)
    post = ev.arms[seqs.post_last_line.arm]
    sources.update(seqs.post_last_line.source_ids)
    compare = ev.arms.get(chosen.compare_os_arm) if chosen.compare_os_arm else None
    return SequenceSpec(
        sequence_id=chosen.id,
        label=chosen.label,
        genotype_class=genotype_class,
        lines=tuple(lines),
        proceed=tuple(proceed),
        post_arm_id=post.arm.id,
        post=post.curve,
        compare_os_arm=compare.arm.id if compare else None,
        compare_os_median=compare.arm.median_months if compare else None,
        notes=tuple(notes),
        source_ids=tuple(sorted(sources)),
    )


def first_line_os_comparable(ev: Evidence, spec: SequenceSpec) -> bool:
    """Whether the sequence's published first-line OS is a fair yardstick for it: only when
    its first line is that OS arm's own genotype group, unadjusted (never a proxy or an
    all-comers first line, e.g. a KIT exon 13 simulation against the KIT exon 11 OS)."""
    if spec.compare_os_arm is None or not spec.lines:
        return False
    first = spec.lines[0]
    compare_group = ev.arms[spec.compare_os_arm].arm.group
    return (
        not first.fallback
        and first.hazard_ratio == 1.0
        and compare_group == ev.arms[first.arm_id].arm.group
    )
