"""The prognosis engine: PFS/OS for the recommended systemic options and the simulated
sequence from the next line (see the package docstring and docs/prognosis.md)."""

from __future__ import annotations

from typing import Literal

from gistcds.domain.facts import ClinicalFacts
from gistcds.domain.results.genotype import GenotypeResult
from gistcds.domain.results.prognosis import (
    OptionPrognosis,
    Prognosis,
    SequenceSimulation,
    SurvivalEstimate,
)
from gistcds.domain.results.therapy import Recommendation
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema.prognosis_factors import Table as FactorsTable
from gistcds.prognosis.evidence import Evidence, evidence
from gistcds.prognosis.notes import Note
from gistcds.prognosis.options import Context, option_prognosis, progressed_on, secondary_caveat
from gistcds.prognosis.population import outside_trials_note
from gistcds.prognosis.sequence import patient_sequence

__all__ = ["CAVEAT", "METHOD", "estimate_prognosis"]

CAVEAT = (
    "Population estimate: these curves describe groups of trial patients who resemble "
    "this patient in drug, line and genotype; they cannot say how long treatment will work "
    "for this person. Trial populations were selected (performance status, organ function) "
    "and most data predate current sequences. Factors without a published hazard ratio are "
    "listed but not applied."
)
METHOD = (
    "Per published arm, an exponential, Weibull, log-logistic or piecewise-exponential "
    "survival curve fitted to the published median and landmark rates; bands by seeded "
    "Monte Carlo over the published 95% CI of the median (or its n) and of any applied "
    "hazard ratio. See docs/prognosis.md."
)


def _sequence(
    kb: KnowledgeBase, c: Context, main: OptionPrognosis
) -> tuple[SequenceSimulation | None, Note | None]:
    """The genotype's sequence simulated from the main option's line (or why not)."""
    if len(main.drugs) != 1:
        return None, Note(
            "combination",
            "The recommended regimen is a combination: no published sequence has it.",
        )
    if progressed_on(c.facts, main.drugs[0]):
        # Every sequence step is drawn from a first-exposure arm; after progression on the
        # drug (dose escalation, rechallenge) that would overstate the time on it and OS.
        return None, Note(
            "progressed_on_drug",
            f"The patient has already progressed on {main.drugs[0]}: the published sequences "
            f"start {main.drugs[0]} as a first exposure, so no sequence is simulated from this "
            "position (dose escalation or rechallenge has no arm in the knowledge base).",
        )
    ongoing = c.facts.ongoing_line(main.drugs[0])
    return patient_sequence(
        kb,
        genotype_class=c.gclass,
        line=main.line,
        drug=main.drugs[0],
        dose=main.dose_mg_per_day,
        ongoing_since=ongoing.start if ongoing is not None else None,
        kit_pdgfra_status=c.status,
        facts=c.facts,
    )


def _sequence_clash(ev: Evidence, seq: SequenceSimulation, main: OptionPrognosis) -> Note | None:
    """Why the simulated first line would not be the PFS curve shown, or None (P-12).

    The simulation chooses each line's arm by the same route as the curve and applies the
    same published hazard ratios for the patient, so the two agree by construction; this
    is the check that they do. A different dose of the same evidence group stays (said in
    the sequence's notes); anything else is withheld with the reason.
    """
    pfs = main.pfs
    if pfs is None or pfs.evidence is None or not seq.lines:
        return None
    first = ev.arms[seq.lines[0].arm_id].arm
    applied = sorted(e.id for e in pfs.adjustments if e.applied)
    if applied != sorted(seq.lines[0].adjusted_by):
        shown = ", ".join(applied) or "none"
        drawn = ", ".join(seq.lines[0].adjusted_by) or "none"
        return Note(
            "sequence_hazard_ratios_differ",
            f"The PFS curve shown applies hazard ratios {shown}; the sequence's line "
            f"{seq.start_line} would apply {drawn}, contradicting that curve, so it is not shown.",
        )
    if first.group != pfs.evidence.genotype_group:
        return Note(
            "sequence_arm_differs",
            f"The PFS curve shown is from the {pfs.evidence.genotype_group} arm "
            f"({pfs.evidence.trial}); the sequence simulation would draw line {seq.start_line} "
            f"from the {first.group} arm ({first.trial}), contradicting that curve, so it is "
            "not shown.",
        )
    return None


def _simulated(
    kb: KnowledgeBase, c: Context, main: OptionPrognosis
) -> tuple[SequenceSimulation | None, Note | None]:
    """The sequence from the main option, unless it would contradict the curve shown or
    rest on a drug the secondary mutations defeat (then the reason)."""
    sequence, reason = _sequence(kb, c, main)
    if sequence is not None:
        clash = _sequence_clash(c.ev, sequence, main)
        if clash:
            return None, clash
    if sequence is not None and secondary_caveat(c.genotype, main.drugs[0])[0]:
        return None, Note(
            "secondary_resistant",
            f"Secondary mutation(s) make {main.drugs[0]} ineffective here (genotype engine: "
            "resistant); the sequence's arms are not selected by secondary mutation, so it is "
            "not simulated.",
        )
    return sequence, reason


def _pct(x: float | None) -> str:
    return "not given" if x is None else f"{x:.0%}"


def os_reconciliation(
    os_: SurvivalEstimate | None, seq: SequenceSimulation | None
) -> tuple[Literal["os", "sequence"] | None, Note | None]:
    """Which overall-survival figure to quote, and why the two differ (issue 12).

    The published OS arm is a trial result for this drug, line and genotype; the sequence
    is a model chaining trials from other populations. Where both are shown the arm is
    quoted and the note names both figures and the reasons they differ.
    """
    if os_ is None or os_.evidence is None:
        return ("sequence" if seq is not None else None), None
    if seq is None:
        return "os", None
    ev = os_.evidence
    median = (
        f"median {os_.median_months:g} months"
        if os_.median_months is not None
        else "median not reached"
    )
    one_year = next((lm for lm in os_.landmarks if lm.months == 12.0), None)
    assumed = one_year is not None and one_year.basis == "assumed_shape"
    arm_1y = "" if assumed or one_year is None else f", 1 year {_pct(one_year.survival)}"
    why = [
        "the published OS counts whatever treatment the trial's patients received after that "
        "line in its era, while the simulation chains today's later-line trials, treats "
        "lines as independent and uses trial crossover rates for starting the next line"
    ]
    if os_.fallback:
        why.append(
            f"the OS arm is all-comers or proxy evidence (group {ev.genotype_group}), not this "
            "genotype's own"
        )
    if assumed and one_year is not None:
        why.append(
            f"{ev.trial} published only its median, so the arm's 1-year figure "
            f"({_pct(one_year.survival)}) is read off an exponential through that median "
            "(shape assumed), not a trial result"
        )
    return "os", Note(
        "os_two_figures",
        f"Two overall-survival figures are shown. Quote the published arm: {ev.trial} "
        f"({ev.genotype_group}), {median}{arm_1y} [{', '.join(ev.source_ids)}], a trial "
        "result for this drug, line and genotype. The sequence simulation (median "
        f"{seq.os_median_months:g} months, 1 year {_pct(seq.os_survival_1y)}) is a model that "
        "shows what the whole sequence adds up to. They differ because " + "; and ".join(why) + ".",
    )


def estimate_prognosis(
    facts: ClinicalFacts,
    genotype: GenotypeResult | None,
    recommendations: list[Recommendation],
    kb: KnowledgeBase,
) -> Prognosis | None:
    """PFS/OS for the recommended next systemic line (and each alternative).

    Null for a patient without advanced disease (the arms are all from advanced GIST).
    The line history, what counts as progression and the patient's own values (age,
    labs...) that decide which published prognostic factors apply all come from ``facts``
    (history engine); ``genotype`` is the genotype engine's result (arm route, secondary
    mutations).
    """
    if not facts.advanced_disease:
        return None
    c = Context(evidence(kb), facts, genotype)
    systemic = [r for r in recommendations if r.kind == "systemic" and r.regimen]
    if not systemic:
        return Prognosis(
            status="no_systemic_recommendation",
            genotype_class=c.gclass,
            caveat=CAVEAT,
            method=METHOD,
            notes=["No systemic therapy is recommended, so no line-specific curve is given."],
            note_codes=["no_systemic_option"],
            sequence_reason="No systemic therapy is recommended: no sequence to simulate.",
            sequence_reason_code="no_systemic_option",
        )
    options = [option_prognosis(c, r) for r in systemic]
    main = options[0]
    sources = sorted(
        {
            sid
            for o in options
            for est in (o.pfs, o.os)
            if est is not None and est.evidence is not None
            for sid in est.evidence.source_ids
        }
    )
    sequence, why = _simulated(kb, c, main)
    quote, two = os_reconciliation(main.os, sequence)
    notes = [*zip(main.note_codes, main.notes, strict=True)]
    outside = outside_trials_note(kb.get(FactorsTable).outside_trial_populations, facts)
    for extra in (two, outside):
        if extra is not None:
            notes.append((extra.code, extra.text))
    if outside is not None and sequence is not None:
        sequence = sequence.model_copy(
            update={
                "notes": [*sequence.notes, outside.text],
                "note_codes": [*sequence.note_codes, outside.code],
            }
        )
    return Prognosis(
        pfs=main.pfs,
        os=main.os,
        status="estimated" if (main.pfs or main.os) else "no_evidence",
        line=main.line,
        drugs=main.drugs,
        dose_mg_per_day=main.dose_mg_per_day,
        genotype_class=c.gclass,
        alternatives=options[1:],
        sequence=sequence,
        sequence_reason=why.text if why else None,
        sequence_reason_code=why.code if why else None,
        os_to_quote=quote,
        caveat=CAVEAT,
        method=METHOD,
        notes=[t for _, t in notes],
        note_codes=[c for c, _ in notes],
        source_ids=sources,
    )
