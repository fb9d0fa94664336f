"""Golden values: the knowledge base holds exactly the numbers the sources publish.

Each row below was re-read in the source named with it (November 2026 evidence pass; see
the notes in knowledge/sources.yaml for which copy of each abstract was read). A test fails
if a number in prognosis_arms.yaml or prognosis_sequences.yaml drifts from the publication.
"""

from __future__ import annotations

from typing import Any

import pytest

from gistcds.knowledge.schema.prognosis_arms import Table as ArmsTable
from gistcds.knowledge.schema.prognosis_factors import Table as FactorsTable
from gistcds.knowledge.schema.prognosis_sequences import Table as SequencesTable

WEEKS_PER_MONTH = 4.345  # the conversion stated in prognosis_arms.yaml

# (arm id, source, median months, 95 % CI or None, n)
MEDIANS = [
    # Heinrich 2008 (CALGB 150105) abstract: TTP and OS by genotype, doses pooled.
    ("calgb150105_kit11_ttp", "heinrich2008", 24.7, None, 283),
    ("calgb150105_kit9_ttp", "heinrich2008", 16.7, None, 32),
    ("calgb150105_wt_ttp", "heinrich2008", 12.8, None, 67),
    ("calgb150105_kit11_os", "heinrich2008", 60.0, None, 283),
    ("calgb150105_kit9_os", "heinrich2008", 38.4, None, 32),
    ("calgb150105_wt_os", "heinrich2008", 49.0, None, 67),
    # Yoo 2016 abstract (PMC4843750).
    ("yoo2016_d842v_imatinib_pfs", "yoo2016", 3.8, (1.4, 6.3), 9),
    ("yoo2016_pdgfra_other_imatinib_pfs", "yoo2016", 29.5, (18.3, 40.7), 9),
    ("yoo2016_d842v_imatinib_os", "yoo2016", 25.2, (12.7, 37.8), 9),
    # INTRIGUE (Bauer 2022), as reported by ASCO Post / Physicians Weekly.
    ("intrigue_ripretinib_pfs", "bauer2022", 8.0, (6.5, 10.8), 226),
    ("intrigue_sunitinib_pfs", "bauer2022", 8.3, (6.3, 11.0), 227),
    ("intrigue_ripretinib_kit11_pfs", "bauer2022", 8.3, (6.8, 13.3), 163),
    ("intrigue_sunitinib_kit11_pfs", "bauer2022", 7.0, (5.6, 10.9), 164),
    # GRID (Demetri 2013) abstract summary.
    ("grid_regorafenib_pfs", "demetri2013", 4.8, None, 133),
    ("grid_placebo_pfs", "demetri2013", 0.9, None, 66),
    # INVICTUS (Blay 2020): PFS as in Ray 2020; OS medians as in the topline report.
    ("invictus_ripretinib_pfs", "blay2020", 6.3, (4.6, 6.9), 85),
    ("invictus_placebo_pfs", "blay2020", 1.0, (0.9, 1.7), 44),
    ("invictus_ripretinib_os", "blay2020", 15.1, (12.3, 15.1), 85),
    ("invictus_placebo_os", "blay2020", 6.6, (4.1, 11.6), 44),
]

# (arm id, source, median weeks, 95 % CI weeks or None, n): stored in months (weeks / 4.345).
WEEKS = [
    ("demetri2006_sunitinib_ttp", "demetri2006", 27.3, (16.0, 32.1), 207),
    ("demetri2006_placebo_ttp", "demetri2006", 6.4, (4.4, 10.0), 105),
    ("demetri2012_sunitinib_os", "demetri2012", 72.7, None, 243),
]


def _arms(kb: Any) -> dict[str, Any]:
    return {a.id: a for a in kb.table("prognosis_arms", ArmsTable).arms}


@pytest.mark.parametrize(("arm_id", "source", "median", "ci", "n"), MEDIANS)
def test_median_ci_and_n_match_the_source(
    kb: Any, arm_id: str, source: str, median: float, ci: tuple[float, float] | None, n: int
) -> None:
    arm = _arms(kb)[arm_id]
    assert source in arm.source_ids
    assert arm.median_months == pytest.approx(median)
    assert arm.median_ci == (pytest.approx(ci) if ci else None)
    assert arm.n == n


@pytest.mark.parametrize(("arm_id", "source", "weeks", "ci", "n"), WEEKS)
def test_week_medians_are_converted_and_flagged(
    kb: Any, arm_id: str, source: str, weeks: float, ci: tuple[float, float] | None, n: int
) -> None:
    arm = _arms(kb)[arm_id]
    assert source in arm.source_ids and arm.derived and arm.n == n
    assert arm.median_months == pytest.approx(weeks / WEEKS_PER_MONTH, abs=0.006)
    if ci is None:
        assert arm.median_ci is None
    else:
        assert arm.median_ci is not None
        for got, want in zip(arm.median_ci, ci, strict=True):
            assert got == pytest.approx(want / WEEKS_PER_MONTH, abs=0.006)


def test_navigator_os_landmarks_match_von_mehren_2021(kb: Any) -> None:
    # IPTW-adjusted OS at 6 / 48 months: 100 % / 63 % on avapritinib (median not reached).
    arm = _arms(kb)["navigator_d842v_avapritinib_os"]
    assert arm.median_months is None and not arm.median_reached
    assert [(lm.months, lm.survival) for lm in arm.landmarks] == [(6, 1.0), (48, 0.63)]
    assert arm.n == 56


def test_navigator_heinrich_2020_landmarks_match_the_pdq_summary(kb: Any) -> None:
    # Heinrich, Lancet Oncol 2020 (PMID 32615108) as quoted by the NCI PDQ GIST summary:
    # D842V n = 56, median follow-up 15.9 months, 1-year PFS 81 %, 1/2-year OS 91 %/81 %.
    arms = _arms(kb)
    pfs = arms["navigator_d842v_avapritinib_pfs"]
    assert pfs.endpoint == "PFS" and pfs.median_months is None and not pfs.median_reached
    assert [(lm.months, lm.survival) for lm in pfs.landmarks] == [(12, 0.81)]
    os_ = arms["navigator_d842v_avapritinib_os_2020"]
    assert os_.endpoint == "OS" and os_.median_months is None and not os_.median_reached
    assert [(lm.months, lm.survival) for lm in os_.landmarks] == [(12, 0.91), (24, 0.81)]
    for arm in (pfs, os_):
        assert arm.n == 56 and arm.follow_up_months == 15.9
        assert arm.source_ids == ["heinrich2020"] and arm.confidence == "secondary"
    assert kb.sources["heinrich2020"].pmid == "32615108"


def test_crossover_shares_match_the_trials(kb: Any) -> None:
    # Demetri 2012: 103 of 118 placebo patients crossed over; GRID: 56 of 66.
    tr = {t.after_line: t for t in kb.table("prognosis_sequences", SequencesTable).transitions}
    assert tr[1].proceed_probability == pytest.approx(103 / 118, abs=0.0005)
    assert tr[2].proceed_probability == pytest.approx(56 / 66, abs=0.0005)


def test_calgb150105_pmid_is_not_the_sunitinib_companion_paper(kb: Any) -> None:
    # Heinrich MC et al., J Clin Oncol 2008;26:5352-9 (sunitinib genotypes) is PMID 18955458;
    # a secondary list had given it 18955451, the identifier kept for CALGB 150105.
    src = kb.sources["heinrich2008"]
    assert src.pmid == "18955451"
    assert "5360" in (src.note or "") and "18955458" in (src.note or "")


def test_metagist_factors_without_hazard_ratio_are_never_applied(kb: Any) -> None:
    # The MetaGIST abstract names its multivariable factors without hazard ratios.
    factors = kb.table("prognosis_factors", FactorsTable).factors
    metagist = [f for f in factors if "metagist2010" in f.source_ids]
    assert {"male_sex", "prior_chemotherapy", "metagist_other_genotype_os"} <= {
        f.id for f in metagist
    }
    for f in metagist:
        if f.id != "metagist_other_vs_exon11_pfs":  # univariable HR from the ASCO abstract
            assert f.hazard_ratio is None, f.id


# Debiec-Rychter 2006 abstract: relative-risk increases against KIT exon 11 (HR = 1 + increase),
# and Verweij 2004 abstract: 800 vs 400 mg HR 0.82 (0.69-0.98).
FACTOR_HRS = [
    ("kit_exon9_vs_exon11_pfs", "debiecrychter2006", 1 + 1.71, None),
    ("kit_exon9_vs_exon11_os", "debiecrychter2006", 1 + 1.90, None),
    ("no_kit_pdgfra_mutation_vs_exon11_pfs", "debiecrychter2006", 1 + 1.08, None),
    ("no_kit_pdgfra_mutation_vs_exon11_os", "debiecrychter2006", 1 + 0.76, None),
    ("imatinib800_vs_400_kit9_pfs", "debiecrychter2006", 1 - 0.61, None),
    ("imatinib800_vs_400_pfs", "verweij2004", 0.82, (0.69, 0.98)),
]


@pytest.mark.parametrize(("factor_id", "source", "hr", "ci"), FACTOR_HRS)
def test_factor_hazard_ratios_match_the_abstracts(
    kb: Any, factor_id: str, source: str, hr: float, ci: tuple[float, float] | None
) -> None:
    f = {x.id: x for x in kb.table("prognosis_factors", FactorsTable).factors}[factor_id]
    assert source in f.source_ids
    assert f.hazard_ratio == pytest.approx(hr)
    assert f.hr_ci == (pytest.approx(ci) if ci else None)
    if f.estimate == "derived":
        assert f.note and "convert" in f.note  # every conversion is said in the entry


def test_genotype_hrs_against_exon11_are_listed_but_not_applied_to_own_genotype_arms(
    kb: Any,
) -> None:
    # An exon 9 patient has the CALGB exon 9 arm: the exon 9-vs-11 HR must not shift it again.
    import datetime as dt

    from gistcds.domain.patient import Patient
    from gistcds.domain.results.genotype import GenotypeResult
    from gistcds.domain.results.therapy import Evidence, Recommendation, RegimenItem
    from therapy_helpers import prognosis_for

    rec = Recommendation(
        rule_id="r1",
        kind="systemic",
        title="imatinib 400",
        regimen=[RegimenItem(drug="imatinib", dose_mg_per_day=400, schedule="daily")],
        line=1,
        evidence=Evidence(source_ids=["blanke2008"], level="test"),
        rationale="test",
    )
    pat = Patient.model_validate(
        {"id": "p", "metastatic": {"sites": ["liver"]}}, context={"today": dt.date(2026, 11, 26)}
    )
    out = prognosis_for(pat, GenotypeResult.model_validate({"class": "KIT_exon9"}), [rec], kb)
    assert out is not None and out.pfs is not None and out.os is not None
    pfs = {a.id: a for a in out.pfs.adjustments}["kit_exon9_vs_exon11_pfs"]
    os_ = {a.id: a for a in out.os.adjustments}["kit_exon9_vs_exon11_os"]
    for a in (pfs, os_):
        assert a.present is True and not a.applied and "KIT_exon11" in a.reason
        assert a.source_ids == ["debiecrychter2006"]
    assert out.pfs.median_months == pytest.approx(16.7, abs=0.05)  # CALGB exon 9, unadjusted
    assert out.os.median_months == pytest.approx(38.4, abs=0.05)
