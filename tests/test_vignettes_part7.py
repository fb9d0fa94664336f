"""Unusual patients, part 7 (docs/review.md "Unusual patients, part 7: prognosis, response,
follow-up"): a sarcoma oncologist's reading of the PROGNOSIS, RESPONSE and FOLLOW-UP sections
of `gistcds assess` for records earlier rounds did not cover. Each finding test failed before
its change; its docstring says what the output said and the general rule. The last block pins
vignettes read and found right.

Sources: the arms' published data limits (`prognosis_arms.yaml`: CALGB 150105, heinrich2008;
INVICTUS, blay2020/ray2020; review P-19: figures beyond the data are not given); RECIST 1.1
(eisenhauer2009: response is measured from a pre-treatment baseline; after a CR any
reappearance is PD, RECIST Working Group FAQ); Choi 2007 and the nodule-within-a-mass sign
(RA-07); Joensuu 2015 (follow-up by risk: very low risk needs no routine imaging; high risk
6-12-monthly to 10 years).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.console import Console

from gistcds.domain.assessment import Assessment
from gistcds.knowledge import KnowledgeBase
from gistcds.report.model import build_report
from gistcds.report.text import WIDTH, render_text
from review_helpers import KIT11, lesion, line, metastatic, mol, patient, run
from test_report_model import GENERATED

_FOURTH = [
    {**line("imatinib", 400), "start": "2019-01-10", "end": "2022-01-10"},
    {**line("sunitinib", 37.5), "start": "2022-01-20", "end": "2023-01-10"},
    {**line("regorafenib", 160), "start": "2023-01-20", "end": "2023-10-10"},
]


def _text(a: Assessment, kb: KnowledgeBase) -> str:
    console = Console(width=WIDTH, file=io.StringIO(), color_system=None, record=True)
    render_text(build_report(a, kb, GENERATED), console)
    return console.export_text()


def _note(codes: list[str], notes: list[str], code: str) -> str:
    return notes[codes.index(code)]


# --- V4-01: a line already under way for longer than the arm's published data --------------


def _on_line(drug: str, dose: float, start: str, history: list[dict[str, Any]]) -> Assessment:
    ongoing = {**line(drug, dose, None), "start": start}
    return metastatic(
        molecular=mol(KIT11),
        therapy_lines=[*history, ongoing],
        metastatic={"diagnosed": "2011-01-01", "sites": ["liver"]},
    )


@pytest.mark.parametrize(
    ("drug", "dose", "start", "history", "ends"),
    [
        # 15 years on first-line imatinib: CALGB 150105 TTP data end at 24.7, OS at 60 months
        ("imatinib", 400, "2011-01-20", [], ("24.7 months (2013-02-10)", "60 months (2016-01-20)")),
        # 3 years on fourth-line ripretinib: INVICTUS PFS to 6.3, OS to 15.1 months
        ("ripretinib", 150, "2023-10-20", _FOURTH, ("6.3 months (2024-04-29)", "15.1 months")),
    ],
)
def test_v4_01_ongoing_line_names_where_the_published_data_end(
    kb: KnowledgeBase, drug: str, dose: float, start: str, history: list[Any], ends: tuple[str, ...]
) -> None:
    """Before: a patient 15 years on imatinib (or 3 years on fourth-line ripretinib) read
    "PFS median 24.7 months" (6.3) with only "the curves start at the start of the line"; no
    word that the patient had long outlived the published data. Now the note
    `data_end_on_line` gives the calendar date where each curve's published data end, counted
    from the line's start, and says that beyond it the curves and medians do not describe the
    patient and no conditional estimate is held (general: every ongoing line with a curve)."""
    a = run(_on_line(drug, dose, start, history), kb)
    p = a.prognosis
    assert p is not None and p.drugs == [drug]
    text = _note(p.note_codes, p.notes, "data_end_on_line")
    for end in ends:
        assert end in text, text
    assert "conditional" in text and "no longer describe" in text
    assert "the published data end for" in _text(a, kb)


def test_v4_01_control_not_for_a_line_not_yet_started(kb: KnowledgeBase) -> None:
    """Untreated patient: the curves start with the line; no data-end note."""
    a = run(metastatic(molecular=mol(KIT11)), kb)
    assert a.prognosis is not None and "data_end_on_line" not in a.prognosis.note_codes
    assert all("data_end_on_line" not in o.note_codes for o in a.prognosis.alternatives)


# --- V4-02: extrapolated landmarks printed although the notes say they are not given --------


def test_v4_02_report_prints_no_extrapolated_landmark(kb: KnowledgeBase) -> None:
    """Before: for fourth-line ripretinib (INVICTUS PFS: a median of 6.3 months only) the
    report row read "12 mo 27 %, 24 mo 7 %, 60 mo 0 %" beside the note that the 1-, 2- and
    5-year figures lie beyond the published data and "are not given" (review P-19). The
    report's fallback listed every landmark; now only landmarks within the data, else "no
    landmark within the published data" (the same for SDH-deficient first-line sunitinib)."""
    a = run(_on_line("ripretinib", 150, "2023-10-20", _FOURTH), kb)
    assert a.prognosis is not None and a.prognosis.pfs is not None
    assert a.prognosis.pfs.survival_1y is None
    assert all(lm.extrapolated for lm in a.prognosis.pfs.landmarks)
    text = _text(a, kb)
    assert "12 mo" not in text and "60 mo 0 %" not in text
    assert "no landmark within the published data" in text
    sdh = run(metastatic(molecular=mol(genes=("KIT", "PDGFRA", "SDHB"), sdhb="lost")), kb)
    assert "12 mo" not in _text(sdh, kb)


# --- V4-03: CTs before the line started read as responses ----------------------------------


def _prebaseline(lines: list[dict[str, Any]]) -> Assessment:
    imaging = [
        {"date": "2024-06-10", "lesions": [lesion("L1", 30, 70)]},
        {"date": "2024-12-20", "lesions": [lesion("L1", 45, 72)]},
        {"date": "2025-04-10", "lesions": [lesion("L1", 33, 40)]},
        {"date": "2025-10-10", "lesions": [lesion("L1", 28, 35)]},
    ]
    return metastatic(molecular=mol(KIT11), therapy_lines=lines, imaging=imaging)


@pytest.mark.parametrize(
    "lines",
    [
        [{**line("imatinib", 400, None), "start": "2025-01-15"}],
        # relapse after a completed adjuvant course: the surveillance CTs predate the line
        [
            {
                **line("imatinib", 400, "completed", setting="adjuvant"),
                "start": "2020-01-10",
                "end": "2023-01-10",
            },
            {**line("imatinib", 400, None), "start": "2025-01-15"},
        ],
    ],
)
def test_v4_03_ct_before_the_line_is_not_a_response(
    kb: KnowledgeBase, lines: list[dict[str, Any]]
) -> None:
    """Before: CTs 7 months and 4 weeks before imatinib started read "PD" (best overall
    response PD, first progression 2024-12-20, before any drug) and the response on imatinib
    "SD" against the older CT, with no word. RECIST measures response from a pre-treatment
    baseline (eisenhauer2009). Now a warning names the CTs that predate the start of the
    first line after the baseline and the CT to enter the series from; the baseline is not
    moved (the RECIST timing sentence was not read here: open V4-O1)."""
    a = run(_prebaseline(lines), kb)
    s = a.response_summary
    assert s is not None
    warning = next(w for w in s.warnings if "predate the start of imatinib" in w)
    assert "2024-12-20" in warning and "2025-01-15" in warning and "7.2 months" in warning
    assert warning in a.warnings


@pytest.mark.parametrize(
    "lines",
    [
        # the baseline CT just before the start: no follow-up CT predates the line
        [{**line("imatinib", 400, None), "start": "2024-06-20"}],
        # the series runs during one line (imatinib since 2024)
        [{**line("imatinib", 400, None), "start": "2024-01-15"}],
        # no therapy recorded
        [],
    ],
)
def test_v4_03_control_no_warning(kb: KnowledgeBase, lines: list[dict[str, Any]]) -> None:
    a = run(_prebaseline(lines), kb)
    assert a.response_summary is not None
    assert not [w for w in a.response_summary.warnings if "predate the start" in w]


# --- read and found right -----------------------------------------------------------------


def test_v4_fine_genotypes_without_arms_say_so(kb: KnowledgeBase) -> None:
    """BRAF V600E (dabrafenib + trametinib) and NTRK fusion (larotrectinib): no curve borrowed
    from another genotype; the output says there is no arm."""
    braf = run(metastatic(molecular=mol(("BRAF", "p.V600E"), genes=("KIT", "PDGFRA", "BRAF"))), kb)
    assert braf.prognosis is not None and braf.prognosis.pfs is None
    assert braf.prognosis.status == "no_evidence"
    ntrk = run(
        metastatic(molecular=mol(genes=("KIT", "PDGFRA", "NTRK3"), fusions=[["ETV6", "NTRK3"]])),
        kb,
    )
    assert ntrk.prognosis is not None and ntrk.prognosis.pfs is None
    assert any("larotrectinib" in n for n in ntrk.prognosis.notes)


def test_v4_fine_complete_response_then_regrowth_is_progression(kb: KnowledgeBase) -> None:
    """CR (0 mm) twice, then the lesion back at 6 mm: RECIST PD below the 5 mm rule (RECIST
    Working Group FAQ), focal progression, local treatment first (FP-01)."""
    imaging = [
        {"date": "2025-01-10", "lesions": [lesion("L1", 25, 60)]},
        {"date": "2025-07-10", "lesions": [lesion("L1", 0)]},
        {"date": "2026-01-10", "lesions": [lesion("L1", 0)]},
        {"date": "2026-07-10", "lesions": [lesion("L1", 6, 55)]},
    ]
    ongoing = {**line("imatinib", 400, None), "start": "2025-01-15"}
    a = run(metastatic(molecular=mol(KIT11), therapy_lines=[ongoing], imaging=imaging), kb)
    assert [r.recist for r in a.response] == ["CR", "CR", "PD"]
    assert a.response_summary is not None
    assert a.response_summary.best_overall_recist == "CR"
    assert a.recommendations[0].rule_id == "FP-01"


def test_v4_fine_cystic_change_then_nodule_within_mass(kb: KnowledgeBase) -> None:
    """Size +29 % with density -63 % at 2 months: pseudo-progression (RECIST PD, Choi PR, do
    not switch); a year later a nodule inside L2: Choi PD, focal progression (RA-07)."""
    imaging = [
        {"date": "2025-01-10", "lesions": [lesion("L1", 40, 80), lesion("L2", 30, 75)]},
        {"date": "2025-03-10", "lesions": [lesion("L1", 52, 30), lesion("L2", 38, 28)]},
        {
            "date": "2026-03-10",
            "lesions": [lesion("L1", 45, 25), lesion("L2", 30, 22, new_nodule_in_mass=True)],
        },
    ]
    ongoing = {**line("imatinib", 400, None), "start": "2025-01-15"}
    a = run(metastatic(molecular=mol(KIT11), therapy_lines=[ongoing], imaging=imaging), kb)
    assert [(r.recist, r.choi) for r in a.response] == [("PD", "PR"), ("SD", "PD")]
    assert a.response[0].reading.code == "pseudo_progression"
    assert a.response[1].reading.code == "progression"
    assert a.response[1].progression_pattern == "focal"


def _resected(size: float, count: float, date: str, **kw: Any) -> dict[str, Any]:
    return {
        "site": "stomach",
        "size_cm": size,
        "mitoses": {"count": count, "per": "5mm2"},
        "rupture": False,
        "resection": "R0",
        "resection_date": date,
        **kw,
    }


def test_v4_fine_very_low_risk_needs_no_routine_imaging(kb: KnowledgeBase) -> None:
    a = run(patient(primary=_resected(1.0, 1, "2026-09-01")), kb)
    assert a.followup[0].exam.startswith("No routine imaging")


def test_v4_fine_record_from_2010_counts_from_its_own_dates(kb: KnowledgeBase) -> None:
    """High risk resected in 2010, 3 years of adjuvant imatinib to 2013: the schedule counts
    from the end of adjuvant therapy and its last visit (month 84) falls in 2020, 10 years
    after surgery (Joensuu 2015); the report says every visit is past."""
    adj = {
        **line("imatinib", 400, "completed", setting="adjuvant"),
        "start": "2010-04-01",
        "end": "2013-04-01",
    }
    a = run(
        patient(molecular=mol(KIT11), primary=_resected(11, 12, "2010-03-01"), therapy_lines=[adj]),
        kb,
    )
    assert a.followup_from is not None and a.followup_from.event == "adjuvant_end"
    assert max(v.month for v in a.followup) == 84
    assert "Every visit of the schedule is past" in _text(a, kb)


# --- V4-04: small resected SDH-deficient or paediatric wild-type GIST: no imaging ----------

_SDH = {"tested_genes": ["KIT", "PDGFRA", "SDHB"], "variants": [], "sdhb_ihc": "lost"}
_WT = {"tested_genes": ["KIT", "PDGFRA"], "variants": []}


@pytest.mark.parametrize(
    ("age", "molecular", "size", "count"),
    [
        (12, _SDH, 1.5, 2),  # very low by the adult systems: was "no routine imaging"
        (35, _SDH, 4, 3),  # adult, low: was annual CT for 5 years
        (14, _WT, 3, 2),  # child, KIT/PDGFRA negative, SDHB not done: was annual CT
        (12, _SDH, 6, 8),  # high risk: was the adult high-risk schedule without a word
    ],
)
def test_v4_04_sdh_deficient_or_paediatric_wild_type_not_scheduled_by_adult_risk(
    kb: KnowledgeBase, age: int, molecular: dict[str, Any], size: float, count: float
) -> None:
    """Before: a 12-year-old with a resected 1.5 cm SDH-deficient gastric GIST got "No routine
    imaging follow-up needed after complete resection of a very-low-risk GIST" (FU-01), though
    the risk panel itself says the systems are not validated in paediatric GIST. NCI PDQ
    childhood GIST (ncipdqchild2024, read in full): the mitotic rate does not predict
    behaviour in paediatric GIST; of 76 operated wild-type GIST 71% recurred or progressed
    (median 2.5 years; 10-year EFS 16%) and SDH status did not change that. Now FU-SDH-PAED:
    the schedule says no published schedule exists and the adult risk group does not set
    it, shows the high-risk interval by extrapolation (unverified) and asks for a tumour
    board."""
    a = run(
        patient(age_years=age, molecular=molecular, primary=_resected(size, count, "2026-08-01")),
        kb,
    )
    assert {v.rule_id for v in a.followup} == {"FU-SDH-PAED"}
    first = a.followup[0]
    assert first.month == 3 and "No published schedule" in first.exam
    assert first.confidence == "unverified" and "ncipdqchild2024" in first.source_ids
    assert max(v.month for v in a.followup) == 120


@pytest.mark.parametrize(
    ("age", "molecular"),
    [(12, mol(KIT11)), (45, mol(KIT11))],  # a child with a KIT mutation is managed like an adult
)
def test_v4_04_control_kit_mutant_keeps_the_adult_schedule(
    kb: KnowledgeBase, age: int, molecular: dict[str, Any]
) -> None:
    a = run(
        patient(age_years=age, molecular=molecular, primary=_resected(1.5, 2, "2026-08-01")), kb
    )
    assert [v.rule_id for v in a.followup] == ["FU-01"]


def test_v4_04_paediatric_age_is_the_risk_scope_limit(kb: KnowledgeBase) -> None:
    """One paediatric limit: the follow-up condition's age is the risk scope's."""
    from gistcds.knowledge.schema import followup, risk_scope

    limit = kb.get(risk_scope.Table).paediatric_age_below
    table = kb.table("followup", followup.Table)
    rule = next(s for s in table.schedules if s.id == "FU-SDH-PAED")
    ages = [c["all_of"][0]["age_years"]["lt"] for c in rule.when["any_of"] if "all_of" in c]
    assert ages == [limit]


# --- V4-05: non-target-only disease in the response table ---------------------------------


def test_v4_05_non_target_only_disease_reads_non_cr_non_pd_once(kb: KnowledgeBase) -> None:
    """Peritoneal disease recorded as non-target lesions only. Before: the report's table
    read "SD" (the contract value) where RECIST 1.1's overall-response table says
    "non-CR/non-PD" (the engine's own label, eisenhauer2009), and the baseline problem "no
    target lesion" was printed twice in the response section. Now the table cell shows the
    RECIST wording (JSON keeps SD and the label) and each baseline problem appears once."""

    def nt(status: str) -> list[dict[str, Any]]:
        return [
            {"id": f"P{i}", "organ": "peritoneum", "kind": "non_target", "status": status}
            for i in (1, 2)
        ]

    imaging = [
        {"date": "2025-01-10", "lesions": nt("present")},
        {"date": "2025-04-10", "lesions": nt("present")},
    ]
    ongoing = {**line("imatinib", 400, None), "start": "2025-01-15"}
    a = run(metastatic(molecular=mol(KIT11), therapy_lines=[ongoing], imaging=imaging), kb)
    assert a.response[0].recist == "SD"
    assert (a.response[0].recist_label or "").startswith("non-CR/non-PD")
    text = _text(a, kb)
    section = text[text.index("5. Response") : text.index("6. Therapy")]
    assert "non-CR/non-PD" in section
    assert section.count("no target lesion at baseline") == 1
