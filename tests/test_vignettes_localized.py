"""Issue 12 item 5: localized, unresected disease is site- and size-aware, and every
patient gets a follow-up plan.

General rules: the derived facts ``morbid_resection_site`` and ``small_gist``
(``history.yaml``) and the rules LD-08-SITE, LD-08-SITE-PENDING, LD-SMALL and SDH-PGL
(``therapy_rules.yaml``); follow-up schedules FU-NEO-ONGOING, FU-NEO-RESECTED, FU-SMALL,
FU-PREOP, FU-N1 and the catch-all FU-TUMOUR-BOARD (``followup.yaml``).

Sources: NCI PDQ (neoadjuvant imatinib for very large or poorly placed tumours, 6-12
months, level C3); NCCN v1.2025 (test the genotype first; only if downsizing reduces
morbidity); ESMO 2022 via the Medscape summary (reference MT-01, LD-01 [V]: no mutational
analysis required for non-rectal GIST < 2 cm; oesophagogastric/duodenal nodules < 2 cm:
EUS, surveillance acceptable); ESGE 2022 (Deprez, Endoscopy 2022: EGD at 3-6 months, then
every 1-2 or 2-3 years); Amar 2021 (SDHx carrier screening consensus); Joensuu 2015.
"""

from __future__ import annotations

from typing import Any

import pytest

from gistcds.domain.assessment import Assessment
from gistcds.knowledge import KnowledgeBase
from review_helpers import KIT11, line, mol, patient, run


def _loc(site: str, size: float, *variants: Any, resection: str = "none", **kw: Any) -> Any:
    genes = kw.pop("genes", ("KIT", "PDGFRA") if variants else ())
    return patient(
        primary={
            "site": site,
            "size_cm": size,
            "mitoses": {"count": 3, "per": "5mm2"},
            "rupture": False,
            "resection": resection,
            **kw.pop("primary", {}),
        },
        molecular=mol(*variants, genes=genes, **kw.pop("mol", {})),
        **kw,
    )


def _ids(a: Assessment) -> list[str]:
    return [r.rule_id for r in a.recommendations]


@pytest.mark.parametrize(
    ("site", "size"), [("rectum", 6), ("esophagus", 7), ("duodenum", 5), ("stomach", 14)]
)
def test_mutilating_site_preoperative_imatinib_first(
    site: str, size: float, kb: KnowledgeBase
) -> None:
    """Rectum, oesophagus, duodenum, large gastric, KIT exon 11: pre-operative imatinib
    400 mg for 6-12 months first, upfront surgery second (NCI PDQ; NCCN; ESMO [U])."""
    a = run(_loc(site, size, KIT11), kb)
    first, second = a.recommendations[:2]
    assert first.rule_id == "LD-08-SITE" and first.regimen[0].dose_mg_per_day == 400
    assert "6-12 months" in first.title
    assert second.kind == "local"
    assert a.followup, "every patient gets a follow-up plan"


@pytest.mark.parametrize(("site", "size"), [("stomach", 6), ("jejunum_ileum", 8)])
def test_other_sites_surgery_first(site: str, size: float, kb: KnowledgeBase) -> None:
    """Control: a 6 cm gastric or 8 cm small-bowel GIST: surgery first, neoadjuvant only as
    the conditional LD-08 option."""
    a = run(_loc(site, size, KIT11), kb)
    assert a.recommendations[0].kind == "local"
    assert "LD-08-SITE" not in _ids(a)


def test_mutilating_site_untested_genotype_first(kb: KnowledgeBase) -> None:
    """V24 (rectal, untested): mutation testing first; pre-operative imatinib named only
    as conditional on a sensitive genotype, no regimen before the result (MT-04)."""
    a = run(_loc("rectum", 6), kb)
    assert _ids(a)[:2] == ["MT-02", "LD-08-SITE-PENDING"]
    assert not any(r.regimen for r in a.recommendations)


@pytest.mark.parametrize("site", ["stomach", "esophagus", "duodenum"])
def test_small_oesophagogastric_gist_eus_surveillance_no_testing_demanded(
    site: str, kb: KnowledgeBase
) -> None:
    """Non-rectal GIST < 2 cm: mutational analysis is not demanded (ESMO); EUS surveillance
    is an option; follow-up is the ESGE endoscopic schedule."""
    a = run(_loc(site, 1.5), kb)
    assert "MT-02" not in _ids(a)
    assert "LD-SMALL" in _ids(a)
    assert a.followup[0].rule_id == "FU-SMALL" and a.followup[0].month == 3
    assert "1-2 years" in a.followup[1].exam


def test_sub_centimetre_gastric_gist_two_to_three_yearly(kb: KnowledgeBase) -> None:
    """ESGE 2022: < 10 mm, EGD at 3-6 months then every 2-3 years."""
    a = run(_loc("stomach", 0.8), kb)
    assert {v.rule_id for v in a.followup} == {"FU-SMALL-LT1"}
    assert a.followup[1].month - a.followup[0].month == 24


def test_small_rectal_gist_is_tested_and_resected(kb: KnowledgeBase) -> None:
    """Rectal GIST < 2 cm: the ESMO exception is non-rectal only: testing stays, no EUS
    surveillance option, no pre-operative imatinib for a 1.5 cm tumour."""
    a = run(_loc("rectum", 1.5), kb)
    assert _ids(a)[0] == "MT-02"
    assert "LD-SMALL" not in _ids(a) and "LD-08-SITE-PENDING" not in _ids(a)


def test_unresected_localized_gets_a_followup_plan(kb: KnowledgeBase) -> None:
    """Before this change unresected localized disease got no follow-up at all."""
    a = run(_loc("stomach", 6, KIT11), kb)
    assert [v.rule_id for v in a.followup] == ["FU-PREOP"]


def test_neoadjuvant_ongoing_and_resected_followup(kb: KnowledgeBase) -> None:
    """On neoadjuvant imatinib: 3-monthly response imaging to plan surgery; resected after
    neoadjuvant imatinib (O-14): the high-risk schedule while imatinib continues to 3 years
    (NCI PDQ; Joensuu 2015 by extrapolation)."""
    on = run(
        _loc(
            "rectum",
            7,
            KIT11,
            therapy_lines=[{**line("imatinib", 400, None), "setting": "neoadjuvant"}],
        ),
        kb,
    )
    assert on.followup[0].rule_id == "FU-NEO-ONGOING"
    done = run(
        _loc(
            "rectum",
            4,
            KIT11,
            resection="R0",
            therapy_lines=[
                {
                    **line("imatinib", 400, "completed"),
                    "setting": "neoadjuvant",
                    "start": "2025-06-01",
                    "end": "2026-01-01",
                }
            ],
        ),
        kb,
    )
    assert {v.rule_id for v in done.followup} == {"FU-NEO-RESECTED"}


def test_sdh_deficient_young_patient_germline_and_paraganglioma_screening(
    kb: KnowledgeBase,
) -> None:
    """SDH-deficient gastric GIST at 22: germline SDHx testing and paraganglioma/
    phaeochromocytoma screening before surgery (Amar 2021; MSK 2023)."""
    a = run(_loc("stomach", 5, genes=("KIT", "PDGFRA"), age_years=22, mol={"sdhb": "lost"}), kb)
    ids = _ids(a)
    assert "MT-06-SDH-germline" in ids and "SDH-PGL" in ids
    assert ids.index("MT-06-SDH-germline") < ids.index("LD-03")


def test_sdh_metastatic_later_line_keeps_fallback_beside_screening(kb: KnowledgeBase) -> None:
    """A screening rule is an adjunct: it never hides 'no rule covers this' (O-6)."""
    from review_helpers import metastatic

    a = run(
        metastatic(
            molecular=mol(genes=("KIT", "PDGFRA"), sdhb="lost"),
            therapy_lines=[line("sunitinib", 37.5)],
        ),
        kb,
    )
    assert _ids(a)[0] == "fallback" and "SDH-PGL" in _ids(a)
