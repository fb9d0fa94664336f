"""Individual PFS/OS curves per line and genotype, and sequence simulation.

``estimate_prognosis`` (called by assess.py) gives, for the first recommended systemic
option and each alternative, a PFS and an OS curve: the published arm that best matches
the drug, dose, line and genotype (``selection``), fitted once per knowledge base
(``curves``, ``evidence``), adjusted only by published hazard ratios (``factors``), with
Monte Carlo bands from the published confidence intervals (``estimate``). Whole
treatment sequences are simulated in ``simulate``. See docs/prognosis.md.
"""

from __future__ import annotations

from gistcds.domain.facts import ClinicalFacts
from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import GenotypeClass, GenotypeResult, KitPdgfraStatus
from gistcds.domain.results.prognosis import (
    Endpoint,
    OptionPrognosis,
    Prognosis,
    SequenceSimulation,
    SurvivalEstimate,
)
from gistcds.domain.results.therapy import Recommendation
from gistcds.knowledge import KnowledgeBase

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


def _secondary_caveat(genotype: GenotypeResult | None, drug: str) -> tuple[bool, str | None]:
    """(withhold?, note) for a drug given the secondary mutations found (review P-10).

    No arm held is selected by secondary mutation. Where the genotype engine rates the
    drug resistant because of them (e.g. sunitinib with a KIT exon 17 secondary), the
    unselected curve would overstate it, so none is shown (as for D842V); otherwise the
    curve is kept and the note says it is not selected by secondary mutation.
    """
    if genotype is None or not genotype.secondary_mutations:
        return False, None
    level = getattr(genotype.sensitivity, drug, None)
    found = ", ".join(
        sorted(
            {
                f"{m.gene} exon {m.exon}" if m.exon is not None else f"{m.gene} {m.hgvs_p or ''}"
                for m in genotype.secondary_mutations
            }
        )
    )
    if level == "resistant":
        return True, (
            f"Secondary mutation(s) found ({found}): the genotype engine rates {drug} resistant. "
            f"No published {drug} arm selected by secondary mutation is held; the unselected "
            "curve would overstate the benefit, so none is shown."
        )
    rated = f" (the genotype engine rates {drug} {level})" if level is not None else ""
    return False, (
        f"Secondary mutation(s) found ({found}): the curves come from patients not selected "
        f"by secondary mutation{rated}."
    )


def _line_for(facts: ClinicalFacts, rec: Recommendation) -> int:
    """The option's line, else the current line when it continues the ongoing drug."""
    if rec.line is not None:
        return rec.line
    drugs = {item.drug for item in rec.regimen}
    last = facts.lines[-1] if facts.lines else None
    if last is not None and last.ongoing and last.drug in drugs:
        return max(facts.n_lines, 1)
    return facts.n_lines + 1


def _progressed_on(facts: ClinicalFacts, drug: str) -> bool:
    """Progression on the drug in the advanced-disease history (a relapse on adjuvant
    imatinib counts as history.yaml says), or on the ongoing line as the derived fact
    ``event`` reads the imaging (review P-08): first-exposure figures must not be shown
    after it."""
    return drug in facts.drugs_progressed or drug == _ongoing_progression(facts)


def _ongoing_progression(facts: ClinicalFacts) -> str | None:
    """The drug of the ongoing advanced line if the history rules call it progression
    (RECIST and Choi PD on the current line, or a nodule in a mass, not
    pseudo-progression), else None: what counts as progression is decided once."""
    if facts.last_stop == "ongoing" and facts.event == "progression":
        return facts.last_drug
    return None


def _endpoint(
    ev: object,
    patient: Patient,
    gclass: GenotypeClass | None,
    drug: str,
    dose: float | None,
    line: int,
    endpoint: Endpoint,
    progressed: bool,
    kit_pdgfra_status: KitPdgfraStatus | None = None,
) -> tuple[SurvivalEstimate | None, str | None]:
    from gistcds.prognosis.estimate import survival_estimate
    from gistcds.prognosis.evidence import Evidence
    from gistcds.prognosis.factors import factor_effects, unshown_dose_effects
    from gistcds.prognosis.selection import select_arm

    assert isinstance(ev, Evidence)
    sel = select_arm(
        ev,
        drug=drug,
        dose=dose,
        line=line,
        genotype_class=gclass,
        endpoint=endpoint,
        after_progression_on_drug=progressed,
        kit_pdgfra_status=kit_pdgfra_status,
    )
    if isinstance(sel, str):
        return None, sel
    effects, hrs = factor_effects(
        ev,
        sel,
        endpoint=endpoint,
        patient=patient,
        genotype_class=gclass,
        drug=drug,
        dose=dose,
        line=line,
    )
    est = survival_estimate(
        sel.fitted,
        hrs,
        key=f"{sel.fitted.arm.id}|{'|'.join(e.id for e in effects if e.applied)}",
        fallback=sel.fallback,
        adjustments=effects,
        notes=list(sel.notes)
        + unshown_dose_effects(
            ev,
            sel,
            endpoint=endpoint,
            patient=patient,
            genotype_class=gclass,
            drug=drug,
            line=line,
        ),
    )
    return est, None


def _option(
    ev: object,
    patient: Patient,
    facts: ClinicalFacts,
    gclass: GenotypeClass | None,
    rec: Recommendation,
    kit_pdgfra_status: KitPdgfraStatus | None = None,
    genotype: GenotypeResult | None = None,
) -> OptionPrognosis:
    line = _line_for(facts, rec)
    drugs = [item.drug for item in rec.regimen]
    dose = rec.regimen[0].dose_mg_per_day if len(rec.regimen) == 1 else None
    option = OptionPrognosis(
        rule_id=rec.rule_id, title=rec.title, drugs=drugs, dose_mg_per_day=dose, line=line
    )
    if len(drugs) != 1:
        option.notes.append("No published survival arm for this combination regimen.")
        return option
    progressed = _progressed_on(facts, drugs[0])
    ongoing = facts.ongoing_line(drugs[0])
    if ongoing is not None and ongoing.start is not None and not progressed:
        option.notes.append(
            f"Already on {drugs[0]} since {ongoing.start.isoformat()}: the curves start at the "
            "start of the line, not today, and do not account for the time already on it."
        )
    wild_type = gclass == "unclassified" and kit_pdgfra_status == "wild_type"
    if gclass in (None, "not_tested", "unclassified") and not wild_type:
        option.notes.append("Genotype unknown: all-comers evidence is used.")
    withhold, secondary_note = _secondary_caveat(genotype, drugs[0])
    if secondary_note:
        option.notes.append(secondary_note)
    if withhold:
        return option
    endpoints: tuple[Endpoint, ...] = ("PFS", "OS")
    for endpoint in endpoints:
        est, why = _endpoint(
            ev, patient, gclass, drugs[0], dose, line, endpoint, progressed, kit_pdgfra_status
        )
        if endpoint == "PFS":
            option.pfs = est
        else:
            option.os = est
        if why:
            option.notes.append(why)
    return option


def _sequence(
    kb: KnowledgeBase,
    patient: Patient,
    facts: ClinicalFacts,
    gclass: GenotypeClass | None,
    main: OptionPrognosis,
    kit_pdgfra_status: KitPdgfraStatus | None = None,
) -> tuple[SequenceSimulation | None, str | None]:
    """The genotype's sequence simulated from the main option's line (or why not)."""
    from gistcds.prognosis.sequence import patient_sequence

    if len(main.drugs) != 1:
        return None, "The recommended regimen is a combination: no published sequence has it."
    if _progressed_on(facts, main.drugs[0]):
        # Every sequence step is drawn from a first-exposure arm; after progression on the
        # drug (dose escalation, rechallenge) that would overstate the time on it and OS.
        return None, (
            f"The patient has already progressed on {main.drugs[0]}: the published sequences "
            f"start {main.drugs[0]} as a first exposure, so no sequence is simulated from this "
            "position (dose escalation or rechallenge has no arm in the knowledge base)."
        )
    ongoing = facts.ongoing_line(main.drugs[0])
    return patient_sequence(
        kb,
        genotype_class=gclass,
        line=main.line,
        drug=main.drugs[0],
        dose=main.dose_mg_per_day,
        ongoing_since=ongoing.start if ongoing is not None else None,
        kit_pdgfra_status=kit_pdgfra_status,
        patient=patient,
    )


def _sequence_clash(ev: object, seq: SequenceSimulation, main: OptionPrognosis) -> str | None:
    """Why the simulated first line would not be the PFS curve shown, or None (P-12).

    The simulation chooses each line's arm by the same route as the curve and applies the
    same published hazard ratios for the patient, so the two agree by construction; this
    is the check that they do. A different dose of the same evidence group stays (said in
    the sequence's notes); anything else is withheld with the reason.
    """
    from gistcds.prognosis.evidence import Evidence

    assert isinstance(ev, Evidence)
    pfs = main.pfs
    if pfs is None or pfs.evidence is None or not seq.lines:
        return None
    first = ev.arms[seq.lines[0].arm_id].arm
    applied = sorted(e.id for e in pfs.adjustments if e.applied)
    if applied != sorted(seq.lines[0].adjusted_by):
        shown = ", ".join(applied) or "none"
        drawn = ", ".join(seq.lines[0].adjusted_by) or "none"
        return (
            f"The PFS curve shown applies hazard ratios {shown}; the sequence's line "
            f"{seq.start_line} would apply {drawn}, contradicting that curve, so it is not shown."
        )
    if first.group != pfs.evidence.genotype_group:
        return (
            f"The PFS curve shown is from the {pfs.evidence.genotype_group} arm "
            f"({pfs.evidence.trial}); the sequence simulation would draw line {seq.start_line} "
            f"from the {first.group} arm ({first.trial}), contradicting that curve, so it is "
            "not shown."
        )
    return None


def estimate_prognosis(
    patient: Patient,
    facts: ClinicalFacts,
    genotype: GenotypeResult | None,
    recommendations: list[Recommendation],
    kb: KnowledgeBase,
) -> Prognosis | None:
    """PFS/OS for the recommended next systemic line (and each alternative).

    Null for a patient without advanced disease (the arms are all from advanced GIST).
    The line history and what counts as progression come from ``facts``; the patient's
    own values (age, labs...) decide which published prognostic factors apply.
    """
    if not facts.advanced_disease:
        return None
    from gistcds.prognosis.evidence import evidence

    ev = evidence(kb)
    gclass = genotype.genotype_class if genotype is not None else None
    status = genotype.kit_pdgfra_status if genotype is not None else None
    systemic = [r for r in recommendations if r.kind == "systemic" and r.regimen]
    if not systemic:
        return Prognosis(
            status="no_systemic_recommendation",
            genotype_class=gclass,
            caveat=CAVEAT,
            method=METHOD,
            notes=["No systemic therapy is recommended, so no line-specific curve is given."],
            sequence_reason="No systemic therapy is recommended: no sequence to simulate.",
        )
    options = [_option(ev, patient, facts, gclass, r, status, genotype) for r in systemic]
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
    sequence, sequence_reason = _sequence(kb, patient, facts, gclass, main, status)
    if sequence is not None:
        clash = _sequence_clash(ev, sequence, main)
        if clash:
            sequence, sequence_reason = None, clash
    if sequence is not None and _secondary_caveat(genotype, main.drugs[0])[0]:
        sequence, sequence_reason = (
            None,
            (
                f"Secondary mutation(s) make {main.drugs[0]} ineffective here (genotype engine: "
                "resistant); the sequence's arms are not selected by secondary mutation, so it is "
                "not simulated."
            ),
        )
    return Prognosis(
        pfs=main.pfs,
        os=main.os,
        status="estimated" if (main.pfs or main.os) else "no_evidence",
        line=main.line,
        drugs=main.drugs,
        dose_mg_per_day=main.dose_mg_per_day,
        genotype_class=gclass,
        alternatives=options[1:],
        sequence=sequence,
        sequence_reason=sequence_reason,
        caveat=CAVEAT,
        method=METHOD,
        notes=list(main.notes),
        source_ids=sources,
    )
