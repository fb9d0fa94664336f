"""Issue 12, items 2 and 3: variant-level sensitivity and what is not an activating driver.

Each vignette is a patient a sarcoma oncologist could meet; its docstring names the source and
the general rule it stands for, so that the next unusual variant is covered by the rule, not
by the example. Property tests (hypothesis) cover the parser rules over whole families of
spellings. Reference: ../shared/reference/variant-sensitivity.md (§2 PDGFRA exon 18, §4 KIT
exon 17, §6 truncating findings).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TODAY
from gistcds.assess import assess
from gistcds.domain.patient import Patient
from gistcds.genomics import interpret_genotype
from gistcds.genomics.parse import parse_protein_change

METASTATIC = {"metastatic": {"diagnosed": "2025-01-01", "sites": ["liver"]}}
RESECTED_HIGH_RISK = {
    "primary": {
        "site": "stomach",
        "size_cm": 12,
        "mitoses": {"count": 12, "per": "5mm2"},
        "resection": "R0",
        "rupture": False,
    }
}


def patient(variants: list[tuple[str, str]], **extra: Any) -> Patient:
    data: dict[str, Any] = {
        "id": "s",
        "molecular": {
            "tested_genes": ["KIT", "PDGFRA"],
            "variants": [{"gene": g, "hgvs_p": h} for g, h in variants],
        },
        **extra,
    }
    return Patient.model_validate(data, context={"today": TODAY})


def drugs(rec: Any) -> list[str]:
    return [r.drug for r in rec.regimen]


# --- item 2: variant-level sensitivity ------------------------------------------------------


@pytest.mark.parametrize("change", ["p.R841_D842delinsKI", "RD841-842KI", "p.D842_I843delinsIM"])
def test_d842v_like_delins_gets_avapritinib_first_and_never_imatinib(kb: Any, change: str) -> None:
    """Untreated metastatic PDGFRA p.R841_D842delinsKI / p.D842_I843delinsIM.

    Source: Corless CL et al., J Clin Oncol 2005 (doi 10.1200/JCO.2005.14.068): RD841-842KI and
    DI842-843IM resisted imatinib in CHO and Ba/F3 cells like D842V; D842Y was the exception.
    Rule: a change that behaves like D842V in the laboratory is classed with D842V, so every
    D842V rule applies (avapritinib first, imatinib in no setting), and its evidence is shown
    as laboratory-only."""
    a = assess(patient([("PDGFRA", change)], **METASTATIC), kb)
    g = a.genotype
    assert g is not None
    assert g.genotype_class == "PDGFRA_D842V"
    assert g.sensitivity.imatinib == "resistant"
    assert [c.evidence for c in g.variant_calls] == ["in_vitro"]
    assert "corless2005" in g.sensitivity_source_ids["imatinib"]
    assert "laboratory only" in g.sensitivity_notes["imatinib"]
    assert drugs(a.recommendations[0]) == ["avapritinib"]
    assert not any("imatinib" in drugs(r) for r in a.recommendations)


def test_d842v_like_after_resection_gets_no_adjuvant_imatinib(kb: Any) -> None:
    """Resected high-risk gastric GIST (12 cm, 12 mitoses/5 mm²) with PDGFRA D842_I843delinsIM.

    Source: Corless 2005 (as above). Rule: adjuvant imatinib only for an imatinib-sensitive
    genotype; a D842V-like change is not one."""
    a = assess(patient([("PDGFRA", "p.D842_I843delinsIM")], **RESECTED_HIGH_RISK), kb)
    assert a.genotype is not None and a.genotype.genotype_class == "PDGFRA_D842V"
    assert not any("imatinib" in drugs(r) for r in a.recommendations)


def test_d842y_stays_imatinib_sensitive(kb: Any) -> None:
    """Untreated metastatic PDGFRA D842Y.

    Source: Corless 2005: D842Y was the one codon-842 substitution that stayed imatinib-sensitive
    (in vitro). Rule: the codon-842 call is made per change; D842Y stays with the other exon 18
    mutations (imatinib first), its evidence marked laboratory-only."""
    a = assess(patient([("PDGFRA", "p.D842Y")], **METASTATIC), kb)
    g = a.genotype
    assert g is not None and g.genotype_class == "PDGFRA_exon18_other"
    assert g.sensitivity.imatinib == "sensitive"
    assert [c.id for c in g.variant_calls] == ["PDGFRA_D842Y"]
    assert g.variant_calls[0].evidence == "in_vitro"
    assert drugs(a.recommendations[0]) == ["imatinib"]


@pytest.mark.parametrize("change", ["p.D842I", "p.D842H", "p.D842N", "p.D842_M844delinsE"])
def test_untested_codon842_change_is_d842v_like_by_extrapolation(kb: Any, change: str) -> None:
    """Untreated metastatic PDGFRA D842I (or H, N, another delins at 842).

    Source: Corless 2005 tested D842V, RD841-842KI, DI842-843IM (resistant) and D842Y
    (sensitive) only. Rule (issue 12): codon-842 substitutions and delins other than D842Y are
    read like D842V, marked as extrapolated (no data for the change) with a tumour-board
    warning, never as imatinib-sensitive exon 18."""
    res = interpret_genotype(patient([("PDGFRA", change)], **METASTATIC), kb)
    assert res is not None
    assert res.genotype_class == "PDGFRA_D842V"
    assert [c.evidence for c in res.variant_calls] == ["extrapolated"]
    assert res.sensitivity_confidence["imatinib"] == "unverified"
    assert any("tumour board" in w for w in res.warnings)


def test_primary_kit_d816v_is_not_called_imatinib_sensitive(kb: Any) -> None:
    """Untreated metastatic GIST with KIT D816V as the only (primary) mutation.

    Source: Nishida T et al., Gastric Cancer 2016 (PMID 26276366), Table 1: imatinib 'no for
    D816V'. Rule: a variant-level call overrides the exon-level cell; the class stays
    KIT_exon17 (contract enum) and the imatinib cell says resistant, with a tumour-board
    warning. (Therapy ranking on this cell is phase 2 of issue 12: see docs/review.md.)"""
    res = interpret_genotype(patient([("KIT", "p.D816V")]), kb)
    assert res is not None
    assert res.genotype_class == "KIT_exon17"
    assert res.sensitivity.imatinib == "resistant"
    assert "nishida2016" in res.sensitivity_source_ids["imatinib"]
    assert any("D816V" in w or "Asp816Val" in w for w in res.warnings)


def test_secondary_d816v_is_not_a_variant_level_primary_call(kb: Any) -> None:
    """KIT exon 11 GIST progressing on imatinib with D816V in ctDNA: the variant-level table is
    for primary drivers only; the acquired change is an activation-loop secondary mutation."""
    p = patient(
        [("KIT", "p.W557_K558del"), ("KIT", "p.D816V")],
        therapy_lines=[{"drug": "imatinib", "start": "2023-01-01"}],
    )
    res = interpret_genotype(p, kb)
    assert res is not None
    assert res.genotype_class == "KIT_exon11"
    assert res.variant_calls == []
    assert [s.region for s in res.secondary_mutations] == ["KIT_activation_loop"]


# --- item 3: not an activating driver ----------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        "p.W557*",
        "p.Trp557Ter",
        "p.W557fs",
        "p.K509Nfs*2",
        "exon 11 frameshift",
        "KIT exon 11 deletion, frameshift",
        "exon 11 nonsense mutation",
    ],
)
def test_truncating_kit_change_is_not_an_activating_driver(kb: Any, change: str) -> None:
    """KIT p.W557* (nonsense) or a frameshift as the only KIT finding, KIT and PDGFRA tested.

    Source: Hirota S et al., Science 1998 (KIT is activated by gain-of-function changes);
    reference variant-sensitivity.md T1/T3. Rule: a truncating change in KIT/PDGFRA is not a
    driver: never class KIT_exon11 or imatinib-sensitive; the tumour counts as having no KIT
    driver and the wild-type work-up continues."""
    res = interpret_genotype(patient([("KIT", change)]), kb)
    assert res is not None
    assert res.genotype_class == "unclassified"
    assert res.kit_pdgfra_status == "wild_type"
    assert res.variants[0].role == "not_a_driver"
    assert res.sensitivity.imatinib == "unknown"
    assert "SDHB_IHC" in res.missing_tests


def test_truncating_change_beside_an_activating_one_follows_the_activating_one(kb: Any) -> None:
    """KIT V559D with a KIT nonsense change elsewhere (reference T2): the driver decides."""
    res = interpret_genotype(patient([("KIT", "p.V559D"), ("KIT", "p.R634*")]), kb)
    assert res is not None
    assert res.genotype_class == "KIT_exon11"
    assert [v.role for v in res.variants] == ["primary", "not_a_driver"]


@pytest.mark.parametrize("text", ["311_848del", "p.311_848del", "p.Glu311_Asp848del"])
def test_wide_codon_range_is_refused_not_read_as_a_538_codon_deletion(kb: Any, text: str) -> None:
    """PDGFRA "311_848del" (a range placeholder of some databases, no residues).

    Rule: an activating KIT/PDGFRA change spans at most two exons (genomics_rules.yaml
    span_limit); a wider range is not classified and the report asks for the protein change."""
    res = interpret_genotype(patient([("PDGFRA", text)]), kb)
    assert res is not None
    assert res.genotype_class == "unclassified"
    assert not res.variants[0].classified
    assert "codon_level_result" in res.missing_tests


def test_cdna_is_refused_with_the_codons_it_names(kb: Any) -> None:
    """KIT "c.1669_1674del" with no protein change: never read as codons 1669-1674.

    Rule: a nucleotide change is refused asking for the protein change; the message places it
    on the canonical transcript (c.1669_1674 = codons 557-558, exon 11 of NM_000222) to help."""
    res = interpret_genotype(patient([("KIT", "c.1669_1674del")]), kb)
    assert res is not None
    v = res.variants[0]
    assert not v.classified and v.codon_start is None
    assert v.reason is not None
    assert "protein change" in v.reason and "codons 557-558, exon 11" in v.reason


@pytest.mark.parametrize(
    ("text", "posedit"),
    [
        ("p.V559-", "Val560del"),
        ("p.DIM842-", "Asp842_Met844del"),
        ("p.RD841-", "Arg841_Asp842del"),
        ("RD841-842KI", "Arg841_Asp842delinsLysIle"),
    ],
)
def test_legacy_database_shorthand_is_read(kb: Any, text: str, posedit: str) -> None:
    """Trailing-dash deletions ("V559-", "DIM842-") and "RD841-842KI" from public databases
    are the in-frame changes they name (reference §0.4)."""
    gene = "KIT" if "559" in text else "PDGFRA"
    res = interpret_genotype(patient([(gene, text)]), kb)
    assert res is not None
    assert res.variants[0].hgvs_p == f"p.{posedit}"
    assert res.genotype_class != "unclassified"


# --- properties of the parser and the engine ------------------------------------------------

AA1 = "ACDEFGHIKLMNPQRSTVWY"
residues = st.text(alphabet=AA1, min_size=1, max_size=4)
positions = st.integers(min_value=2, max_value=970)


@settings(max_examples=200, deadline=None)
@given(residues, positions)
def test_trailing_dash_reads_as_deletion_of_the_named_residues(aa: str, start: int) -> None:
    ch = parse_protein_change(f"p.{aa}{start}-")
    assert ch.ok, ch.reason
    assert (ch.edit, ch.start, ch.end) == ("del", start, start + len(aa) - 1)
    assert ch.start_aa == aa[0] and ch.end_aa == aa[-1]


new_residues = st.text(AA1, min_size=1, max_size=3).filter(lambda a: a not in {"DEL", "INS", "ITD"})


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=AA1, min_size=2, max_size=4), positions, new_residues)
def test_legacy_delins_reads_range_and_new_residues(aa: str, start: int, alt: str) -> None:
    end = start + len(aa) - 1
    ch = parse_protein_change(f"{aa}{start}-{end}{alt}")
    assert ch.ok, ch.reason
    assert (ch.edit, ch.start, ch.end, ch.alt) == ("delins", start, end, alt)


nucleotide = st.one_of(
    st.tuples(st.integers(1, 5000), st.integers(0, 30)).map(lambda t: f"c.{t[0]}_{t[0] + t[1]}del"),
    st.tuples(st.integers(1, 5000), st.sampled_from("ACGT"), st.sampled_from("ACGT")).map(
        lambda t: f"c.{t[0]}{t[1]}>{t[2]}"
    ),
    st.integers(1, 5000).map(lambda n: f"c.{n}dup"),
)


@settings(max_examples=200, deadline=None)
@given(nucleotide, st.sampled_from(["", "exon 11 ", "KIT ", "deletion "]))
def test_nucleotide_numbers_are_never_codons(text: str, prefix: str) -> None:
    ch = parse_protein_change(prefix + text)
    assert not ch.ok
    assert ch.start is None and ch.reason is not None and "protein change" in ch.reason


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(1, 1089), st.integers(0, 900), st.booleans())
def test_no_classified_change_spans_more_than_two_exons(
    kb: Any, start: int, length: int, residues_given: bool
) -> None:
    end = min(start + length, 1089)
    text = f"{start}_{end}del" if not residues_given or start == end else f"p.{start}_{end}del"
    res = interpret_genotype(patient([("PDGFRA", text)]), kb)
    assert res is not None
    v = res.variants[0]
    if v.classified:
        assert len(v.exons_spanned) <= 2


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(550, 591), st.sampled_from(["*", "fs", "Gfs*5", "X", "Ter"]))
def test_no_truncating_exon11_change_is_called_kit_exon11(kb: Any, codon: int, tail: str) -> None:
    known = {557: "W", 558: "K", 559: "V", 560: "V", 576: "L"}  # checked reference residues
    res = interpret_genotype(patient([("KIT", f"p.{known.get(codon, 'A')}{codon}{tail}")]), kb)
    assert res is not None
    assert res.variants[0].classified, res.variants[0].reason
    assert res.variants[0].role == "not_a_driver"
    assert res.genotype_class != "KIT_exon11"
