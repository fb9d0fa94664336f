"""The therapy engine: match rules against the ClinicalFacts, drop excluded drugs, rank,
render, add cautions.

Everything clinical comes from ``therapy_rules.yaml`` (options, ranks, cautions, genotype
exclusions), ``therapy_drugs.yaml`` (schedules in words, label dose steps),
``therapy_interactions.yaml`` (CYP3A4 label advice) and ``therapy_hepatic.yaml``
(hepatic-impairment label advice), ``therapy_label_limits.yaml`` (label restrictions by
organ function and pregnancy, applied to the ranking); the clinical state is the patient's
ClinicalFacts (``history`` engine).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from gistcds.domain.facts import ClinicalFacts
from gistcds.domain.results.therapy import Caution, Recommendation
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.conditions import matches
from gistcds.knowledge.schema import (
    evidence_levels,
    therapy_drugs,
    therapy_hepatic,
    therapy_interactions,
    therapy_label_limits,
    therapy_rules,
)
from gistcds.therapy.cautions import Tables, option_cautions
from gistcds.therapy.levels import resistance_cautions, with_levels
from gistcds.therapy.limits import apply_label_limits
from gistcds.therapy.render import render_caution, render_option, signature

__all__ = ["Advice", "Tables", "advise", "load_tables"]


def load_tables(kb: KnowledgeBase) -> Tables:
    return Tables(
        rules=kb.get(therapy_rules.Table),
        drugs=kb.get(therapy_drugs.Table),
        interactions=kb.get(therapy_interactions.Table),
        hepatic=kb.get(therapy_hepatic.Table),
    )


class Advice(NamedTuple):
    recommendations: list[Recommendation]
    cautions: list[Caution]
    facts: dict[str, Any]


def _exclusions(table: therapy_rules.Table, view: dict[str, Any]) -> tuple[set[str], list[Caution]]:
    """Drugs the genotype makes useless, with their cautions."""
    excluded: set[str] = set()
    cautions: list[Caution] = []
    for ex in table.exclusions:
        if matches(ex.when, view):
            excluded.update(ex.drugs)
            cautions.append(render_caution(ex.caution, ex.id))
    return excluded, cautions


def _matched_options(
    facts: ClinicalFacts, excluded: set[str], t: Tables
) -> tuple[list[Recommendation], list[Caution]]:
    """The options of every matching rule, ranked and without repeats, and their cautions."""
    ranked: list[tuple[int, int, Recommendation]] = []
    cautions: list[Caution] = []
    for rule in t.rules.rules:
        if not matches(rule.when, facts.view):
            continue
        kept = dropped_for_genotype = 0
        for spec in rule.options:
            rec = render_option(rule.id, spec, facts, t.drugs)
            if rec is None:
                continue
            if any(r.drug in excluded for r in rec.regimen):
                dropped_for_genotype += 1
                continue
            ranked.append((spec.rank, len(ranked), rec))
            kept += 1
        # A rule whose every option the genotype excludes does not apply: its cautions
        # (e.g. "do not interrupt the TKI") would contradict the options that replace it.
        if not (dropped_for_genotype and not kept):
            cautions.extend(render_caution(c, rule.id) for c in rule.cautions)
    ranked.sort(key=lambda t: (t[0], t[1]))
    recs: list[Recommendation] = []
    seen: set[tuple[Any, ...]] = set()
    for _, _, rec in ranked:
        sig = signature(rec)
        if sig not in seen:
            seen.add(sig)
            recs.append(rec)
    return recs, cautions


def _classes(inn: str, drugs: therapy_drugs.Table) -> list[str]:
    drug = drugs.drug(inn)
    return list(drug.classes) if drug is not None else []


def _unique(cautions: list[Caution]) -> list[Caution]:
    out: list[Caution] = []
    seen: set[tuple[str, str]] = set()
    for c in cautions:
        if (c.code, c.message) not in seen:
            seen.add((c.code, c.message))
            out.append(c)
    return out


def advise(facts: ClinicalFacts, kb: KnowledgeBase) -> Advice:
    """Ranked options and cautions, with the facts they were matched against."""
    t = load_tables(kb)
    excluded, exclusion_cautions = _exclusions(t.rules, facts.view)
    cautions = [*resistance_cautions(facts), *exclusion_cautions]
    recs, rule_cautions = _matched_options(facts, excluded, t)
    cautions.extend(rule_cautions)
    recs, label_cautions = apply_label_limits(
        recs, facts, kb.get(therapy_label_limits.Table), t.drugs
    )
    adjunct = {r.id for r in t.rules.rules if r.adjunct}
    if all(rec.rule_id in adjunct for rec in recs):
        fb = render_option("fallback", t.rules.fallback, facts, t.drugs)
        if fb is not None:
            recs.insert(0, fb)
    recommended = sorted({r.drug for rec in recs for r in rec.regimen})
    classes = sorted({c for d in recommended for c in _classes(d, t.drugs)})
    post_facts = {**facts.view, "recommended_drugs": recommended, "recommended_classes": classes}
    for rule in t.rules.post_cautions:
        if matches(rule.when, post_facts):
            cautions.extend(render_caution(c, rule.id) for c in rule.cautions)
    cautions.extend(option_cautions(facts, recs, t))
    recs = with_levels(recs, facts, kb.get(evidence_levels.Table))
    cautions.extend(label_cautions)
    return Advice(recommendations=recs, cautions=_unique(cautions), facts=post_facts)
