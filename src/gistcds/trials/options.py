"""Matched trials as ``kind: trial`` options, after every guideline option.

The patient's facts come from ClinicalFacts (the history engine's advanced-disease lines,
genotype class, ECOG and secondary KIT regions); each matching trial of ``trials.yaml``
(open or of unknown status, never a closed one) becomes one option citing the table's
sources, with its registry id in ``trial_ids`` and what could not be checked in words.
"""

from __future__ import annotations

from gistcds.domain.facts import ClinicalFacts
from gistcds.domain.results.therapy import Caution, Evidence, Recommendation
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema.trials import Table
from gistcds.trials.match import TrialFacts, TrialMatch, match_trials

__all__ = ["facts_for_trials", "pregnancy_trial_cautions", "trial_options", "with_trials"]


def facts_for_trials(facts: ClinicalFacts) -> TrialFacts:
    """TrialFacts read from the ClinicalFacts (advanced lines as the history policy counts;
    consecutive lines of one drug are one line)."""
    genotype = facts.genotype if facts.genotype != "none" else None
    # A line still running counts as a prior line only once the disease progresses on it.
    lines = [x for x in facts.lines if not x.ongoing or facts.event == "progression"]
    drugs = [x.drug for x in lines]
    return TrialFacts(
        setting=facts.setting if facts.setting != "unknown" else None,
        genotype=genotype,
        prior_drugs=frozenset(drugs),
        n_prior_lines=sum(1 for i, d in enumerate(drugs) if i == 0 or drugs[i - 1] != d),
        ecog=facts.ecog,
        secondary_regions=frozenset(facts.secondary_regions),
    )


def _option(m: TrialMatch, facts: ClinicalFacts, as_of: str) -> Recommendation:
    t = m.trial
    name = f"{t.name} ({t.registry_id})" if t.name else t.registry_id
    status = t.status or "not found"
    dated = f"{status} as of {t.status_date or as_of}"
    why = [f"Fits: {'; '.join(m.reasons)}." if m.reasons else "", t.eligibility.text]
    if m.unchecked:
        why.append(f"Not checked: {'; '.join(m.unchecked)}.")
    if t.status_note:
        why.append(t.status_note)
    why.append("Eligibility must be confirmed with the trial team; status may have changed.")
    return Recommendation(
        rule_id=f"trial:{t.registry_id}",
        kind="trial",
        title=f"Clinical trial {name}: {t.title}",
        line=facts.n_lines + 1 if facts.setting == "metastatic" else None,
        evidence=Evidence(
            source_ids=list(t.source_ids),
            level=f"phase {t.phase} trial, {t.line}; registry status {dated}",
            confidence=t.confidence,
        ),
        rationale=" ".join(w for w in why if w),
        trial_ids=[t.registry_id],
    )


def trial_options(facts: ClinicalFacts, kb: KnowledgeBase) -> list[Recommendation]:
    """One option per matching trial (open first, then unknown status); none when the
    disease setting is unknown."""
    if facts.setting == "unknown":
        return []
    table = kb.get(Table)
    return [_option(m, facts, table.as_of) for m in match_trials(facts_for_trials(facts), table)]


def with_trials(
    recs: list[Recommendation], facts: ClinicalFacts, kb: KnowledgeBase
) -> list[Recommendation]:
    """The guideline options, unchanged in rank, followed by one option per matching trial.
    A guideline's own "clinical trial" option (no registry id) lists the matching ids.
    In pregnancy no trial option is offered (``trials.yaml`` ``pregnancy``)."""
    if facts.pregnant and kb.get(Table).pregnancy is not None:
        return [r for r in recs if r.kind != "trial"]
    trials = trial_options(facts, kb)
    ids = [i for t in trials for i in t.trial_ids]
    kept = [
        r.model_copy(update={"trial_ids": ids}) if r.kind == "trial" and not r.trial_ids else r
        for r in recs
    ]
    return [*kept, *trials]


def pregnancy_trial_cautions(facts: ClinicalFacts, kb: KnowledgeBase) -> list[Caution]:
    """Why no trial is offered to a pregnant patient (empty otherwise)."""
    rule = kb.get(Table).pregnancy
    if not facts.pregnant or rule is None:
        return []
    return [
        Caution(
            code="trials_not_offered_in_pregnancy",
            message=rule.message,
            source_ids=list(rule.source_ids),
            severity="warning",
            confidence=rule.confidence,
            rule_id="TRIALS-PREGNANCY",
        )
    ]
