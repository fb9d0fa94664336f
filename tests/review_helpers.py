"""Builders for the clinical review tests: whole patients run through ``assess``."""

from __future__ import annotations

from typing import Any

from conftest import TODAY
from gistcds.assess import assess
from gistcds.domain.assessment import Assessment
from gistcds.domain.patient import Patient
from gistcds.io.patient_json import validation_context
from gistcds.knowledge import KnowledgeBase
from therapy_helpers import line as line  # re-exported: one helper for a therapy-line record

KIT11 = ("KIT", "p.W557_K558del")
KIT9 = ("KIT", "p.A502_Y503dup")
D842V = ("PDGFRA", "D842V")
HIGH_RISK_GASTRIC = {
    "site": "stomach",
    "size_cm": 11,
    "mitoses": {"count": 12, "per": "5mm2"},
    "rupture": False,
    "resection": "R0",
}


def mol(
    *variants: tuple[str, str] | dict[str, Any],
    genes: tuple[str, ...] = ("KIT", "PDGFRA"),
    sdhb: str | None = None,
    fusions: list[list[str]] | None = None,
) -> dict[str, Any]:
    m: dict[str, Any] = {
        "tested_genes": list(genes),
        "variants": [
            v if isinstance(v, dict) else {"gene": v[0], "hgvs_p": v[1]} for v in variants
        ],
    }
    if sdhb:
        m["sdhb_ihc"] = sdhb
    if fusions:
        m["fusions"] = [{"genes": f} for f in fusions]
    return m


def patient(**fields: Any) -> Patient:
    base: dict[str, Any] = {"id": "review", "ecog": 1}
    base.update(fields)
    return Patient.model_validate(base, context=validation_context(base, TODAY))


def metastatic(**fields: Any) -> Patient:
    fields.setdefault("metastatic", {"diagnosed": "2022-12-15", "sites": ["liver"]})
    return patient(**fields)


def run(p: Patient, kb: KnowledgeBase) -> Assessment:
    return assess(p, kb)


def regimens(a: Assessment) -> list[set[str]]:
    return [{r.drug for r in rec.regimen} for rec in a.recommendations]


def all_drugs(a: Assessment) -> set[str]:
    return {r.drug for rec in a.recommendations for r in rec.regimen}


def top_drugs(a: Assessment) -> set[str]:
    return {r.drug for r in a.recommendations[0].regimen} if a.recommendations else set()


def doses(a: Assessment, n: int = 99) -> set[tuple[str, float | None]]:
    return {(r.drug, r.dose_mg_per_day) for rec in a.recommendations[:n] for r in rec.regimen}


def codes(a: Assessment) -> set[str]:
    return {c.code for c in a.cautions}


def rule_ids(a: Assessment) -> list[str]:
    return [r.rule_id for r in a.recommendations]


def lesion(lid: str, mm: float, hu: float | None = None, **kw: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"id": lid, "organ": "liver", "kind": "target", "longest_diameter_mm": mm}
    if hu is not None:
        d["density_hu"] = hu
    d.update(kw)
    return d
