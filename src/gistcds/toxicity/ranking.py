"""Tolerance into the ranking (issue 17): options and cautions from the tolerance facts.

The rules are ``toxicity_ranking.yaml`` (one per effect, cited); the dose levels and the
label texts are the drug's label table (``toxicity_dose_modifications.yaml``):

- a drug stopped after a grade >= 4 (life-threatening) event is not re-offered at that dose
  or above (TR-01);
- a drug stopped for toxicity without progression in advanced disease is not re-offered at
  the dose it was stopped at; the guideline rules already give its label dose reduction and
  the next line (TR-02);
- doses below the label's lowest GIST level, recorded or offered, are flagged (TR-03);
- a hold or stop of a drug whose label table carries an interruption caution (imatinib:
  BFR14) in advanced disease shows that caution (TR-04).

The guideline ranking itself is untouched: options are only removed, never reordered.
"""

from __future__ import annotations

from typing import NamedTuple

from gistcds.domain.facts import ClinicalFacts
from gistcds.domain.results.therapy import Caution, Recommendation
from gistcds.domain.results.toxicity import ToxicityAdvice
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema import toxicity_ranking as R
from gistcds.knowledge.schema.toxicity_dose_modifications import DrugTable
from gistcds.knowledge.schema.toxicity_dose_modifications import Table as DoseMods
from gistcds.toxicity.rules import next_level

__all__ = ["Limit", "apply_tolerance", "event_cautions", "interruption_cautions"]


class Limit(NamedTuple):
    """``drug`` is not re-offered at ``dose`` mg/day or above (None: dose not recorded)."""

    drug: str
    dose: float | None
    rule: R.Rule
    grade: int | None = None


def _fmt(dose: float | None) -> str:
    return f"{dose:g}" if dose is not None else "an unrecorded dose"


def _reduced(table: DrugTable | None, dose: float | None) -> str:
    if table is None or dose is None:
        return "not known (no label dose levels for this drug and dose)"
    lower = next_level(table.levels, dose)
    return f"{lower:g} mg/day" if lower is not None else f"none ({table.below_lowest_text})"


def _caution(rule: R.Rule, table: DrugTable | None, **fill: str) -> Caution:
    message = rule.message
    for key, value in fill.items():
        message = message.replace("{" + key + "}", value)
    own = list(table.source_ids) if table else []
    label_ids = [s for s in rule.source_ids if not s.startswith("label-")]
    return Caution(
        code=rule.code,
        message=message,
        source_ids=list(dict.fromkeys([*label_ids, *own] or rule.source_ids)),
        severity=rule.severity,
        confidence=rule.confidence,
        rule_id=rule.id,
    )


def _limits(facts: ClinicalFacts, table: R.Table) -> list[Limit]:
    out: list[Limit] = []
    severe = table.rule("severe_event_dose")
    threshold = severe.min_grade if severe and severe.min_grade else 4
    for tol in facts.tolerance:
        grade = tol.worst_grade or 0
        if severe and tol.life_threatening and tol.stopped_for_toxicity and grade >= threshold:
            out.append(Limit(tol.drug, tol.severe_event_dose_mg_per_day, severe, grade))
    intolerance = table.rule("intolerance_without_progression")
    if intolerance is None:
        return out
    severe_drugs = {x.drug for x in out}
    for line in facts.lines:
        if (
            line.stop == "toxicity"
            and line.drug not in facts.drugs_progressed
            and line.drug not in severe_drugs
        ):
            out = [x for x in out if x.drug != line.drug]  # the latest stop counts
            out.append(Limit(line.drug, line.dose_mg_per_day, intolerance))
    return out


def _barred(rec: Recommendation, limits: list[Limit]) -> bool:
    for item in rec.regimen:
        for lim in limits:
            if (
                item.drug == lim.drug
                and lim.dose is not None
                and item.dose_mg_per_day is not None
                and item.dose_mg_per_day >= lim.dose
            ):
                return True
    return False


def _below_lowest(
    recs: list[Recommendation], facts: ClinicalFacts, rule: R.Rule, mods: DoseMods
) -> list[Caution]:
    doses = [(t.drug, t.lowest_dose_mg_per_day) for t in facts.tolerance]
    doses += [(i.drug, i.dose_mg_per_day) for r in recs for i in r.regimen]
    out: list[Caution] = []
    for drug, dose in dict.fromkeys(doses):
        table = mods.for_drug(drug)
        if table is None or dose is None or dose >= table.levels[-1]:
            continue
        out.append(
            _caution(
                rule,
                table,
                drug=drug.capitalize(),
                dose=_fmt(dose),
                lowest=_fmt(table.levels[-1]),
                text=table.below_lowest_text,
            )
        )
    return out


def apply_tolerance(
    recs: list[Recommendation], facts: ClinicalFacts, kb: KnowledgeBase
) -> tuple[list[Recommendation], list[Caution]]:
    """The options without those the tolerance rules bar, in their order, and the cautions."""
    table = kb.get(R.Table)
    mods = kb.get(DoseMods)
    limits = _limits(facts, table)
    cautions = [
        _caution(
            lim.rule,
            mods.for_drug(lim.drug),
            drug=lim.drug.capitalize(),
            grade=str(lim.grade or ""),
            dose=_fmt(lim.dose),
            reduced=_reduced(mods.for_drug(lim.drug), lim.dose),
        )
        for lim in limits
    ]
    kept = [r for r in recs if not _barred(r, limits)]
    below = table.rule("below_lowest_level")
    if below is not None:
        cautions += _below_lowest(kept, facts, below, mods)
    return kept, cautions


def _death_grade(table: R.Table) -> int:
    """The CTCAE grade that is death related to the event (TR-06's ``min_grade``); above
    every grade when the rule is absent."""
    rule = table.rule("grade5_recorded")
    return rule.min_grade if rule is not None and rule.min_grade is not None else 6


def interruption_cautions(
    advice: list[ToxicityAdvice], facts: ClinicalFacts, kb: KnowledgeBase
) -> list[Caution]:
    """TR-04: the label table's interruption caution (imatinib: BFR14) when the drug is held
    or stopped for toxicity in advanced disease (a current event, or the latest line)."""
    rule = kb.get(R.Table).rule("interruption")
    if rule is None or not facts.advanced_disease:
        return []
    mods = kb.get(DoseMods)
    death = _death_grade(kb.get(R.Table))
    held = [a.drug for a in advice if a.action in ("hold", "discontinue") and a.grade < death]
    if facts.last_stop == "toxicity":
        held.append(facts.last_drug)
    out: list[Caution] = []
    for drug in dict.fromkeys(held):
        table = mods.for_drug(drug)
        if table is None or table.interruption_caution is None:
            continue
        c = table.interruption_caution
        caution = _caution(rule, None, drug=drug.capitalize(), text=c.text)
        ids = list(dict.fromkeys([*rule.source_ids, *c.source_ids]))
        out.append(caution.model_copy(update={"source_ids": ids, "confidence": c.confidence}))
    return out


def _continues(drug: str, options: list[Recommendation], facts: ClinicalFacts) -> bool:
    """An option keeps ``drug`` going: the current drug in any option's regimen."""
    current = {t.drug for t in facts.therapy_lines if t.ongoing}
    return drug in current and any(drug in {r.drug for r in o.regimen} for o in options)


def event_cautions(
    advice: list[ToxicityAdvice],
    options: list[Recommendation],
    facts: ClinicalFacts,
    kb: KnowledgeBase,
) -> list[Caution]:
    """TR-06: a grade 5 event recorded (death related to the event: check the record);
    TR-05: a current event whose label row stops the current drug while an option continues
    it (the lines still show the drug as ongoing; the conflict is named, not guessed)."""
    table = kb.get(R.Table)
    out: list[Caution] = []
    grade5, stop = table.rule("grade5_recorded"), table.rule("current_event_discontinue")
    death = _death_grade(table)
    for a in advice:
        fill = {"event": a.event, "grade": str(a.grade), "drug": a.drug, "text": a.label_text}
        if grade5 is not None and a.grade >= death:
            out.append(_caution(grade5, None, **fill))
        elif stop is not None and a.action == "discontinue" and _continues(a.drug, options, facts):
            out.append(_caution(stop, None, **fill))
    return out
