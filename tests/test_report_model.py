"""The report's content model, and the synthetic cases every report test uses.

``full_case()`` fills every part of an Assessment with the engines' own result models
(prognosis alternatives, a sequence simulation, the response summary, unverified
statements, the summary of a full record). ``empty_case()`` fills nothing but the summary
of a record with only an id. Both use a
small synthetic knowledge base whose sources are labelled as synthetic (DOI prefix
10.5555, the Crossref test prefix), so snapshots do not move when the real KB grows.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path
from typing import Literal

from gistcds.domain.assessment import Assessment
from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import (
    CitedRemark,
    GenotypeResult,
    InterpretedVariant,
    SecondaryMutation,
    Sensitivity,
)
from gistcds.domain.results.prognosis import (
    EvidenceArm,
    FactorEffect,
    OptionPrognosis,
    Prognosis,
    SequenceLine,
    SequenceSimulation,
    SurvivalEstimate,
)
from gistcds.domain.results.response import (
    DensityPoint,
    LesionTrajectory,
    ResponseSummary,
    TimepointResponse,
    TrajectoryPoint,
)
from gistcds.domain.results.risk import (
    AfipResult,
    Ajcc8Result,
    MskccResult,
    NihResult,
    RiskConcordance,
    RiskPanel,
)
from gistcds.domain.results.therapy import (
    Caution,
    Evidence,
    FollowupVisit,
    Position,
    Recommendation,
    RegimenItem,
)
from gistcds.history import record_summary
from gistcds.knowledge import KnowledgeBase, Source
from gistcds.report.model import (
    NOT_APPLICABLE,
    NOT_ASSESSED,
    SECTIONS,
    build_report,
    cite_text,
)

GENERATED = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)
SYNTHETIC_IDS = [f"synth{n}" for n in range(1, 13)]


def synthetic_kb() -> KnowledgeBase:
    sources = {
        sid: Source(
            id=sid,
            authors=f"Synthetic A{n}, Example B",
            title=f"Synthetic test source {n} (not a publication)",
            journal="Test J",
            year=2000 + n,
            doi=f"10.5555/gistcds.synthetic.{n}",
        )
        for n, sid in enumerate(SYNTHETIC_IDS, 1)
    }
    return KnowledgeBase(version="2026.11+synthetic", directory=Path("."), sources=sources)


def full_patient() -> Patient:
    return Patient.model_validate(
        {
            "id": "synthetic-full-001",
            "age_years": 63,
            "sex": "female",
            "ecog": 1,
            "primary": {
                "site": "stomach",
                "size_cm": 11,
                "mitoses": {"count": 9, "per": "5mm2"},
                "rupture": False,
                "resection": "R0",
                "nodes": "N0",
            },
            "molecular": {
                "tested_genes": ["KIT", "PDGFRA"],
                "variants": [
                    {"gene": "KIT", "hgvs_p": "p.W557_K558del", "date": "2021-03-01"},
                    {"gene": "KIT", "hgvs_p": "p.V654A", "source": "ctdna", "date": "2025-09-01"},
                ],
                "sdhb_ihc": "retained",
            },
            "metastatic": {"diagnosed": "2023-01-10", "sites": ["liver", "peritoneum"]},
            "labs": {"neutrophils_10e9_per_l": 4.4, "hemoglobin_g_per_dl": 11.9},
            "therapy_lines": [
                {
                    "drug": "imatinib",
                    "dose_mg_per_day": 400,
                    "setting": "adjuvant",
                    "start": "2021-04-01",
                    "end": "2022-04-01",
                    "stop_reason": "completed",
                },
                {
                    "drug": "imatinib",
                    "dose_mg_per_day": 400,
                    "setting": "metastatic",
                    "start": "2023-01-20",
                    "end": "2025-08-20",
                    "best_response": "PR",
                    "stop_reason": "progression",
                    "progression": "generalized",
                },
                {
                    "drug": "sunitinib",
                    "dose_mg_per_day": 37.5,
                    "setting": "metastatic",
                    "start": "2025-09-01",
                    "best_response": "SD",
                },
            ],
            "imaging": [
                {
                    "date": "2023-01-15",
                    "lesions": [
                        {
                            "id": "L1",
                            "organ": "liver",
                            "kind": "target",
                            "longest_diameter_mm": 48,
                            "density_hu": 92,
                        },
                        {
                            "id": "L2",
                            "organ": "liver",
                            "kind": "target",
                            "longest_diameter_mm": 30,
                            "density_hu": 88,
                        },
                        {"id": "N1", "organ": "lymph_node", "kind": "target", "short_axis_mm": 17},
                        {
                            "id": "P1",
                            "organ": "peritoneum",
                            "kind": "non_target",
                            "status": "present",
                        },
                    ],
                },
                {
                    "date": "2023-04-15",
                    "lesions": [
                        {
                            "id": "L1",
                            "organ": "liver",
                            "kind": "target",
                            "longest_diameter_mm": 40,
                            "density_hu": 55,
                        },
                        {
                            "id": "L2",
                            "organ": "liver",
                            "kind": "target",
                            "longest_diameter_mm": 24,
                            "density_hu": 50,
                        },
                        {"id": "N1", "organ": "lymph_node", "kind": "target", "short_axis_mm": 12},
                        {
                            "id": "P1",
                            "organ": "peritoneum",
                            "kind": "non_target",
                            "status": "present",
                        },
                    ],
                },
                {
                    "date": "2024-06-10",
                    "lesions": [
                        {
                            "id": "L1",
                            "organ": "liver",
                            "kind": "target",
                            "longest_diameter_mm": 30,
                            "density_hu": 40,
                        },
                        {
                            "id": "L2",
                            "organ": "liver",
                            "kind": "target",
                            "longest_diameter_mm": 18,
                            "density_hu": 38,
                        },
                        {"id": "N1", "organ": "lymph_node", "kind": "target", "short_axis_mm": 9},
                        {
                            "id": "P1",
                            "organ": "peritoneum",
                            "kind": "non_target",
                            "status": "present",
                        },
                    ],
                },
                {
                    "date": "2025-08-12",
                    "lesions": [
                        {
                            "id": "L1",
                            "organ": "liver",
                            "kind": "target",
                            "longest_diameter_mm": 41,
                            "density_hu": 60,
                        },
                        {
                            "id": "L2",
                            "organ": "liver",
                            "kind": "target",
                            "longest_diameter_mm": 22,
                            "density_hu": 52,
                        },
                        {"id": "N1", "organ": "lymph_node", "kind": "target", "short_axis_mm": 10},
                        {
                            "id": "P1",
                            "organ": "peritoneum",
                            "kind": "non_target",
                            "status": "present",
                        },
                        {"id": "L3", "organ": "liver", "kind": "new", "longest_diameter_mm": 11},
                    ],
                },
            ],
            "comedications": ["clarithromycin"],
        },
        context={"today": dt.date(2026, 11, 26)},
    )


def _curve(median: float, scale: float = 1.0) -> list[tuple[float, float]]:
    """Synthetic exponential curve with the given median (months), 0..60 months."""
    rate = math.log(2) / median
    return [(float(t), round(math.exp(-rate * t * scale), 4)) for t in range(0, 61, 3)]


def _arm(
    trial: str, endpoint: Literal["PFS", "TTP", "OS"], n: int, sid: str, confidence: str
) -> EvidenceArm:
    return EvidenceArm.model_validate(
        {
            "arm_id": f"synthetic_{endpoint.lower()}",
            "trial": trial,
            "population": "synthetic",
            "drug": "sunitinib",
            "dose_mg_per_day": 37.5,
            "lines": [2],
            "genotype_group": "all",
            "endpoint": endpoint,
            "n": n,
            "published_median_months": None,
            "model": "exponential: synthetic",
            "uncertainty_basis": "synthetic",
            "source_ids": [sid],
            "confidence": confidence,
        }
    )


def _factor(
    label: str, hr: float | None, present: bool | None, applied: bool, reason: str, sid: str
) -> FactorEffect:
    return FactorEffect(
        id=label.replace(" ", "_"),
        label=label,
        endpoint="PFS",
        direction="adverse",
        hazard_ratio=hr,
        present=present,
        applied=applied,
        reason=reason,
        source_ids=[sid],
    )


def _estimate(
    median: float, arm: EvidenceArm | None = None, factors: list[FactorEffect] | None = None
) -> SurvivalEstimate:
    at = {y: round(math.exp(-math.log(2) / median * 12 * y), 3) for y in (1, 2, 5)}
    return SurvivalEstimate(
        median_months=median,
        median_lower=round(median * 0.8, 1),
        median_upper=round(median * 1.25, 1),
        survival_1y=at[1],
        survival_2y=at[2],
        survival_5y=at[5],
        curve=_curve(median),
        lower=_curve(median * 0.75),
        upper=_curve(median * 1.3),
        evidence=arm,
        adjustments=factors or [],
    )


def _sequence(s: list[str]) -> SequenceSimulation:
    def line(n: int, drug: str, med: float, reached: float, nxt: float | None) -> SequenceLine:
        return SequenceLine(
            line=n,
            drug=drug,
            dose_mg_per_day=None,
            arm_id=f"synthetic_{drug}",
            trial=f"Synthetic trial {drug}",
            endpoint="PFS",
            fallback=drug == "ripretinib",
            confidence="secondary",
            reached_fraction=reached,
            median_months_on_line=med,
            quartiles_months_on_line=(round(med * 0.45, 1), round(med * 1.9, 1)),
            proceed_probability=nxt,
            proceed_basis="synthetic crossover figure" if nxt else None,
            proceed_confidence=("unverified" if n == 4 else "secondary") if nxt else None,
            source_ids=[s[7]] if drug == "sunitinib" else [s[10]],
        )

    return SequenceSimulation(
        sequence_id="synthetic",
        label="imatinib -> sunitinib -> regorafenib -> ripretinib",
        start_line=3,
        drugs=["sunitinib", "regorafenib", "ripretinib"],
        patients=20000,
        seed=20261126,
        os_median_months=22.4,
        os_quartiles_months=(13.1, 35.0),
        os_p10_p90_months=(7.2, 52.3),
        os_survival_1y=0.8,
        os_survival_2y=0.46,
        os_survival_5y=0.06,
        lines=[
            line(3, "sunitinib", 5.6, 1.0, 0.85),
            line(4, "regorafenib", 4.8, 0.85, 0.85),
            line(5, "ripretinib", 6.3, 0.72, None),
        ],
        post_last_line_arm="synthetic_placebo_os",
        post_last_line_trial="Synthetic placebo arm",
        post_last_line_note="Survival after the last line (synthetic).",
        post_last_line_confidence="secondary",
        caveat="Population-level simulation, synthetic.",
        method="Synthetic sequence for the report tests.",
        notes=["line 5: all-comers arm used (synthetic)."],
        source_ids=[s[7], s[10]],
    )


def full_assessment() -> Assessment:
    s = SYNTHETIC_IDS
    return Assessment(
        patient_id="synthetic-full-001",
        knowledge_base_version="2026.11+synthetic",
        gistcds_version="0.1.0",
        record=record_summary(full_patient()),
        risk=RiskPanel(
            nih=NihResult(category="high", rationale="size > 10 cm", source_ids=[s[0]]),
            modified_nih=NihResult(category="high", rationale="size > 10 cm", source_ids=[s[1]]),
            afip=AfipResult(
                category="moderate",
                progression_pct=12,
                rationale="gastric, > 10 cm, ≤ 5 mitoses/5 mm² cell",
                source_ids=[s[2]],
            ),
            mskcc=MskccResult(rfs_2y=0.71, rfs_5y=0.52, rationale="nomogram", source_ids=[s[3]]),
            ajcc8=Ajcc8Result(
                t="T4", n="N0", m="M1", mitotic_rate="high", stage="IV", source_ids=[s[4]]
            ),
            # as the risk engine judges it (the report shows it, it does not decide it)
            concordance=RiskConcordance(
                code="discordant",
                severity="warning",
                message="The systems do not agree on the risk category: NIH high, AFIP "
                "moderate. Decide on the full picture at the tumour board.",
                source_ids=[s[2]],
            ),
        ),
        genotype=GenotypeResult.model_validate(
            {
                "class": "KIT_exon11",
                "rationale": "KIT exon 11 deletion (W557_K558del): juxtamembrane domain.",
                "variants": [
                    InterpretedVariant(
                        gene="KIT",
                        input="p.W557_K558del",
                        hgvs_p="p.Trp557_Lys558del",
                        exon=11,
                        region="juxtamembrane",
                        role="primary",
                        date=dt.date(2021, 3, 1),
                    ),
                    InterpretedVariant(
                        gene="KIT",
                        input="p.V654A",
                        hgvs_p="p.Val654Ala",
                        exon=13,
                        region="ATP pocket",
                        role="secondary",
                        source="ctdna",
                        date=dt.date(2025, 9, 1),
                    ),
                ],
                "secondary_mutations": [
                    SecondaryMutation(
                        gene="KIT",
                        hgvs_p="p.Val654Ala",
                        exon=13,
                        region="KIT_ATP_pocket",
                        source="ctdna",
                        date=dt.date(2025, 9, 1),
                    )
                ],
                "sensitivity": Sensitivity(
                    imatinib="resistant",
                    sunitinib="sensitive",
                    regorafenib="intermediate",
                    ripretinib="intermediate",
                    avapritinib="unknown",
                ),
                "sensitivity_source_ids": {
                    "imatinib": [s[5]],
                    "sunitinib": [s[5], s[6]],
                    "regorafenib": [s[6]],
                },
                "sensitivity_notes": {"sunitinib": "ATP-pocket secondary: favoured (synthetic)"},
                "sensitivity_confidence": {"regorafenib": "unverified"},
                "remarks": [
                    CitedRemark(text="ATP-pocket mutation favours sunitinib.", source_ids=[s[6]])
                ],
                "primary_driver": "KIT p.Trp557_Lys558del",
                "kit_pdgfra_status": "mutant",
                "suggested_tests": ["tissue confirmation of the ctDNA finding (synthetic)"],
            }
        ),
        recommendations=[
            Recommendation(
                rule_id="met.second_line.sunitinib",
                kind="systemic",
                title="Sunitinib",
                regimen=[
                    RegimenItem(drug="sunitinib", dose_mg_per_day=37.5, schedule="continuous daily")
                ],
                line=3,
                evidence=Evidence(source_ids=[s[7]], level="I, A", confidence="primary"),
                rationale="Progression on imatinib with a KIT exon 13 secondary mutation.",
                positions=[
                    Position(
                        guideline="ESMO 2022",
                        statement="standard second line",
                        level="I, A",
                        source_ids=[s[8]],
                    ),
                    Position(
                        guideline="NCCN 2024",
                        statement="preferred second line",
                        source_ids=[s[9]],
                        confidence="unverified",
                    ),
                ],
            ),
            Recommendation(
                rule_id="met.trial",
                kind="trial",
                title="Clinical trial",
                evidence=Evidence(source_ids=[s[8]], level="expert opinion"),
                rationale="Discuss at a sarcoma tumour board.",
            ),
            Recommendation(
                rule_id="met.third_line.regorafenib",
                kind="systemic",
                title="Regorafenib",
                regimen=[
                    RegimenItem(drug="regorafenib", dose_mg_per_day=160, schedule="days 1-21 of 28")
                ],
                line=3,
                evidence=Evidence(source_ids=[s[10]], level="I, A", confidence="unverified"),
                rationale="Third-line standard after imatinib and sunitinib.",
            ),
        ],
        cautions=[
            Caution(
                code="cyp3a4_inhibitor",
                message="Clarithromycin raises sunitinib exposure.",
                source_ids=[s[11]],
                severity="critical",
            ),
            Caution(
                code="ctdna_only",
                message="The secondary mutation is from ctDNA only.",
                severity="info",
                confidence="unverified",
            ),
        ],
        response=[
            TimepointResponse(
                date=dt.date(2023, 4, 15),
                recist="SD",
                choi="PR",
                sum_mm=76,
                change_from_baseline_pct=-19.1,
                change_from_nadir_pct=-19.1,
                density_mean_hu=52.5,
                density_change_pct=-41.7,
                discordance="size -19 % but density -42 %: Choi PR",
            ),
            TimepointResponse(
                date=dt.date(2024, 6, 10),
                recist="PR",
                choi="PR",
                sum_mm=57,
                change_from_baseline_pct=-39.4,
                change_from_nadir_pct=-25.0,
                density_mean_hu=39.0,
                density_change_pct=-57.1,
            ),
            TimepointResponse(
                date=dt.date(2025, 8, 12),
                recist="PD",
                choi="PD",
                sum_mm=73,
                change_from_baseline_pct=-22.3,
                change_from_nadir_pct=28.1,
                notes=["new liver lesion L3"],
            ),
        ],
        response_summary=ResponseSummary(
            baseline_date=dt.date(2023, 1, 15),
            baseline_sum_mm=94,
            baseline_problems=["N1 short axis 17 mm: measurable node (synthetic remark)"],
            timepoints_assessed=3,
            best_overall_recist="PR",
            best_overall_choi="PR",
            first_progression_recist=dt.date(2025, 8, 12),
            first_progression_choi=dt.date(2025, 8, 12),
            latest_recist="PD",
            latest_choi="PD",
            latest_progression_pattern="generalized",
            latest_discordance=None,
            choi_pd_size_reference="nadir",
            spider_lesions=[
                LesionTrajectory(
                    lesion_id="L1",
                    organ="liver",
                    measure="longest_diameter",
                    points=[
                        TrajectoryPoint(
                            date=dt.date(2023, 1, 15), value_mm=48, change_from_baseline_pct=0.0
                        ),
                        TrajectoryPoint(
                            date=dt.date(2024, 6, 10), value_mm=30, change_from_baseline_pct=-37.5
                        ),
                    ],
                )
            ],
            spider_sum=[
                TrajectoryPoint(date=d, value_mm=v, change_from_baseline_pct=c)
                for d, v, c in (
                    (dt.date(2023, 1, 15), 94, 0.0),
                    (dt.date(2023, 4, 15), 76, -19.1),
                    (dt.date(2024, 6, 10), 57, -39.4),
                    (dt.date(2025, 8, 12), 73, -22.3),
                )
            ],
            density=[
                DensityPoint(date=d, density_mean_hu=h, density_change_pct=c)
                for d, h, c in (
                    (dt.date(2023, 1, 15), 90.0, None),
                    (dt.date(2023, 4, 15), 52.5, -41.7),
                    (dt.date(2024, 6, 10), 39.0, -57.1),
                )
            ],
            waterfall_best_change_pct=-39.4,
            waterfall_best_change_date=dt.date(2024, 6, 10),
            warnings=["generalized progression (L1, L2, N1) on 2025-08-12"],
            source_ids=[s[0]],
        ),
        prognosis=Prognosis(
            drugs=["sunitinib"],
            dose_mg_per_day=37.5,
            line=3,
            pfs=_estimate(
                5.6,
                _arm("Synthetic trial A", "TTP", 312, s[7], "primary"),
                [
                    _factor(
                        "secondary ATP-pocket mutation",
                        0.7,
                        True,
                        True,
                        "published hazard ratio",
                        s[6],
                    ),
                    _factor(
                        "liver metastases",
                        None,
                        True,
                        False,
                        "direction only, no hazard ratio",
                        s[10],
                    ),
                    _factor(
                        "ECOG 2 or worse", 1.6, False, False, "the patient does not have it", s[10]
                    ),
                    _factor(
                        "neutrophils above 5", None, None, False, "no hazard ratio published", s[10]
                    ),
                ],
            ),
            os=_estimate(18.0, _arm("Synthetic trial A", "OS", 312, s[7], "secondary")),
            alternatives=[
                OptionPrognosis(
                    rule_id="met.third_line.regorafenib",
                    title="Regorafenib",
                    drugs=["regorafenib"],
                    dose_mg_per_day=160,
                    line=3,
                    pfs=_estimate(4.8),
                    os=_estimate(15),
                )
            ],
            sequence=_sequence(s),
            caveat="Population estimate from trial groups, not a prediction for this person.",
            method="Synthetic curves for the report tests.",
            notes=["The latest published point is at 60 months."],
            source_ids=[s[7]],
        ),
        followup=[
            FollowupVisit(month=3, exam="CT abdomen/pelvis with contrast", source_ids=[s[8]]),
            FollowupVisit(
                month=6,
                exam="CT abdomen/pelvis with contrast",
                source_ids=[s[8]],
                confidence="unverified",
            ),
        ],
        warnings=["MSKCC nomogram shown for reference only in metastatic disease."],
    )


def empty_patient() -> Patient:
    return Patient(id="synthetic-empty-002")


def empty_assessment() -> Assessment:
    return Assessment(
        patient_id="synthetic-empty-002",
        knowledge_base_version="2026.11+synthetic",
        gistcds_version="0.1.0",
        record=record_summary(empty_patient()),
    )


def full_case() -> tuple[Assessment, KnowledgeBase]:
    return full_assessment(), synthetic_kb()


def empty_case() -> tuple[Assessment, KnowledgeBase]:
    return empty_assessment(), synthetic_kb()


# --------------------------------------------------------------------------- tests


def test_every_cited_source_is_numbered_once_in_reading_order() -> None:
    data = build_report(*full_case(), generated=GENERATED)
    ids = [r.source_id for r in data.references]
    assert sorted(ids) == sorted(SYNTHETIC_IDS)  # every synthetic source is cited somewhere
    assert len(ids) == len(set(ids))
    assert [r.number for r in data.references] == list(range(1, len(ids) + 1))
    # reading order: the genotype section (2) cites before the risk panel (3)
    assert ids[0] == "synth6"


def test_risk_disagreement_is_the_risk_engines() -> None:
    """The report shows the risk engine's concordance (issue 13 item 3) and judges nothing:
    without it, systems that differ are shown side by side without a disagreement."""
    assessment, kb = full_case()
    data = build_report(assessment, kb, generated=GENERATED)
    assert data.risk is not None and data.risk.disagreement
    assert data.risk.disagreement.startswith("The systems do not agree")
    assert data.risk.disagreement_flag == "warn" and data.risk.disagreement_refs
    assert all(r.flag == "warn" for r in data.risk.rows)
    assert any(line.text == data.risk.disagreement for line in data.summary)
    bare = assessment.model_copy(
        update={"risk": assessment.risk.model_copy(update={"concordance": None})}
    )
    quiet = build_report(bare, kb, generated=GENERATED)
    assert quiet.risk is not None and quiet.risk.disagreement is None
    assert not any(r.flag for r in quiet.risk.rows)


def test_prognosis_alternatives_and_sequence_from_the_typed_models() -> None:
    data = build_report(*full_case(), generated=GENERATED)
    assert data.prognosis is not None
    names = [c.name for c in data.prognosis.curves]
    assert names == ["sunitinib 37.5 mg/day, line 3 (recommended)", "Regorafenib"]
    pv = data.prognosis
    assert pv.medians[0].cells[2] == "5.6 months (4.5–7.0)"
    assert pv.medians[0].cells[3] == "1 y 23 %, 2 y 5 %, 5 y 0 %"
    assert "Synthetic trial A, TTP, n = 312" in pv.medians[0].cells[4]
    # applied or present factors one by one; absent/unknown ones on one line
    assert [f.cells[0] for f in pv.factors] == ["secondary ATP-pocket mutation", "liver metastases"]
    assert pv.factors[0].cells[2:] == ["0.7", "yes", "applied"]
    assert pv.factors[1].flag == "warn"
    others = dict(pv.details)["Other factors considered"]
    assert others == "ECOG 2 or worse (PFS, absent); neutrophils above 5 (PFS, not supplied)"
    assert pv.caveat.startswith("Population estimate")
    sv = data.sequence
    assert sv is not None
    summary = dict(sv.summary)
    assert summary["Simulated lines"] == "sunitinib → regorafenib → ripretinib (from line 3)"
    assert summary["Overall survival from line 3"].startswith("median 22.4 months; middle half")
    assert "13.1–35.0" in summary["Overall survival from line 3"]
    assert [r.cells[0] for r in sv.lines] == ["3", "4", "5"]
    assert sv.lines[0].cells[3:] == ["100 %", "5.6 (2.5–10.6)", "85 %"]
    assert sv.lines[1].cells[5] == "85 % (unverified)" and sv.lines[1].unverified
    assert "all-comers/proxy" in sv.lines[2].cells[2]
    assert sv.caveat.startswith("Population-level")


def test_unverified_statements_are_marked() -> None:
    data = build_report(*full_case(), generated=GENERATED)
    assert [o.unverified for o in data.recommendations] == [False, False, True]
    assert [p.unverified for p in data.recommendations[0].positions] == [False, True]
    assert [c.unverified for c in data.cautions] == [False, True]
    assert data.followup is not None
    assert [f.unverified for f in data.followup.rows] == [False, True]
    assert data.genotype is not None
    conf = {s.drug: s.confidence for s in data.genotype.sensitivity}
    assert conf["regorafenib"] == "unverified"


def test_response_summary_and_genotype_facts_are_shown() -> None:
    data = build_report(*full_case(), generated=GENERATED)
    assert data.response is not None
    summary = dict(data.response.summary)
    assert summary["Best overall response"] == "RECIST PR, Choi PR"
    assert summary["First progression"] == "RECIST 2025-08-12, Choi 2025-08-12"
    assert summary["Best change of the sum"] == "-39.4 % (2024-06-10)"
    assert data.response.problems[0].startswith("Baseline: N1 short axis")
    assert data.genotype is not None
    facts = dict(data.genotype.facts)
    assert facts["Primary driver"] == "KIT p.Trp557_Lys558del"
    assert "tissue confirmation" in facts["Further work-up advised"]


def test_sequence_reason_is_shown_when_null() -> None:
    assessment, kb = full_case()
    assert assessment.prognosis is not None
    prognosis = assessment.prognosis.model_copy(
        update={"sequence": None, "sequence_reason": "No sequence covers this genotype."}
    )
    data = build_report(assessment.model_copy(update={"prognosis": prognosis}), kb, GENERATED)
    assert data.sequence is None
    assert data.sequence_missing == f"{NOT_ASSESSED}: no sequence covers this genotype"


def test_empty_assessment_says_not_assessed_or_not_applicable() -> None:
    data = build_report(*empty_case(), generated=GENERATED)
    assert data.genotype is None and data.risk is None and data.response is None
    assert data.risk_missing.startswith(NOT_APPLICABLE)
    assert data.genotype_missing.startswith(NOT_ASSESSED)
    assert data.prognosis_missing.startswith(NOT_APPLICABLE)
    assert data.references == []


def test_patient_summary_shows_only_the_id_as_identifier() -> None:
    data = build_report(*full_case(), generated=GENERATED)
    keys = [k for k, _ in data.patient_rows]
    assert keys[0] == "Patient id"
    assert not any(k.lower() in ("name", "date of birth", "mrn", "address") for k in keys)


def test_cite_text_compresses_ranges() -> None:
    assert cite_text([1, 2, 3, 5, 7, 8]) == "[1–3, 5, 7–8]"
    assert cite_text([]) == ""


def test_sections_in_issue_order() -> None:
    """The rendered report (text and HTML) shows the sections in the issue's order; the
    list below is the issue's, not a copy of SECTIONS."""
    from rich.console import Console

    from gistcds.report.html import render_html
    from gistcds.report.text import WIDTH, render_text

    data = build_report(*full_case(), generated=GENERATED)
    console = Console(width=WIDTH, file=io.StringIO(), color_system=None, record=True)
    render_text(data, console)
    text, html = console.export_text(), render_html(data)
    titles = dict(SECTIONS)
    for doc in (text, html):
        found = [doc.find(f"{n}. {titles[key]}") for n, key in enumerate(ISSUE_ORDER[:-1], 1)]
        assert -1 not in found and found == sorted(found)
        assert doc.rfind("References") > found[-1]
    assert [s for s, _ in SECTIONS] == ISSUE_ORDER


ISSUE_ORDER = [
    "summary",  # issue 19: the summary first
    "patient",
    "genotype",
    "risk",
    "response",
    "therapy",
    "cautions",
    "side_effects",  # issue 17: side effects after the cautions
    "prognosis",
    "sequence",
    "followup",
    "timeline",
    "references",
]
