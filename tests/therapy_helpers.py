"""Builders for therapy/follow-up tests: inputs of the other engines, constructed directly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import GenotypeResult, SecondaryMutation, Sensitivity
from gistcds.domain.results.response import TimepointResponse
from gistcds.domain.results.risk import AfipResult, NihResult, RiskPanel
from gistcds.domain.results.therapy import Recommendation


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
    return Patient.model_validate(base)


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
