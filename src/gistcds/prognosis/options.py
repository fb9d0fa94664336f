"""One recommended option's PFS and OS: which line it is, whether the patient already
progressed on the drug, which published arm describes it, and the notes that qualify it.

The line history and what counts as progression come from the patient's ClinicalFacts
(``history`` engine), never from a second reading of the record.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from gistcds.domain.calendar import add_months
from gistcds.domain.facts import ClinicalFacts
from gistcds.domain.results.genotype import GenotypeClass, GenotypeResult, KitPdgfraStatus
from gistcds.domain.results.prognosis import Endpoint, OptionPrognosis, SurvivalEstimate
from gistcds.domain.results.therapy import Recommendation
from gistcds.prognosis.estimate import survival_estimate
from gistcds.prognosis.evidence import Evidence
from gistcds.prognosis.factors import factor_effects, unshown_dose_effects
from gistcds.prognosis.notes import Note, fields
from gistcds.prognosis.selection import select_arm

__all__ = [
    "Context",
    "line_for",
    "ongoing_progression",
    "option_prognosis",
    "progressed_on",
    "secondary_caveat",
]


class Context(NamedTuple):
    """What every option of one patient is estimated against."""

    ev: Evidence
    facts: ClinicalFacts
    genotype: GenotypeResult | None

    @property
    def gclass(self) -> GenotypeClass | None:
        return self.genotype.genotype_class if self.genotype is not None else None

    @property
    def status(self) -> KitPdgfraStatus | None:
        return self.genotype.kit_pdgfra_status if self.genotype is not None else None


def secondary_caveat(genotype: GenotypeResult | None, drug: str) -> tuple[bool, Note | None]:
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
        return True, Note(
            "secondary_resistant",
            f"Secondary mutation(s) found ({found}): the genotype engine rates {drug} resistant. "
            f"No published {drug} arm selected by secondary mutation is held; the unselected "
            "curve would overstate the benefit, so none is shown.",
        )
    rated = f" (the genotype engine rates {drug} {level})" if level is not None else ""
    return False, Note(
        "secondary_unselected",
        f"Secondary mutation(s) found ({found}): the curves come from patients not selected "
        f"by secondary mutation{rated}.",
    )


def line_for(facts: ClinicalFacts, rec: Recommendation) -> int:
    """The option's line, else the current line when it continues the ongoing drug."""
    if rec.line is not None:
        return rec.line
    drugs = {item.drug for item in rec.regimen}
    last = facts.lines[-1] if facts.lines else None
    if last is not None and last.ongoing and last.drug in drugs:
        return max(facts.n_lines, 1)
    return facts.n_lines + 1


def progressed_on(facts: ClinicalFacts, drug: str) -> bool:
    """Progression on the drug in the advanced-disease history (a relapse on adjuvant
    imatinib counts as history.yaml says), or on the ongoing line as the derived fact
    ``event`` reads the imaging (review P-08): first-exposure figures must not be shown
    after it."""
    return drug in facts.drugs_progressed or drug == ongoing_progression(facts)


def ongoing_progression(facts: ClinicalFacts) -> str | None:
    """The drug of the ongoing advanced line if the history rules call it progression
    (RECIST and Choi PD on the current line, or a nodule in a mass, not
    pseudo-progression), else None: what counts as progression is decided once."""
    if facts.last_stop == "ongoing" and facts.event == "progression":
        return facts.last_drug
    return None


def _endpoint(
    c: Context, drug: str, dose: float | None, line: int, endpoint: Endpoint, progressed: bool
) -> tuple[SurvivalEstimate | None, Note | None]:
    """The estimate for one endpoint, or why there is none."""
    ev, facts, gclass, kit_pdgfra_status = c.ev, c.facts, c.gclass, c.status
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
    if isinstance(sel, Note):
        return None, sel
    effects, hrs = factor_effects(
        ev,
        sel,
        endpoint=endpoint,
        facts=facts,
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
            facts=facts,
            drug=drug,
            line=line,
        ),
        kb_key=ev.cache_key,
    )
    return est, None


def _source(est: SurvivalEstimate) -> str:
    ev = est.evidence
    if ev is None:
        return "no arm"
    hrs = "".join(
        f" x HR {e.hazard_ratio:g} ({e.label})"
        for e in est.adjustments
        if e.applied and e.hazard_ratio
    )
    return f"{ev.trial}, {ev.genotype_group} arm{hrs}"


def sources_differ(pfs: SurvivalEstimate | None, os_: SurvivalEstimate | None) -> Note | None:
    """A note when PFS and OS of one option rest on different populations (issue 12: KIT
    exon 13 PFS from the exon 11 arm x a hazard ratio, OS from all comers)."""
    if pfs is None or os_ is None or pfs.evidence is None or os_.evidence is None:
        return None
    p, o = pfs.evidence, os_.evidence
    p_hr = sorted(e.id for e in pfs.adjustments if e.applied)
    o_hr = sorted(e.id for e in os_.adjustments if e.applied)
    if p.trial == o.trial and p.genotype_group == o.genotype_group and bool(p_hr) == bool(o_hr):
        return None
    unapplied = [
        e.label
        for e in os_.adjustments
        if e.use == "supplied_not_used" and e.present is True and e.direction == "adverse"
    ]
    caution = (
        f" The OS curve is not adjusted for {'; '.join(unapplied)} (adverse, no published "
        "hazard ratio), so it may overstate survival for this patient."
        if unapplied
        else ""
    )
    return Note(
        "pfs_os_sources_differ",
        f"PFS and OS come from different sources: PFS from {_source(pfs)}; OS from "
        f"{_source(os_)}. They describe different populations and are not one consistent "
        f"pair: the gap between them is not the survival after progression.{caution}",
    )


def option_prognosis(c: Context, rec: Recommendation) -> OptionPrognosis:
    """PFS/OS for one recommended option, with the notes that qualify them."""
    facts, gclass = c.facts, c.gclass
    line = line_for(facts, rec)
    drugs = [item.drug for item in rec.regimen]
    dose = rec.regimen[0].dose_mg_per_day if len(rec.regimen) == 1 else None
    option = OptionPrognosis(
        rule_id=rec.rule_id, title=rec.title, drugs=drugs, dose_mg_per_day=dose, line=line
    )
    notes: list[Note] = []
    if len(drugs) != 1:
        notes.append(Note("combination", "No published survival arm for this combination regimen."))
        return option.model_copy(update=fields(notes))
    progressed = progressed_on(facts, drugs[0])
    ongoing = facts.ongoing_line(drugs[0])
    if ongoing is not None and ongoing.start is not None and not progressed:
        notes.append(
            Note(
                "already_on_drug",
                f"Already on {drugs[0]} since {ongoing.start.isoformat()}: the curves start at "
                "the start of the line, not today, and do not account for the time already on "
                "it.",
            )
        )
    wild_type = gclass == "unclassified" and c.status == "wild_type"
    if gclass in (None, "not_tested", "unclassified") and not wild_type:
        notes.append(Note("genotype_unknown", "Genotype unknown: all-comers evidence is used."))
    withhold, secondary_note = secondary_caveat(c.genotype, drugs[0])
    if secondary_note:
        notes.append(secondary_note)
    if withhold:
        return option.model_copy(update=fields(notes))
    endpoints: tuple[Endpoint, ...] = ("PFS", "OS")
    for endpoint in endpoints:
        est, why = _endpoint(c, drugs[0], dose, line, endpoint, progressed)
        if endpoint == "PFS":
            option.pfs = est
        else:
            option.os = est
        if why:
            notes.append(why)
    differ = sources_differ(option.pfs, option.os)
    if differ is not None:
        notes.append(differ)
    if ongoing is not None and ongoing.start is not None and not progressed:
        data_end = data_end_on_line(drugs[0], ongoing.start, option.pfs, option.os)
        if data_end is not None:
            notes.append(data_end)
    return option.model_copy(update=fields(notes))


def data_end_on_line(
    drug: str, start: dt.date, pfs: SurvivalEstimate | None, os_: SurvivalEstimate | None
) -> Note | None:
    """For a line already under way: the calendar dates where each curve's published data
    end, counted from the line's start (review V4-01). A patient still on the line after
    them (e.g. 15 years on imatinib, or 3 years on fourth-line ripretinib, whose INVICTUS
    data end at 6.3 and 15.1 months) has outlived what the curves describe, and no estimate
    conditional on the time already on the line is held: the medians do not apply to them."""
    ends = [
        f"{name} at {est.data_until_months:g} months ({add_months(start, est.data_until_months)})"
        for name, est in (("PFS", pfs), ("OS", os_))
        if est is not None and est.data_until_months is not None
    ]
    if not ends:
        return None
    return Note(
        "data_end_on_line",
        f"Counted from the start of {drug} on {start.isoformat()}, the published data end for "
        f"{' and '.join(ends)}. If the patient is still on {drug} after "
        f"{'these dates' if len(ends) > 1 else 'that date'}, the curves "
        "and their medians no longer describe them: they are for patients starting the line, "
        "and no estimate conditional on the time already on it is published in the knowledge "
        "base (the evidence does not say how long the benefit lasts from here).",
    )
