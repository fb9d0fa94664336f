"""Expand the first matching schedule of ``followup.yaml`` into visits.

The conditions use the same facts as the therapy rules (so "high risk" is defined
once, in ``therapy_rules.yaml``); this module only selects and expands.
"""

from __future__ import annotations

from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import GenotypeResult
from gistcds.domain.results.risk import RiskPanel
from gistcds.domain.results.therapy import FollowupVisit
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema import followup as schema
from gistcds.therapy.conditions import matches
from gistcds.therapy.engine import load_tables, patient_facts


def plan(
    patient: Patient, risk: RiskPanel, genotype: GenotypeResult | None, kb: KnowledgeBase
) -> list[FollowupVisit]:
    table = kb.table("followup", schema.Table)
    facts = patient_facts(patient, genotype, risk, [], load_tables(kb))
    for rule in table.schedules:
        if not matches(rule.when, facts):
            continue
        visits = [
            FollowupVisit(
                month=v.month,
                exam=v.exam,
                source_ids=list(rule.source_ids),
                rule_id=rule.id,
                confidence=rule.confidence,
            )
            for v in rule.visits
        ]
        for seg in rule.segments:
            month = seg.from_month
            while month <= seg.to_month + 1e-9:
                visits.append(
                    FollowupVisit(
                        month=month,
                        exam=seg.exam,
                        source_ids=list(rule.source_ids),
                        rule_id=rule.id,
                        confidence=rule.confidence,
                    )
                )
                month += seg.every_months
        return sorted(visits, key=lambda v: v.month)
    return []
