"""Levels of evidence and matched trials on the ranked options (issue 20 items 2 and 4),
through the whole assessment (genotype -> facts -> therapy -> trials).

Sources of the vignettes: OncoKB release notes (``oncokb2026``: KIT oncogenic mutations
level 1 for imatinib; PDGFRA D842V level 1 for avapritinib; KIT A829P R2 for imatinib),
the NCCN V.1.2023 panel record (``nccn2023panel``: ponatinib category 2A, useful in certain
circumstances) and the dated trials table (``trials.yaml``, ClinicalTrials.gov records).
"""

from __future__ import annotations

from typing import Any

from gistcds.assess import assess
from gistcds.domain.assessment import Assessment
from gistcds.domain.results.therapy import Recommendation
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema.trials import Table as Trials
from therapy_helpers import line, metastatic

FOUR_LINES = [
    line("imatinib", 400),
    line("sunitinib", 37.5),
    line("regorafenib", 160),
    line("ripretinib", 150),
]


def _kit11(**kw: Any) -> dict[str, Any]:
    variant = kw.pop("variant", "p.W557_K558del")
    return {
        "molecular": {
            "tested_genes": ["KIT", "PDGFRA"],
            "variants": [{"gene": "KIT", "hgvs_p": variant, "source": "tissue"}],
        },
        **kw,
    }


def _d842v(**kw: Any) -> dict[str, Any]:
    return {
        "molecular": {
            "tested_genes": ["KIT", "PDGFRA"],
            "variants": [{"gene": "PDGFRA", "hgvs_p": "p.D842V", "source": "tissue"}],
        },
        **kw,
    }


def _run(kb: KnowledgeBase, **fields: Any) -> Assessment:
    return assess(metastatic(**fields), kb)


def _level(rec: Recommendation, system: str, drug: str | None) -> tuple[str, list[str]]:
    lv = next(x for x in rec.levels if x.system == system and x.drug == drug)
    return lv.value, lv.source_ids


def _option(a: Assessment, drug: str) -> Recommendation:
    return next(r for r in a.recommendations if drug in {i.drug for i in r.regimen})


def test_untreated_kit11_imatinib_levels(kb: KnowledgeBase) -> None:
    first = _run(kb, **_kit11()).recommendations[0]
    assert [i.drug for i in first.regimen] == ["imatinib"]
    assert _level(first, "variant_level", "imatinib") == ("1", ["oncokb2026"])
    # no ESMO grade or NCCN category was read for this cell: said so, uncited
    assert _level(first, "esmo", "imatinib") == ("not captured", [])
    assert _level(first, "nccn", "imatinib") == ("not captured", [])


def test_d842v_avapritinib_level_1(kb: KnowledgeBase) -> None:
    first = _run(kb, **_d842v()).recommendations[0]
    assert [i.drug for i in first.regimen] == ["avapritinib"]
    assert _level(first, "variant_level", "avapritinib") == ("1", ["oncokb2026"])


def test_alteration_cell_wins_over_class_cell(kb: KnowledgeBase) -> None:
    """KIT A829P (class KIT_other): imatinib resistance R2, not the class-wide level 1."""
    a = _run(kb, **_kit11(variant="p.A829P"))
    assert a.genotype is not None and a.genotype.genotype_class == "KIT_other"
    levels = [lv for r in a.recommendations for lv in r.levels if lv.drug == "imatinib"]
    assert levels
    assert {lv.value for lv in levels if lv.system == "variant_level"} == {"R2"}


def test_fifth_line_ponatinib_nccn_category(kb: KnowledgeBase) -> None:
    a = _run(kb, **_kit11(therapy_lines=FOUR_LINES))
    value, ids = _level(_option(a, "ponatinib"), "nccn", "ponatinib")
    assert value == "category 2A, useful in certain circumstances"
    assert ids == ["nccn2023panel"]


def test_non_drug_options_say_not_captured(kb: KnowledgeBase) -> None:
    a = _run(kb, **_kit11(therapy_lines=FOUR_LINES))
    care = next(r for r in a.recommendations if r.kind == "supportive")
    assert {(lv.system, lv.value) for lv in care.levels} == {
        ("esmo", "not captured"),
        ("nccn", "not captured"),
    }


def test_kit11_after_four_lines_gets_matching_trials(kb: KnowledgeBase) -> None:
    a = _run(kb, **_kit11(therapy_lines=FOUR_LINES))
    trials = [r for r in a.recommendations if r.kind == "trial" and r.rule_id.startswith("trial:")]
    ids = {i for r in trials for i in r.trial_ids}
    # open to KIT exon 11 after >= 2 lines of imatinib and sunitinib; PEAK and INSIGHT
    # (second line only) and the wild-type trials are not
    assert {"NCT06208748", "NCT05489237", "NCT06630234", "NCT06655246"} <= ids
    assert not ids & {"NCT05208047", "NCT05734105", "NCT04924075", "NCT06640361"}
    assert all(r.levels == [] and r.evidence.source_ids for r in trials)
    # the guideline's own trial option lists the same registry ids
    generic = [
        r for r in a.recommendations if r.kind == "trial" and not r.rule_id.startswith("trial:")
    ]
    assert generic and set(generic[0].trial_ids) == ids


def test_trial_options_never_above_a_standard_option(kb: KnowledgeBase) -> None:
    a = _run(kb, **_kit11(therapy_lines=[line("imatinib", 400)]))
    kinds = [r.rule_id.startswith("trial:") for r in a.recommendations]
    assert kinds[0] is False and True in kinds
    assert kinds == sorted(kinds)  # every registry trial after every guideline option
    assert "NCT05208047" in {i for r in a.recommendations for i in r.trial_ids}  # PEAK


def test_d842v_gets_only_trials_open_to_pdgfra_d842v(kb: KnowledgeBase) -> None:
    a = _run(kb, **_d842v(therapy_lines=[line("avapritinib", 300)]))
    ids = {i for r in a.recommendations for i in r.trial_ids}
    assert ids == {"NCT06630234"}
    table = kb.get(Trials)
    for t in table.trials:
        if t.registry_id in ids:
            assert not t.eligibility.genotypes or "PDGFRA_D842V" in t.eligibility.genotypes


def test_untreated_d842v_no_later_line_trials(kb: KnowledgeBase) -> None:
    a = _run(kb, **_d842v())
    assert not {i for r in a.recommendations for i in r.trial_ids}


def test_guideline_position_grade_is_used_when_no_cell_gives_one(kb: KnowledgeBase) -> None:
    """A rule's attributed NCCN/ESMO position with a grade fills that system (synthetic
    option; the cell table wins when it has a level)."""
    from gistcds.domain.facts import ClinicalFacts
    from gistcds.domain.results.therapy import Evidence, Position, RegimenItem
    from gistcds.knowledge.schema import evidence_levels
    from gistcds.therapy.levels import option_levels

    rec = Recommendation(
        rule_id="X",
        kind="systemic",
        title="t",
        regimen=[RegimenItem(drug="pazopanib", dose_mg_per_day=800, schedule="")],
        evidence=Evidence(source_ids=["mir2016"], level="l"),
        rationale="r",
        positions=[
            Position(
                guideline="NCCN V.1.2023",
                statement="s",
                level="category 2B",
                source_ids=["nccn2023panel"],
            ),
        ],
    )
    facts = ClinicalFacts(genotype="KIT_exon11")
    levels = option_levels(rec, facts, kb.get(evidence_levels.Table))
    got = {lv.system: (lv.value, lv.source_ids) for lv in levels}
    assert got["nccn"] == ("category 2B", ["nccn2023panel"])
    assert got["esmo"] == ("not captured", [])


def test_alteration_prefix_matching() -> None:
    from gistcds.knowledge.schema.evidence_levels import alteration_hit as _alteration_hit

    assert _alteration_hit("D816", ("D816V",))
    assert _alteration_hit("D816", ("D816H", "N822K"))
    assert not _alteration_hit("D816", ("D8160V",))
    assert _alteration_hit("Y823D", ("Y823D",))
    assert not _alteration_hit("Y823D", ("Y823C",))
    assert _alteration_hit("D842_H845del", ("D842_H845del",))


def test_short_protein_change() -> None:
    from gistcds.domain.alterations import short_protein_change

    assert short_protein_change("p.Asp842Val") == "D842V"
    assert short_protein_change("p.(Asp842_His845del)") == "D842_H845del"
    assert short_protein_change("p.Trp557_Lys558del") == "W557_K558del"
    assert short_protein_change("p.Ala829Pro") == "A829P"
