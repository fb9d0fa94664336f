"""The therapy engine: derive facts, match rules, drop excluded drugs, rank, render.

Everything clinical comes from ``therapy_rules.yaml`` (options, ranks, cautions,
derived facts, genotype exclusions), ``therapy_drugs.yaml`` (schedules in words,
label dose steps), ``therapy_interactions.yaml`` (CYP3A4 label advice) and
``therapy_hepatic.yaml`` (hepatic-impairment label advice).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gistcds.domain.confidence import weakest
from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import GenotypeResult
from gistcds.domain.results.response import TimepointResponse
from gistcds.domain.results.risk import RiskPanel
from gistcds.domain.results.therapy import (
    Caution,
    Evidence,
    Position,
    Recommendation,
    RegimenItem,
)
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema import (
    therapy_drugs,
    therapy_hepatic,
    therapy_interactions,
    therapy_rules,
)
from gistcds.therapy.conditions import matches
from gistcds.therapy.facts import build_facts, match_agents, reduced_dose


@dataclass(frozen=True)
class Tables:
    rules: therapy_rules.Table
    drugs: therapy_drugs.Table
    interactions: therapy_interactions.Table
    hepatic: therapy_hepatic.Table


def load_tables(kb: KnowledgeBase) -> Tables:
    return Tables(
        rules=kb.table("therapy_rules", therapy_rules.Table),
        drugs=kb.table("therapy_drugs", therapy_drugs.Table),
        interactions=kb.table("therapy_interactions", therapy_interactions.Table),
        hepatic=kb.table("therapy_hepatic", therapy_hepatic.Table),
    )


def apply_derived(derived: list[therapy_rules.Derived], facts: dict[str, Any]) -> dict[str, Any]:
    """Set each derived fact from the first of its entries whose condition holds."""
    out = dict(facts)
    done: set[str] = set()
    for d in derived:
        if d.name in done:
            continue
        if matches(d.when, out):
            out[d.name] = d.value
            done.add(d.name)
    for d in derived:
        out.setdefault(d.name, None)
    return out


def patient_facts(
    patient: Patient,
    genotype: GenotypeResult | None,
    risk: RiskPanel,
    response: list[TimepointResponse],
    tables: Tables,
) -> dict[str, Any]:
    """Engine facts plus the table's derived facts."""
    history = tables.rules.history
    facts = build_facts(
        patient,
        genotype,
        risk,
        response,
        tables.drugs,
        tables.interactions,
        periop_progression=history is not None and history.progression_on_perioperative_counts,
    )
    return apply_derived(tables.rules.derived, facts)


def _fmt(dose: float) -> str:
    return f"{dose:g}"


def _schedule(drug: str, dose: float | None, drugs: therapy_drugs.Table) -> str:
    for d in drugs.drugs:
        if d.inn == drug:
            for s in d.schedules:
                if dose is not None and s.dose_mg_per_day == dose:
                    return s.text
    return drugs.unlisted_schedule.replace("{dose}", _fmt(dose) if dose is not None else "?")


def _render_regimen(
    spec: therapy_rules.RegimenSpec, facts: dict[str, Any], drugs: therapy_drugs.Table
) -> RegimenItem | None:
    drug = str(facts["last_drug"]) if spec.drug == "@last" else spec.drug
    if drug == "none":
        return None
    dose: float | None = spec.dose_mg_per_day
    if spec.dose_from == "last":
        dose = facts["last_dose"]
    elif spec.dose_from == "reduced":
        dose = reduced_dose(drug, facts["last_dose"], drugs)
        if dose is None:
            return None
    schedule = spec.schedule or _schedule(drug, dose, drugs)
    return RegimenItem(drug=drug, dose_mg_per_day=dose, schedule=schedule)


def _line(spec: int | str | None, facts: dict[str, Any]) -> int | None:
    n = int(facts["n_lines"])
    if spec == "current":
        return max(n, 1)
    if spec == "next":
        return n + 1
    return spec if isinstance(spec, int) else None


def _render_option(
    rule: therapy_rules.Rule,
    spec: therapy_rules.OptionSpec,
    facts: dict[str, Any],
    drugs: therapy_drugs.Table,
) -> Recommendation | None:
    regimen: list[RegimenItem] = []
    for r in spec.regimen:
        item = _render_regimen(r, facts, drugs)
        if item is None:
            return None  # the option does not apply (no last drug, no lower dose step)
        regimen.append(item)
    title = spec.title.replace("{drug}", regimen[0].drug if regimen else "")
    return Recommendation(
        rule_id=rule.id,
        kind=spec.kind,
        title=title,
        regimen=regimen,
        line=_line(spec.line, facts),
        evidence=Evidence(
            source_ids=list(spec.evidence.source_ids),
            level=spec.evidence.level,
            confidence=spec.evidence.confidence,
        ),
        rationale=spec.rationale,
        positions=[
            Position(
                guideline=p.guideline,
                statement=p.statement,
                level=p.level,
                source_ids=list(p.source_ids),
                confidence=p.confidence,
            )
            for p in spec.positions
        ],
    )


def _caution(spec: therapy_rules.CautionSpec, rule_id: str) -> Caution:
    return Caution(
        code=spec.code,
        message=spec.message,
        source_ids=list(spec.source_ids),
        severity=spec.severity,
        confidence=spec.confidence,
        rule_id=rule_id,
    )


def _signature(rec: Recommendation) -> tuple[Any, ...]:
    if rec.regimen:
        return (rec.kind, tuple((r.drug, r.dose_mg_per_day) for r in rec.regimen))
    return (rec.kind, rec.title)


def _interaction_cautions(
    patient: Patient, drugs_in_play: list[str], tables: Tables
) -> list[Caution]:
    out: list[Caution] = []
    for m in match_agents(patient.comedications, tables.interactions):
        for rule in tables.interactions.label_rules:
            if rule.drug in drugs_in_play and rule.effect == m.agent.effect:
                out.append(
                    Caution(
                        code=f"cyp3a4_{m.agent.effect.split('_cyp3a4_')[1]}_{rule.drug}",
                        message=rule.message.replace("{agent}", m.comedication),
                        source_ids=sorted({*m.agent.source_ids, *rule.source_ids}),
                        severity=rule.severity,
                        confidence=weakest((m.agent.confidence, rule.confidence)),
                        rule_id=f"TX-04:{rule.drug}:{rule.effect}",
                    )
                )
    return out


def _doses_in_play(drug: str, recs: list[Recommendation], facts: dict[str, Any]) -> str:
    """The daily dose(s) the options propose for ``drug``, else the current line's dose."""
    doses = sorted(
        {
            r.dose_mg_per_day
            for rec in recs
            for r in rec.regimen
            if r.drug == drug and r.dose_mg_per_day is not None
        }
    )
    if not doses and facts.get("last_drug") == drug and facts.get("last_dose") is not None:
        return f"current dose {_fmt(facts['last_dose'])} mg/day"
    if not doses:
        return "no dose recorded"
    return " or ".join(_fmt(d) for d in doses) + " mg/day"


def _hepatic_cautions(
    patient: Patient,
    drugs_in_play: list[str],
    recs: list[Recommendation],
    facts: dict[str, Any],
    tables: Tables,
) -> list[Caution]:
    """The label's hepatic-impairment statement for each drug in play, for the patient's
    category (none or not recorded: nothing). The dose is shown, never changed."""
    category = patient.hepatic_impairment
    if category is None or category.value == "none":
        return []
    out: list[Caution] = []
    for rule in tables.hepatic.rules:
        if rule.drug in drugs_in_play and category.value in rule.categories:
            message = rule.message.replace("{category}", category.value).replace(
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


@dataclass(frozen=True)
class Advice:
    recommendations: list[Recommendation]
    cautions: list[Caution]
    facts: dict[str, Any]


def advise(
    patient: Patient,
    genotype: GenotypeResult | None,
    risk: RiskPanel,
    response: list[TimepointResponse],
    kb: KnowledgeBase,
) -> Advice:
    """Ranked options and cautions, with the facts they were derived from."""
    tables = load_tables(kb)
    table = tables.rules
    facts = patient_facts(patient, genotype, risk, response, tables)

    excluded: set[str] = set()
    cautions: list[Caution] = []
    for ex in table.exclusions:
        if matches(ex.when, facts):
            excluded.update(ex.drugs)
            cautions.append(_caution(ex.caution, ex.id))

    ranked: list[tuple[int, int, Recommendation]] = []
    order = 0
    for rule in table.rules:
        if not matches(rule.when, facts):
            continue
        kept = dropped_for_genotype = 0
        for spec in rule.options:
            rec = _render_option(rule, spec, facts, tables.drugs)
            if rec is None:
                continue
            if any(r.drug in excluded for r in rec.regimen):
                dropped_for_genotype += 1
                continue
            ranked.append((spec.rank, order, rec))
            order += 1
            kept += 1
        # A rule whose every option the genotype excludes does not apply: its cautions
        # (e.g. "do not interrupt the TKI") would contradict the options that replace it.
        if not (dropped_for_genotype and not kept):
            cautions.extend(_caution(c, rule.id) for c in rule.cautions)
    ranked.sort(key=lambda t: (t[0], t[1]))

    recs: list[Recommendation] = []
    seen: set[tuple[Any, ...]] = set()
    for _, _, rec in ranked:
        sig = _signature(rec)
        if sig not in seen:
            seen.add(sig)
            recs.append(rec)
    if not recs:
        fb = _render_option(
            therapy_rules.Rule(
                id="fallback",
                title="fallback",
                when={},
                source_ids=table.fallback.evidence.source_ids,
            ),
            table.fallback,
            facts,
            tables.drugs,
        )
        if fb is not None:
            recs.append(fb)

    recommended = sorted({r.drug for rec in recs for r in rec.regimen})
    post_facts = {**facts, "recommended_drugs": recommended}
    for rule in table.post_cautions:
        if matches(rule.when, post_facts):
            cautions.extend(_caution(c, rule.id) for c in rule.cautions)
    resistant = table.resistant_drug_caution
    if resistant is not None and genotype is not None:
        sensitivity = genotype.sensitivity.model_dump()
        for drug in recommended:
            if sensitivity.get(drug) == "resistant":
                sources = genotype.sensitivity_source_ids.get(drug, [])
                cautions.append(
                    Caution(
                        code=resistant.code,
                        message=resistant.message.replace("{drug}", drug),
                        source_ids=sorted({*resistant.source_ids, *sources}),
                        severity=resistant.severity,
                        confidence=resistant.confidence,
                        rule_id="genotype-sensitivity",
                    )
                )
    if facts.get("unknown_drugs") and table.unknown_drug_caution is not None:
        unknown = table.unknown_drug_caution
        cautions.append(
            Caution(
                code=unknown.code,
                message=unknown.message.replace("{paths}", ", ".join(facts["unknown_drugs"])),
                source_ids=list(unknown.source_ids),
                severity=unknown.severity,
                confidence=unknown.confidence,
                rule_id="input-drug-names",
            )
        )
    current = [facts["last_drug"]] if facts["last_stop"] == "ongoing" else []
    in_play = sorted({*recommended, *current})
    cautions.extend(_interaction_cautions(patient, in_play, tables))
    cautions.extend(_hepatic_cautions(patient, in_play, recs, facts, tables))

    unique: list[Caution] = []
    codes: set[tuple[str, str]] = set()
    for c in cautions:
        if (c.code, c.message) not in codes:
            codes.add((c.code, c.message))
            unique.append(c)
    return Advice(recommendations=recs, cautions=unique, facts=post_facts)
