"""Hepatic-impairment label cautions (issue 5 §3): one cell per drug x category the table
states, silence without the field or with "none", and two end-to-end assessments.

Expected statements, per label text read (see therapy_hepatic.yaml notes): imatinib EU SmPC 4.2
(minimum 400 mg/day) and Ramanathan 2008 (NCI-ODWG); sunitinib (Child-Pugh A/B no adjustment,
C not studied); regorafenib US PI 8.6 (A/B no adjustment, C not recommended); ripretinib (mild
no adjustment, moderate/severe not established); avapritinib (bilirubin <= 3 x ULN no
adjustment, severe not established); larotrectinib (A none, B/C starting dose -50%).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gistcds.assess import assess
from gistcds.domain.patient import Patient
from gistcds.domain.results.risk import RiskPanel
from gistcds.domain.results.therapy import Caution
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema import therapy_hepatic
from therapy_helpers import genotype, line, metastatic, recommend_for

ROOT = Path(__file__).resolve().parents[1]

# (drug, category) -> (rule id, severity, phrase the message must contain)
CELLS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("imatinib", "mild"): ("HEP-imatinib-mild", "warning", "500 mg/day"),
    ("imatinib", "moderate"): (
        "HEP-imatinib-moderate",
        "warning",
        "minimum recommended dose of 400",
    ),
    ("imatinib", "severe"): ("HEP-imatinib-severe", "warning", "US label's dose advice"),
    ("sunitinib", "mild"): ("HEP-sunitinib-mild-moderate", "info", "no starting-dose adjustment"),
    ("sunitinib", "moderate"): ("HEP-sunitinib-mild-moderate", "info", "Child-Pugh A/B"),
    ("sunitinib", "severe"): ("HEP-sunitinib-severe", "warning", "not studied"),
    ("regorafenib", "mild"): ("HEP-regorafenib-mild-moderate", "warning", "close monitoring"),
    ("regorafenib", "moderate"): ("HEP-regorafenib-mild-moderate", "warning", "no dose adjustment"),
    ("regorafenib", "severe"): ("HEP-regorafenib-severe", "critical", "not recommended"),
    ("ripretinib", "mild"): ("HEP-ripretinib-mild", "info", "no dose adjustment"),
    ("ripretinib", "moderate"): (
        "HEP-ripretinib-moderate-severe",
        "warning",
        "not been established",
    ),
    ("ripretinib", "severe"): ("HEP-ripretinib-moderate-severe", "warning", "not been established"),
    ("avapritinib", "mild"): ("HEP-avapritinib-mild-moderate", "info", "no dose adjustment"),
    ("avapritinib", "moderate"): ("HEP-avapritinib-mild-moderate", "info", "no dose adjustment"),
    ("avapritinib", "severe"): ("HEP-avapritinib-severe", "warning", "not been established"),
    ("larotrectinib", "mild"): ("HEP-larotrectinib-mild", "info", "no dose adjustment"),
    ("larotrectinib", "moderate"): ("HEP-larotrectinib-moderate-severe", "warning", "by 50%"),
    ("larotrectinib", "severe"): ("HEP-larotrectinib-moderate-severe", "warning", "by 50%"),
}

# An ongoing line of the drug at its label dose, with the genotype that keeps it in play.
ONGOING: dict[str, tuple[float, str]] = {
    "imatinib": (400, "KIT_exon11"),
    "sunitinib": (50, "KIT_exon11"),
    "regorafenib": (160, "KIT_exon11"),
    "ripretinib": (150, "KIT_exon11"),
    "avapritinib": (300, "PDGFRA_D842V"),
    "larotrectinib": (200, "NTRK_fusion"),
}


def hepatic(cautions: list[Caution]) -> list[Caution]:
    return [c for c in cautions if c.code.startswith("hepatic_impairment_dose")]


def on_drug(drug: str, category: str | None, kb: KnowledgeBase) -> list[Caution]:
    dose, cls = ONGOING[drug]
    fields: dict[str, Any] = {"therapy_lines": [line(drug, dose, None)]}
    if category is not None:
        fields["hepatic_impairment"] = category
    a = recommend_for(metastatic(**fields), genotype(cls), RiskPanel(), [], kb)
    return hepatic(a.cautions)


def test_table_covers_exactly_the_expected_cells(kb: KnowledgeBase) -> None:
    table = kb.table("therapy_hepatic", therapy_hepatic.Table)
    cells = {(r.drug, c): r.id for r in table.rules for c in r.categories}
    assert cells == {k: v[0] for k, v in CELLS.items()}


@pytest.mark.parametrize(("drug", "category"), sorted(CELLS))
def test_cell(drug: str, category: str, kb: KnowledgeBase) -> None:
    rule_id, severity, phrase = CELLS[(drug, category)]
    found = [c for c in on_drug(drug, category, kb) if c.code.endswith(drug)]
    assert len(found) == 1, [c.rule_id for c in found]
    c = found[0]
    assert (c.rule_id, c.severity, c.code) == (rule_id, severity, f"hepatic_impairment_dose_{drug}")
    assert phrase in c.message and drug in c.message and category in c.message
    assert "{" not in c.message
    assert "mg/day" in c.message.split("Proposed here")[1]  # the dose is shown


@pytest.mark.parametrize("category", [None, "none"])
@pytest.mark.parametrize("drug", sorted(ONGOING))
def test_no_caution_without_impairment(drug: str, category: str | None, kb: KnowledgeBase) -> None:
    assert on_drug(drug, category, kb) == []


def test_caution_does_not_change_the_regimen(kb: KnowledgeBase) -> None:
    """The caution shows the dose; the options are the same with and without impairment."""
    g = genotype("KIT_exon11")
    base = recommend_for(metastatic(), g, RiskPanel(), [], kb)
    sick = recommend_for(metastatic(hepatic_impairment="severe"), g, RiskPanel(), [], kb)
    assert [(r.rule_id, r.regimen) for r in base.recommendations] == [
        (r.rule_id, r.regimen) for r in sick.recommendations
    ]
    [c] = hepatic(sick.cautions)
    assert "Proposed here: 400 mg/day" in c.message


def test_every_message_shows_the_dose(kb: KnowledgeBase) -> None:
    table = kb.table("therapy_hepatic", therapy_hepatic.Table)
    assert all("{dose}" in r.message for r in table.rules)


def test_docs_list_every_unverified_hepatic_rule(kb: KnowledgeBase) -> None:
    table = kb.table("therapy_hepatic", therapy_hepatic.Table)
    doc = (ROOT / "docs" / "therapy.md").read_text()
    missing = [r.id for r in table.rules if r.confidence == "unverified" and f"`{r.id}`" not in doc]
    assert missing == []


def _full_patient(variant: tuple[str, str], category: str, lines: list[Any]) -> Patient:
    return Patient.model_validate(
        {
            "id": "hep",
            "age_years": 60,
            "ecog": 1,
            "primary": {"site": "stomach", "size_cm": 8.0, "resection": "none"},
            "molecular": {
                "tested_genes": ["KIT", "PDGFRA"],
                "variants": [{"gene": variant[0], "hgvs_p": variant[1]}],
            },
            "metastatic": {"diagnosed": "2022-12-15", "sites": ["liver"]},
            "therapy_lines": lines,
            "hepatic_impairment": category,
        }
    )


def test_assess_d842v_moderate_avapritinib(kb: KnowledgeBase) -> None:
    a = assess(_full_patient(("PDGFRA", "p.D842V"), "moderate", []), kb)
    top = a.recommendations[0]
    assert [r.drug for r in top.regimen] == ["avapritinib"]
    assert top.regimen[0].dose_mg_per_day == 300  # unchanged by the caution
    [c] = hepatic(a.cautions)
    assert c.rule_id == "HEP-avapritinib-mild-moderate" and "300 mg/day" in c.message


def test_assess_imatinib_severe(kb: KnowledgeBase) -> None:
    a = assess(
        _full_patient(("KIT", "p.W557_K558del"), "severe", [line("imatinib", 400, None)]), kb
    )
    hep = {c.rule_id: c for c in hepatic(a.cautions)}
    assert "HEP-imatinib-severe" in hep
    c = hep["HEP-imatinib-severe"]
    assert c.severity == "warning" and "400 mg/day" in c.message and "severe" in c.message
