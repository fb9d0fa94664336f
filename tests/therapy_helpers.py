"""Builders for therapy/follow-up tests: inputs of the other engines, constructed directly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gistcds.domain.facts import ClinicalFacts
from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import GenotypeResult, SecondaryMutation, Sensitivity
from gistcds.domain.results.prognosis import Prognosis
from gistcds.domain.results.response import TimepointResponse
from gistcds.domain.results.risk import AfipResult, NihResult, RiskPanel
from gistcds.domain.results.therapy import FollowupVisit, Recommendation
from gistcds.followup import plan_followup
from gistcds.history import clinical_facts
from gistcds.io.patient_json import validation_context
from gistcds.knowledge import KnowledgeBase
from gistcds.therapy import TherapyAdvice, recommend


def genotype(cls: str, *, secondary: list[str] | None = None, **sens: str) -> GenotypeResult:
    """A GenotypeResult of class ``cls``; ``secondary`` lists secondary-mutation regions."""
    return GenotypeResult.model_validate(
        {
            "class": cls,
            "secondary_mutations": [
                SecondaryMutation(
                    gene="KIT", hgvs_p=None, exon=None, region=r, source="ctdna"
                ).model_dump()
                for r in (secondary or [])
            ],
            "sensitivity": Sensitivity.model_validate(sens).model_dump(),
        }
    )


def risk(nih: str | None = None, mod: str | None = None, afip: str | None = None) -> RiskPanel:
    return RiskPanel(
        nih=NihResult(category=nih) if nih else None,  # type: ignore[arg-type]
        modified_nih=NihResult(category=mod) if mod else None,  # type: ignore[arg-type]
        afip=AfipResult(category=afip) if afip else None,  # type: ignore[arg-type]
    )


def response(recist: str, choi: str) -> list[TimepointResponse]:
    return [
        TimepointResponse.model_validate(
            {
                "date": "2025-03-28",
                "recist": recist,
                "choi": choi,
                "sum_mm": None,
                "change_from_baseline_pct": None,
                "change_from_nadir_pct": None,
            }
        )
    ]


def patient(**fields: Any) -> Patient:
    base: dict[str, Any] = {"id": "t", "ecog": 1}
    base.update(fields)
    return Patient.model_validate(base, context=validation_context(base))


def metastatic(**fields: Any) -> Patient:
    return patient(metastatic={"diagnosed": "2022-12-15", "sites": ["liver"]}, **fields)


def line(
    drug: str, dose: float | None, stop: str | None = "progression", **kw: Any
) -> dict[str, Any]:
    d: dict[str, Any] = {
        "drug": drug,
        "dose_mg_per_day": dose,
        "setting": kw.pop("setting", "metastatic"),
        "stop_reason": stop,
    }
    if stop == "progression":
        d["progression"] = kw.pop("progression", "generalized")
    d.update(kw)
    return d


def drugs(rec: Recommendation) -> set[str]:
    return {r.drug for r in rec.regimen}


def all_drugs(recs: list[Recommendation]) -> set[str]:
    return {r.drug for rec in recs for r in rec.regimen}


def shared_case(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def facts_of(
    p: Patient,
    g: GenotypeResult | None,
    r: RiskPanel,
    resp: list[TimepointResponse],
    kb: KnowledgeBase,
) -> ClinicalFacts:
    """The ClinicalFacts assess() would hand the engines for these inputs."""
    return clinical_facts(p, g, r, resp, kb)


def recommend_for(
    p: Patient,
    g: GenotypeResult | None,
    r: RiskPanel,
    resp: list[TimepointResponse],
    kb: KnowledgeBase,
) -> TherapyAdvice:
    """The therapy engine's advice for these inputs (facts derived as assess() does)."""
    return recommend(facts_of(p, g, r, resp, kb), kb)


def followup_for(
    p: Patient, r: RiskPanel, g: GenotypeResult | None, kb: KnowledgeBase
) -> list[FollowupVisit]:
    """The follow-up plan for these inputs (no imaging: follow-up does not read it)."""
    return plan_followup(facts_of(p, g, r, [], kb), kb)


def prognosis_for(
    p: Patient, g: GenotypeResult | None, recs: list[Recommendation], kb: KnowledgeBase
) -> Prognosis | None:
    """The prognosis engine's answer for these inputs, with the risk panel and response
    the risk and response engines give for the patient (as assess() does)."""
    from gistcds.prognosis import estimate_prognosis
    from gistcds.response import assess_response
    from gistcds.risk import assess_risk

    facts = facts_of(p, g, assess_risk(p, kb), assess_response(p, kb), kb)
    return estimate_prognosis(facts, g, recs, kb)
