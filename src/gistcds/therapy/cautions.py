"""Cautions that depend on the chosen options: genotype resistance, unknown drug names,
CYP3A4 interactions and hepatic-impairment label advice (tables in the knowledge base)."""

from __future__ import annotations

from dataclasses import dataclass

from gistcds.domain.confidence import weakest
from gistcds.domain.facts import ClinicalFacts
from gistcds.domain.results.therapy import Caution, Recommendation
from gistcds.knowledge.schema import (
    therapy_drugs,
    therapy_hepatic,
    therapy_interactions,
    therapy_rules,
)
from gistcds.therapy.render import render_caution

__all__ = ["Tables", "option_cautions"]


@dataclass(frozen=True)
class Tables:
    rules: therapy_rules.Table
    drugs: therapy_drugs.Table
    interactions: therapy_interactions.Table
    hepatic: therapy_hepatic.Table


def _fmt(dose: float) -> str:
    return f"{dose:g}"


def _resistant(facts: ClinicalFacts, recommended: list[str], t: Tables) -> list[Caution]:
    """A caution for each chosen drug the genotype engine rates resistant."""
    spec = t.rules.resistant_drug_caution
    if spec is None or facts.genotype == "none":
        return []
    out: list[Caution] = []
    for drug in recommended:
        if facts.sensitivity.get(drug) == "resistant":
            sources = facts.sensitivity_source_ids.get(drug, ())
            caution = render_caution(spec, "genotype-sensitivity", drug=drug)
            out.append(
                caution.model_copy(update={"source_ids": sorted({*spec.source_ids, *sources})})
            )
    return out


def _interactions(facts: ClinicalFacts, in_play: list[str], t: Tables) -> list[Caution]:
    out: list[Caution] = []
    agents = {a.name: a for a in reversed(t.interactions.agents)}
    for m in facts.comedications:
        agent = agents[m.agent]
        for rule in t.interactions.label_rules:
            if rule.drug in in_play and rule.effect == m.effect:
                out.append(
                    Caution(
                        code=f"cyp3a4_{m.effect.split('_cyp3a4_')[1]}_{rule.drug}",
                        message=rule.message.replace("{agent}", m.comedication),
                        source_ids=sorted({*agent.source_ids, *rule.source_ids}),
                        severity=rule.severity,
                        confidence=weakest((agent.confidence, rule.confidence)),
                        rule_id=f"TX-04:{rule.drug}:{rule.effect}",
                    )
                )
    return out


def _opposing(facts: ClinicalFacts, in_play: list[str], t: Tables) -> list[Caution]:
    """A CYP3A4 inducer and an inhibitor recorded together: the labels speak of each alone."""
    rule = t.interactions.opposing_effects
    inducers = [m.comedication for m in facts.comedications if m.effect.endswith("_inducer")]
    inhibitors = [m.comedication for m in facts.comedications if m.effect.endswith("_inhibitor")]
    if rule is None or not inducers or not inhibitors:
        return []
    labelled = {r.drug for r in t.interactions.label_rules}
    drugs = [d for d in in_play if d in labelled]
    if not drugs:
        return []
    return [
        Caution(
            code="cyp3a4_opposing_effects",
            message=rule.message.replace("{drug}", " and ".join(drugs))
            .replace("{inducers}", ", ".join(inducers))
            .replace("{inhibitors}", ", ".join(inhibitors)),
            source_ids=sorted(rule.source_ids),
            severity="warning",
            confidence=rule.confidence,
            rule_id="TX-04:opposing",
        )
    ]


def _doses_in_play(drug: str, recs: list[Recommendation], facts: ClinicalFacts) -> str:
    """The daily dose(s) the options propose for ``drug``, else the current line's dose."""
    doses = sorted(
        {
            r.dose_mg_per_day
            for rec in recs
            for r in rec.regimen
            if r.drug == drug and r.dose_mg_per_day is not None
        }
    )
    if not doses and facts.last_drug == drug and facts.last_dose is not None:
        return f"current dose {_fmt(facts.last_dose)} mg/day"
    if not doses:
        return "no dose recorded"
    return " or ".join(_fmt(d) for d in doses) + " mg/day"


def _hepatic(
    facts: ClinicalFacts, in_play: list[str], recs: list[Recommendation], t: Tables
) -> list[Caution]:
    """The label's hepatic-impairment statement for each drug in play, for the patient's
    class (none or not recorded: nothing). The dose is shown, never changed."""
    out: list[Caution] = []
    for rule in t.hepatic.rules:
        # Child-Pugh labels read the recorded grade only; the others also the grade the
        # history rules derive from bilirubin (hepatic_class).
        category = facts.hepatic_impairment if rule.grading == "child_pugh" else facts.hepatic_class
        if category in (None, "none", "unknown"):
            continue
        if rule.drug in in_play and category in rule.categories:
            message = rule.message.replace("{category}", category).replace(
                "{dose}", _doses_in_play(rule.drug, recs, facts)
            )
            out.append(
                Caution(
                    code=f"hepatic_impairment_dose_{rule.drug}",
                    message=message,
                    source_ids=list(rule.source_ids),
                    severity=rule.severity,
                    confidence=rule.confidence,
                    rule_id=rule.id,
                )
            )
    return out


def option_cautions(facts: ClinicalFacts, recs: list[Recommendation], t: Tables) -> list[Caution]:
    """Cautions about the chosen options and the ongoing drug, in a fixed order."""
    recommended = sorted({r.drug for rec in recs for r in rec.regimen})
    out = _resistant(facts, recommended, t)
    unknown = t.rules.unknown_drug_caution
    if facts.unknown_drugs and unknown is not None:
        out.append(
            render_caution(unknown, "input-drug-names", paths=", ".join(facts.unknown_drugs))
        )
    above = t.rules.dose_above_label_caution
    if facts.doses_above_label and above is not None:
        out.append(render_caution(above, "input-doses", paths="; ".join(facts.doses_above_label)))
    current = [facts.last_drug] if facts.last_stop == "ongoing" else []
    in_play = sorted({*recommended, *current})
    out.extend(_interactions(facts, in_play, t))
    out.extend(_opposing(facts, in_play, t))
    out.extend(_hepatic(facts, in_play, recs, t))
    return out
