"""Do the recurrence-risk systems agree? One judgement, made here from the KB's tier
equivalence and decision thresholds (``risk_concordance.yaml``), so that no renderer decides.

Nodal metastasis comes first: N1 is AJCC 8th stage IV whatever the recurrence categories say.
Otherwise the systems' categories are mapped to common tiers; the same tier everywhere is
``concordant``; different tiers on the same side of every decision threshold are
``differ_same_decision``; tiers separated by a threshold are ``discordant``.
"""

from __future__ import annotations

from gistcds.domain.results.risk import (
    AfipResult,
    ConcordanceSystem,
    NihResult,
    RiskConcordance,
    RiskPanel,
)
from gistcds.knowledge.schema.risk_concordance import Code, Decision, System, Table

__all__ = ["concordance"]


def _systems(panel: RiskPanel, table: Table) -> list[ConcordanceSystem]:
    eq = table.equivalence
    results: list[tuple[System, NihResult | AfipResult | None]] = [
        ("nih", panel.nih),
        ("modified_nih", panel.modified_nih),
        ("afip", panel.afip),
    ]
    out = []
    for key, res in results:
        category = res.category if res is not None else None
        tier = eq.systems.get(key, {}).get(category) if category else None
        if category and tier is not None:
            out.append(
                ConcordanceSystem(system=key, name=eq.names[key], category=category, tier=tier)
            )
    return out


def _listing(systems: list[ConcordanceSystem]) -> str:
    return "; ".join(f"{s.name} {s.category.replace('_', ' ')}" for s in systems)


def _split(systems: list[ConcordanceSystem], decisions: list[Decision]) -> Decision | None:
    """The first decision threshold that separates the systems' tiers, if any."""
    for d in decisions:
        if len({s.tier in d.above for s in systems}) > 1:
            return d
    return None


def _result(
    table: Table, code: Code, systems: list[ConcordanceSystem], decision: Decision | None
) -> RiskConcordance:
    msg = table.messages[code]
    label = decision.label if decision else table.decisions[0].label
    text = " ".join(msg.text.split()).format(systems=_listing(systems), decision=label)
    sources = list(dict.fromkeys([*msg.source_ids, *table.equivalence.source_ids]))
    if decision is not None:
        sources += [s for s in decision.source_ids if s not in sources]
    return RiskConcordance(
        code=code,
        severity=msg.severity,
        message=text,
        systems=systems,
        decision=decision.label if decision else None,
        source_ids=sources,
        confidence=msg.confidence,
    )


def concordance(panel: RiskPanel, table: Table) -> RiskConcordance | None:
    """The agreement of the panel's systems; None with fewer than two and no nodal conflict."""
    systems = _systems(panel, table)
    a = panel.ajcc8
    if a is not None and a.n == "N1" and a.m == "M0" and a.stage is not None and systems:
        stage = ConcordanceSystem(
            system="ajcc8", name=table.equivalence.names["ajcc8"], category=f"stage {a.stage}"
        )
        return _result(table, "nodal_metastasis", [*systems, stage], table.decisions[0])
    if len(systems) < 2:
        return None
    if len({s.tier for s in systems}) == 1:
        return _result(table, "concordant", systems, None)
    split = _split(systems, table.decisions)
    if split is None:
        return _result(table, "differ_same_decision", systems, table.decisions[0])
    return _result(table, "discordant", systems, split)
