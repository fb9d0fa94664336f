"""Named clinical scenarios (the 25 vignettes of reference/guidelines.md sec. 11 and extra
cases), as inputs the therapy engine receives. Used by the vignette tests and by the
rule-coverage test, which requires every rule of therapy_rules.yaml to fire somewhere."""

from __future__ import annotations

from dataclasses import dataclass, field

from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import GenotypeResult, InterpretedVariant
from gistcds.domain.results.response import TimepointResponse
from gistcds.domain.results.risk import RiskPanel
from therapy_helpers import genotype, line, metastatic, patient, response, risk


@dataclass(frozen=True)
class Scenario:
    patient: Patient
    genotype: GenotypeResult | None
    risk: RiskPanel = field(default_factory=RiskPanel)
    response: list[TimepointResponse] = field(default_factory=list)


HIGH = risk("high", "high", "high")
# The vignettes V05-V08 say "KIT/PDGFRA wild type": both genes were tested.
KIT_PDGFRA_WT = {"tested_genes": ["KIT", "PDGFRA"]}
GASTRIC_PRIMARY = {"site": "stomach", "size_cm": 8.0, "resection": "none"}

SCENARIOS: dict[str, Scenario] = {
    "V01": Scenario(metastatic(age_years=58), genotype("KIT_exon11")),
    "V02": Scenario(metastatic(age_years=49, ecog=0), genotype("KIT_exon9")),
    "V03": Scenario(metastatic(age_years=66), genotype("PDGFRA_D842V", imatinib="resistant")),
    "V04": Scenario(metastatic(age_years=62), genotype("PDGFRA_exon12")),
    "V05": Scenario(
        metastatic(age_years=31, sex="female", ecog=0, molecular=KIT_PDGFRA_WT),
        genotype("SDH_deficient"),
    ),
    "V06": Scenario(metastatic(age_years=55, molecular=KIT_PDGFRA_WT), genotype("BRAF_V600E")),
    "V07": Scenario(metastatic(age_years=44, molecular=KIT_PDGFRA_WT), genotype("NTRK_fusion")),
    "V08": Scenario(metastatic(age_years=40, molecular=KIT_PDGFRA_WT), genotype("NF1")),
    "V09": Scenario(
        metastatic(ecog=0, therapy_lines=[line("imatinib", 400)]), genotype("KIT_exon11")
    ),
    "V10": Scenario(
        metastatic(therapy_lines=[line("imatinib", 400), line("imatinib", 800)]),
        genotype("KIT_exon11"),
    ),
    "V11": Scenario(
        metastatic(age_years=70, therapy_lines=[line("imatinib", 400), line("sunitinib", 50)]),
        genotype("KIT_exon11"),
    ),
    "V12": Scenario(
        metastatic(
            therapy_lines=[line("imatinib", 400), line("sunitinib", 50), line("regorafenib", 160)]
        ),
        genotype("KIT_exon11"),
    ),
    "V13": Scenario(
        metastatic(
            ecog=2,
            therapy_lines=[
                line("imatinib", 400),
                line("sunitinib", 50),
                line("regorafenib", 160),
                line("ripretinib", 150),
            ],
        ),
        genotype("KIT_exon11"),
    ),
    "V14": Scenario(
        metastatic(ecog=0, therapy_lines=[line("imatinib", 400)]),
        genotype("KIT_exon11", secondary=["KIT_activation_loop"]),
    ),
    "V15": Scenario(
        metastatic(ecog=0, therapy_lines=[line("imatinib", 400, progression="focal")]),
        genotype("KIT_exon11"),
    ),
    "V16": Scenario(
        metastatic(ecog=0, therapy_lines=[line("imatinib", 400, None)]),
        genotype("KIT_exon11"),
        response=response("SD", "PR"),
    ),
    "V17": Scenario(
        metastatic(therapy_lines=[line("imatinib", 400, None, best_response="PR")]),
        genotype("KIT_exon11"),
        response=response("SD", "PD"),
    ),
    "V18": Scenario(
        metastatic(ecog=0, therapy_lines=[line("imatinib", 400, None)]),
        genotype("KIT_exon11"),
        response=response("SD", "SD"),
    ),
    "V19": Scenario(
        metastatic(ecog=0, therapy_lines=[line("imatinib", 400, None, best_response="CR")]),
        genotype("KIT_exon11"),
        response=response("CR", "CR"),
    ),
    "V20": Scenario(
        metastatic(ecog=0, therapy_lines=[line("imatinib", 400, None, best_response="PR")]),
        genotype("KIT_exon11"),
        response=response("PR", "PR"),
    ),
    "V21": Scenario(
        patient(
            ecog=0,
            primary={"site": "stomach", "size_cm": 11, "resection": "R0", "rupture": False},
        ),
        genotype("KIT_exon11"),
        HIGH,
    ),
    "V22": Scenario(
        patient(primary={"site": "stomach", "size_cm": 9, "resection": "R0"}),
        genotype("PDGFRA_D842V"),
        risk("high", "high", "high"),
    ),
    "V23": Scenario(
        patient(ecog=0, primary={"site": "jejunum_ileum", "size_cm": 7, "resection": "R0"}),
        genotype("KIT_exon9"),
        HIGH,
    ),
    "V24": Scenario(
        patient(ecog=0, primary={"site": "rectum", "size_cm": 6, "resection": "none"}),
        genotype("not_tested"),
    ),
    "V25": Scenario(
        metastatic(
            age_years=38, sex="female", ecog=0, comedications=["carbamazepine"], pregnant=False
        ),
        genotype("PDGFRA_D842V"),
    ),
    # --- extra scenarios: one per remaining rule -----------------------------------
    "untested-metastatic": Scenario(metastatic(), None),
    "untested-frail": Scenario(metastatic(ecog=3), None),
    "wild-type-untyped": Scenario(
        metastatic(molecular={"tested_genes": ["KIT", "PDGFRA"], "variants": []}),
        genotype("unclassified"),
    ),
    "quadruple-wt": Scenario(metastatic(), genotype("quadruple_wild_type")),
    # KIT exon 11 and PDGFRA D842V reported together (review O-16): two primary drivers.
    "double-driver": Scenario(
        metastatic(),
        genotype("unclassified").model_copy(
            update={
                "kit_pdgfra_status": "mutant",
                "variants": [
                    InterpretedVariant(gene="KIT", input="p.W557_K558del", role="primary"),
                    InterpretedVariant(gene="PDGFRA", input="p.D842V", role="primary"),
                ],
            }
        ),
    ),
    "primary-imatinib-resistant": Scenario(
        metastatic(), genotype("KIT_exon17", imatinib="resistant")
    ),
    "ecog-3": Scenario(metastatic(ecog=3), genotype("KIT_exon11")),
    "pregnant-d842v": Scenario(
        metastatic(age_years=33, sex="female", ecog=0, pregnant=True), genotype("PDGFRA_D842V")
    ),
    "ecog-3-second-line": Scenario(
        metastatic(ecog=3, therapy_lines=[line("imatinib", 400)]), genotype("KIT_exon11")
    ),
    "d842v-after-avapritinib": Scenario(
        metastatic(therapy_lines=[line("avapritinib", 300)]), genotype("PDGFRA_D842V")
    ),
    "imatinib-toxicity-400": Scenario(
        metastatic(therapy_lines=[line("imatinib", 400, "toxicity")]), genotype("KIT_exon11")
    ),
    "regorafenib-toxicity-80": Scenario(
        metastatic(
            therapy_lines=[
                line("imatinib", 400),
                line("sunitinib", 50),
                line("regorafenib", 80, "toxicity"),
            ]
        ),
        genotype("KIT_exon11"),
    ),
    "sunitinib-toxicity-25": Scenario(
        metastatic(therapy_lines=[line("imatinib", 400), line("sunitinib", 25, "toxicity")]),
        genotype("KIT_exon11"),
    ),
    "imatinib-stopped": Scenario(
        metastatic(therapy_lines=[line("imatinib", 400, "other", end="2025-01-01")]),
        genotype("KIT_exon11"),
    ),
    "atp-pocket-ctdna": Scenario(
        metastatic(therapy_lines=[line("imatinib", 400)]),
        genotype("KIT_exon11", secondary=["KIT_ATP_pocket"]),
    ),
    # as the genotype engine reports it: the secondary mutation makes imatinib resistant
    "atp-pocket-ctdna-imatinib-resistant": Scenario(
        metastatic(therapy_lines=[line("imatinib", 400)]),
        genotype("KIT_exon11", secondary=["KIT_ATP_pocket"], imatinib="resistant"),
    ),
    "ripretinib-bid-progressed": Scenario(
        metastatic(
            therapy_lines=[
                line("imatinib", 400),
                line("sunitinib", 50),
                line("regorafenib", 160),
                line("ripretinib", 300),
            ]
        ),
        genotype("KIT_exon11"),
    ),
    # review U-01..U-03 (tests/test_vignettes_unusual.py)
    "progression-on-open-line": Scenario(
        metastatic(therapy_lines=[{**line("imatinib", 400, None), "progression": "generalized"}]),
        genotype("KIT_exon11"),
    ),
    "bilirubin-4x-after-sunitinib": Scenario(
        metastatic(
            labs={"bilirubin_umol_per_l": 84, "bilirubin_uln_umol_per_l": 21},
            therapy_lines=[line("imatinib", 400), line("sunitinib", 50)],
        ),
        genotype("KIT_exon11"),
    ),
    "cytopenia-on-imatinib": Scenario(
        metastatic(
            labs={"neutrophils_10e9_per_l": 0.7},
            therapy_lines=[line("imatinib", 400, None)],
        ),
        genotype("KIT_exon11"),
    ),
    "cytopenia-untreated": Scenario(
        metastatic(labs={"platelets_10e9_per_l": 40}), genotype("KIT_exon11")
    ),
    "lvef-30-after-imatinib": Scenario(
        metastatic(cardiac={"lvef_pct": 30}, therapy_lines=[line("imatinib", 400)]),
        genotype("KIT_exon11"),
    ),
    "rectal-kit9-unresected": Scenario(
        patient(primary={"site": "rectum", "size_cm": 6, "resection": "none"}),
        genotype("KIT_exon9"),
    ),
    "localized-sdh-high": Scenario(
        patient(primary={"site": "stomach", "size_cm": 9, "resection": "R0"}),
        genotype("SDH_deficient"),
        HIGH,
    ),
    "localized-low": Scenario(
        patient(primary={"site": "stomach", "size_cm": 3, "resection": "R0"}),
        genotype("KIT_exon11"),
        risk("low", "low", "low"),
    ),
    "localized-very-low": Scenario(
        patient(primary={"site": "stomach", "size_cm": 1.5, "resection": "R0"}),
        genotype("KIT_exon11"),
        risk("very_low", "very_low", "very_low"),
    ),
    "localized-rupture": Scenario(
        patient(primary={"site": "stomach", "size_cm": 4, "resection": "R0", "rupture": True}),
        genotype("KIT_exon11"),
        risk("high", "intermediate", "low"),
    ),
    "localized-high-untyped": Scenario(
        patient(primary={"site": "stomach", "size_cm": 11, "resection": "R0"}), None, HIGH
    ),
    "localized-risk-unknown": Scenario(
        patient(primary={"site": "stomach", "resection": "R0"}), genotype("KIT_exon11")
    ),
    "localized-adjuvant-ongoing": Scenario(
        patient(
            primary={"site": "stomach", "size_cm": 11, "resection": "R0"},
            therapy_lines=[line("imatinib", 400, None, setting="adjuvant")],
        ),
        genotype("KIT_exon11"),
        HIGH,
    ),
    "localized-unresected-kit11": Scenario(
        patient(primary={"site": "rectum", "size_cm": 6, "resection": "none"}),
        genotype("KIT_exon11"),
    ),
    "localized-gastric-6-kit11": Scenario(
        patient(primary={"site": "stomach", "size_cm": 6, "resection": "none"}),
        genotype("KIT_exon11"),
    ),
    "localized-high-ecog4": Scenario(
        patient(ecog=4, primary={"site": "stomach", "size_cm": 11, "resection": "R0"}),
        genotype("KIT_exon11"),
        HIGH,
    ),
    "localized-rectum-untyped": Scenario(
        patient(primary={"site": "rectum", "size_cm": 6, "resection": "none"}), None
    ),
    "localized-small-gastric": Scenario(
        patient(primary={"site": "stomach", "size_cm": 1.5, "resection": "none"}), None
    ),
    "localized-small-gastric-lt1": Scenario(
        patient(primary={"site": "stomach", "size_cm": 0.8, "resection": "none"}), None
    ),
    "localized-unresected-d842v": Scenario(
        patient(primary={"site": "stomach", "size_cm": 12, "resection": "none"}),
        genotype("PDGFRA_D842V"),
    ),
    "localized-unresected-sdh": Scenario(
        patient(primary={"site": "stomach", "size_cm": 6, "resection": "none"}),
        genotype("SDH_deficient"),
    ),
    "localized-r2": Scenario(
        patient(primary={"site": "stomach", "size_cm": 12, "resection": "R2"}),
        genotype("KIT_exon11"),
        HIGH,
    ),
    "no-data": Scenario(patient(), genotype("KIT_exon11")),
    "metastatic-gastric": Scenario(metastatic(primary=GASTRIC_PRIMARY), genotype("KIT_exon11")),
    # Added by the clinical review (docs/review.md)
    "localized-adjuvant-completed": Scenario(
        patient(
            primary={"site": "stomach", "size_cm": 11, "resection": "R0"},
            therapy_lines=[line("imatinib", 400, "completed", setting="adjuvant")],
        ),
        genotype("KIT_exon11"),
        HIGH,
    ),
    "localized-adjuvant-stopped-toxicity": Scenario(
        patient(
            primary={"site": "stomach", "size_cm": 11, "resection": "R0"},
            therapy_lines=[line("imatinib", 400, "toxicity", setting="adjuvant")],
        ),
        genotype("KIT_exon11"),
        HIGH,
    ),
    "metastatic-kit-other": Scenario(metastatic(), genotype("KIT_other")),
    "localized-neoadjuvant-ongoing": Scenario(
        patient(
            primary={"site": "rectum", "size_cm": 9, "resection": "none"},
            therapy_lines=[line("imatinib", 400, None, setting="neoadjuvant")],
        ),
        genotype("KIT_exon11"),
    ),
    "localized-neoadjuvant-resected": Scenario(
        patient(
            primary={"site": "rectum", "size_cm": 9, "resection": "R0"},
            therapy_lines=[line("imatinib", 400, "completed", setting="neoadjuvant")],
        ),
        genotype("KIT_exon11"),
    ),
    "metastatic-pdgfra-exon18-other": Scenario(
        metastatic(), genotype("PDGFRA_exon18_other", imatinib="sensitive")
    ),
    "metastatic-adjuvant-still-open": Scenario(
        metastatic(therapy_lines=[line("imatinib", 400, None, setting="adjuvant")]),
        genotype("KIT_exon11"),
    ),
    "metastatic-imatinib-dose-unknown": Scenario(
        metastatic(therapy_lines=[line("imatinib", None)]), genotype("KIT_exon11")
    ),
    "wild-type-sdhb-retained": Scenario(
        metastatic(
            molecular={"tested_genes": ["KIT", "PDGFRA"], "variants": [], "sdhb_ihc": "retained"}
        ),
        genotype("unclassified"),
    ),
    "braf-without-kit-testing": Scenario(
        metastatic(molecular={"tested_genes": ["BRAF"], "variants": []}), genotype("BRAF_V600E")
    ),
    # primary (early) resistance: best response PD on imatinib 400 (PR-01-EARLY)
    "imatinib-primary-progression": Scenario(
        metastatic(therapy_lines=[line("imatinib", 400, best_response="PD")]),
        genotype("KIT_exon11"),
    ),
    # review part 6: adjuvant imatinib recorded as ongoing below high risk (LD-ADJ-NOT-HIGH)
    "adjuvant-ongoing-low-risk": Scenario(
        patient(
            primary={"site": "stomach", "size_cm": 4, "resection": "R0"},
            therapy_lines=[line("imatinib", 400, None, setting="adjuvant")],
        ),
        genotype("KIT_exon11"),
        risk("low", "low", "very_low"),
    ),
    # review part 6: controlled disease on a dose above the label maximum (MF-10-DOSE)
    "metastatic-dose-above-label": Scenario(
        metastatic(therapy_lines=[line("imatinib", 1000, None)]), genotype("KIT_exon11")
    ),
    # review part 6: ECOG 3 before first-line avapritinib (ECOG-34-TARGETED)
    "ecog-3-d842v-untreated": Scenario(
        metastatic(ecog=3), genotype("PDGFRA_D842V", imatinib="resistant")
    ),
    # review part 6: best response PD recorded, the line's own CT reads PR (PR-BOR-CONTRADICTED)
    "best-response-contradicted": Scenario(
        metastatic(
            therapy_lines=[
                line("imatinib", 400, best_response="PD", start="2025-01-10", end="2025-09-01")
            ],
            imaging=[
                {
                    "date": "2025-01-05",
                    "lesions": [
                        {"id": "L1", "organ": "liver", "kind": "target", "longest_diameter_mm": 50}
                    ],
                }
            ],
        ),
        genotype("KIT_exon11"),
        response=response("PR", "PR"),
    ),
    "localized-n1": Scenario(
        patient(primary={"site": "stomach", "size_cm": 7, "resection": "R0", "nodes": "N1"}),
        genotype("KIT_exon11"),
        risk("intermediate", "intermediate", "low"),
    ),
}
