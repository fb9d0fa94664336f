"""Clinical review: properties that hold for every valid patient (docs/review.md).

A seeded grid over genotypes, settings, histories, primaries, ECOG and comedications:
no crash; every drug recommendation has a dose; every cited source resolves; no option
contains a drug the knowledge base's genotype exclusions make inactive; a systemic option
always has a regimen; an option's title never names a TKI absent from its regimen; and the
'do not interrupt' caution never sits beside an option that stops the current drug for a
genotype reason."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from gistcds.history import clinical_facts
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.conditions import matches
from gistcds.knowledge.schema import therapy_rules
from review_helpers import line, mol, patient, run

GENOTYPES: list[dict[str, Any] | None] = [
    mol(("KIT", "p.W557_K558del")),
    mol(("KIT", "A502_Y503dup")),
    mol(("PDGFRA", "D842V")),
    mol(("PDGFRA", "V561D")),
    mol(sdhb="lost"),
    mol(("NF1", "p.R1947*"), genes=("KIT", "PDGFRA", "NF1")),
    mol(("BRAF", "V600E"), genes=("KIT", "PDGFRA", "BRAF")),
    mol(fusions=[["ETV6", "NTRK3"]]),
    mol(),
    None,
    mol(("KIT", "p.W557_K558del"), {"gene": "KIT", "hgvs_p": "N822K", "source": "ctdna"}),
    mol(("KIT", "D816V")),
    mol(("KIT", "unreadable report")),
]
DRUGS = {
    "imatinib": [400, 800, 300],
    "Gleevec": [400],
    "sunitinib": [50, 37.5],
    "regorafenib": [160, 80],
    "ripretinib": [150, 300, 100],
    "avapritinib": [300, 100],
    "larotrectinib": [200],
    "nilotinib": [800],
}
PRIMARIES: list[dict[str, Any] | None] = [
    None,
    {
        "site": "stomach",
        "size_cm": 11,
        "mitoses": {"count": 12, "per": "5mm2"},
        "rupture": False,
        "resection": "R0",
    },
    {"site": "rectum", "size_cm": 3, "resection": "none"},
    {
        "site": "jejunum_ileum",
        "size_cm": 4,
        "mitoses": {"count": 3, "per": "50hpf"},
        "rupture": True,
        "resection": "R1",
    },
    {"site": "duodenum", "size_cm": 5, "nodes": "N1", "resection": "R2"},
    {"size_cm": 5},
]
TKI_WORDS = ("imatinib", "sunitinib", "regorafenib", "ripretinib", "avapritinib")


def _case(rng: random.Random) -> dict[str, Any]:
    n = rng.choice([0, 0, 1, 2, 3, 4])
    lines = []
    for k in range(n):
        drug = rng.choice(list(DRUGS))
        stop = (
            rng.choice(["progression", "toxicity", "completed", "other", None])
            if k == n - 1
            else rng.choice(["progression", "toxicity"])
        )
        setting = rng.choice(["metastatic", "metastatic", "adjuvant", None])
        lines.append(line(drug, rng.choice(DRUGS[drug]), stop, setting=setting))
    f: dict[str, Any] = {
        "therapy_lines": lines,
        "ecog": rng.choice([0, 1, 2, 3, 4, None]),
        "comedications": rng.choice(
            [[], ["rifampicin"], ["Clarithromycin 500 mg"], ["fluconazole"]]
        ),
        "age_years": rng.choice([16, 45, 80, None]),
    }
    g = rng.choice(GENOTYPES)
    p = rng.choice(PRIMARIES)
    if g is not None:
        f["molecular"] = g
    if p is not None:
        f["primary"] = p
    if rng.random() < 0.65:
        f["metastatic"] = rng.choice([{"sites": ["liver"]}, {"diagnosed": "2024-01-01"}])
    if rng.random() < 0.5:
        f["imaging"] = _imaging(rng)
        if lines:
            lines[-1]["start"] = rng.choice(["2023-06-01", "2024-02-01", "2024-06-01"])
    return f


def _imaging(rng: random.Random) -> list[dict[str, Any]]:
    """Baseline plus one or two follow-up CTs with random growth, density and new lesions."""
    sizes = {"L1": 50.0, "L2": 30.0}
    hu = 80.0
    series = []
    for i, date in enumerate(["2024-01-01", "2024-04-01", "2024-08-01"][: rng.choice([2, 3])]):
        lesions: list[dict[str, Any]] = [
            {
                "id": k,
                "organ": "liver",
                "kind": "target",
                "longest_diameter_mm": round(v, 1),
                "density_hu": round(hu, 1),
                "new_nodule_in_mass": i > 0 and rng.random() < 0.1,
            }
            for k, v in sizes.items()
        ]
        if i > 0 and rng.random() < 0.25:
            lesions.append(
                {"id": "N1", "organ": "peritoneum", "kind": "new", "longest_diameter_mm": 12}
            )
        series.append({"date": date, "lesions": lesions})
        sizes = {k: v * rng.uniform(0.6, 1.4) for k, v in sizes.items()}
        hu = hu * rng.uniform(0.5, 1.1)
    return series


CASES = [_case(random.Random(seed)) for seed in range(150)]


@pytest.mark.parametrize("fields", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_invariants(fields: dict[str, Any], kb: KnowledgeBase) -> None:
    p = patient(**fields)
    a = run(p, kb)
    sources = set(kb.sources)
    rules = kb.get(therapy_rules.Table)
    facts = clinical_facts(p, a.genotype, a.risk, a.response, kb).view
    excluded = {d for ex in rules.exclusions if matches(ex.when, facts) for d in ex.drugs}
    assert a.recommendations, "always at least one option (or the tumour-board fallback)"
    current_dropped = False
    for rec in a.recommendations:
        assert set(rec.evidence.source_ids) <= sources
        if rec.kind == "systemic":
            assert rec.regimen, rec.rule_id
        for item in rec.regimen:
            assert item.dose_mg_per_day is not None and item.dose_mg_per_day > 0, rec.rule_id
            assert item.drug not in excluded, (rec.rule_id, item.drug)
            assert item.drug == item.drug.lower()
        named = {w for w in TKI_WORDS if w in rec.title.lower()}
        assert named <= {r.drug for r in rec.regimen} or not rec.regimen, (rec.rule_id, rec.title)
        for pos in rec.positions:
            assert set(pos.source_ids) <= sources, rec.rule_id
        title_mg = {float(x) for x in re.findall(r"(\d+(?:\.\d+)?)\s*mg", rec.title)}
        if title_mg and len(rec.regimen) == 1:
            dose = rec.regimen[0].dose_mg_per_day
            assert dose in title_mg or (dose or 0) / 2 in title_mg, (rec.rule_id, rec.title)
    for c in a.cautions:
        assert set(c.source_ids) <= sources, c.code
    for v in a.followup:
        assert set(v.source_ids) <= sources, v.rule_id
    if a.genotype is not None:
        for ids in a.genotype.sensitivity_source_ids.values():
            assert set(ids) <= sources
    if a.prognosis is not None:
        assert set(a.prognosis.source_ids) <= sources
    if facts["last_stop"] == "ongoing" and facts["last_drug"] in excluded:
        current_dropped = True
    if current_dropped:
        assert "do_not_interrupt" not in {c.code for c in a.cautions}


def test_grid_covers_the_interesting_cases() -> None:
    """The seeded grid is not degenerate: it reaches D842V, brand names and adjuvant lines."""
    assert any(c.get("molecular") == GENOTYPES[2] for c in CASES)
    assert any(ln["drug"] == "Gleevec" for c in CASES for ln in c["therapy_lines"])
    assert any(ln["setting"] == "adjuvant" for c in CASES for ln in c["therapy_lines"])


def test_every_exclusion_is_cited(kb: KnowledgeBase) -> None:
    table = kb.table("therapy_rules", therapy_rules.Table)
    assert all(ex.caution.source_ids for ex in table.exclusions)
