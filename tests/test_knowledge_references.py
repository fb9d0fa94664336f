"""`kb check` resolves references between tables (issue 13, item 2).

Each case breaks one kind of reference in a copy of the shipped knowledge base and expects
the build to fail with a message naming the file and the broken id. Before the reference
pass, renaming ``high_risk`` in followup.yaml or a drug id in therapy_hepatic.yaml silently
emptied a follow-up plan or dropped liver cautions while `kb check` said ok.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from gistcds.errors import KnowledgeBaseError
from gistcds.knowledge import build_kb
from test_knowledge_base import check, copy_kb

# (file, pattern to replace (first match), replacement, expected words in one problem line)
BREAKS: list[tuple[str, str, str, tuple[str, ...]]] = [
    # a drug id in a label table
    (
        "therapy_hepatic.yaml",
        r"drug: regorafenib",
        "drug: regorafenibb",
        ("therapy_hepatic.yaml", "'regorafenibb'", "therapy_drugs.yaml"),
    ),
    (
        "therapy_interactions.yaml",
        r"drug: sunitinib",
        "drug: sunitinibb",
        ("therapy_interactions.yaml", "'sunitinibb'"),
    ),
    # a drug in a regimen (must have schedules) and in an exclusion
    (
        "therapy_rules.yaml",
        r"drug: larotrectinib",
        "drug: nilotinib",
        ("therapy_rules.yaml", "regimen", "'nilotinib'"),
    ),
    (
        "therapy_rules.yaml",
        r"drugs: \[sunitinib, regorafenib\]",
        "drugs: [sunitinib, regorafenibb]",
        ("exclusions", "'regorafenibb'"),
    ),
    # a drug in a rule condition and in a mapping key of one
    (
        "therapy_rules.yaml",
        r"contains_all: \[imatinib, sunitinib\]",
        "contains_all: [imatinib, sunitnib]",
        ("therapy_rules.yaml", "drugs_received", "'sunitnib'"),
    ),
    (
        "therapy_rules.yaml",
        r"max_dose\.imatinib",
        "max_dose.imatinibb",
        ("max_dose.imatinibb", "'imatinibb'"),
    ),
    # a derived fact renamed where it is used, and where it is defined
    ("followup.yaml", r"high_risk: true", "high_risks: true", ("followup.yaml", "high_risks")),
    ("history.yaml", r"name: high_risk\n", "name: high_risc\n", ("history.yaml", "high_risc")),
    ("history.yaml", r"value: intolerance", "value: intolerant", ("history.yaml", "intolerant")),
    # a genotype class (or another vocabulary value) in a condition
    (
        "therapy_rules.yaml",
        r"genotype: PDGFRA_D842V",
        "genotype: PDGFRA_D842W",
        ("therapy_rules.yaml", "'PDGFRA_D842W'", "genotype"),
    ),
    (
        "followup.yaml",
        r"risk_modified_nih: very_low",
        "risk_modified_nih: very_lo",
        ("followup.yaml", "'very_lo'", "risk_modified_nih"),
    ),
    (
        "history.yaml",
        r"KIT_exon13, KIT_exon17",
        "KIT_exon13, KIT_exon71",
        ("history.yaml", "'KIT_exon71'"),
    ),
    (
        "prognosis_arms.yaml",
        r"genotype_classes: \[KIT_exon11\]",
        "genotype_classes: [KIT_exon111]",
        ("prognosis_arms.yaml", "KIT_exon111"),
    ),
    # a prognostic factor's condition names a ClinicalFacts field, with values of its type
    (
        "prognosis_factors.yaml",
        r"\{field: site,",
        "{field: primary_site,",
        ("prognosis_factors.yaml", "'primary_site'", "ClinicalFacts"),
    ),
    (
        "prognosis_factors.yaml",
        r"\{field: genotype, op: eq, value: KIT_exon9\}",
        "{field: genotype, op: eq, value: KIT_exon99}",
        ("prognosis_factors.yaml", "'KIT_exon99'", "'genotype'"),
    ),
    # a population the trials did not enrol names a ClinicalFacts field, with a value of it
    (
        "prognosis_factors.yaml",
        r"fact: creatinine_clearance_ml_min",
        "fact: creatinine_clearance",
        ("prognosis_factors.yaml", "'creatinine_clearance'", "ClinicalFacts"),
    ),
    (
        "prognosis_factors.yaml",
        r"fact: hepatic_class\n    op: eq\n    value: severe",
        "fact: hepatic_class\n    op: eq\n    value: sever",
        ("prognosis_factors.yaml", "severe_hepatic_impairment", "'sever'", "'hepatic_class'"),
    ),
    (
        "prognosis_factors.yaml",
        r"fact: ecog\n    op: ge",
        "fact: dose_mg_per_day\n    op: ge",
        ("prognosis_factors.yaml", "'dose_mg_per_day'", "ClinicalFacts"),
    ),
    # ids of other tables: arms, factors, evidence groups, drug classes
    (
        "prognosis_sequences.yaml",
        r"compare_os_arm: (\w+)",
        r"compare_os_arm: \1_gone",
        ("prognosis_sequences.yaml", "_gone'", "prognosis_arms.yaml"),
    ),
    (
        "prognosis_arms.yaml",
        r"adjust_with: \[(\w+)",
        r"adjust_with: [\1_gone",
        ("prognosis_arms.yaml", "_gone'", "prognosis_factors.yaml"),
    ),
    (
        "prognosis_sequences.yaml",
        r"- \{drug: sunitinib",
        "- {drug: sunitinb",
        ("prognosis_sequences.yaml", "'sunitinb'"),
    ),
    (
        "genomics_rules.yaml",
        r"tki_class: kit_pdgfra_inhibitor",
        "tki_class: kit_inhibitor",
        ("genomics_rules.yaml", "tki_class"),
    ),
    (
        "therapy_rules.yaml",
        r"recommended_classes: \{contains: targeted\}",
        "recommended_classes: {contains: targetted}",
        ("therapy_rules.yaml", "'targetted'", "drug class"),
    ),
    # the TKI list derives from therapy_drugs: a GIST TKI without a sensitivity cell
    (
        "therapy_drugs.yaml",
        r"classes: \[kit_pdgfra_inhibitor\], synonyms: \[tasigna\]",
        "classes: [gist_tki, kit_pdgfra_inhibitor], synonyms: [tasigna]",
        ("genomics_sensitivity.yaml", "'nilotinib'", "gist_tki"),
    ),
    # a variant-level call overriding a drug the genotype engine does not rate
    (
        "genomics_variants.yaml",
        r"      regorafenib: \{level: resistant",
        "      nilotinib: {level: resistant",
        ("genomics_variants.yaml", "'nilotinib'", "gist_tki"),
    ),
    # one group, two tables, two lists
    (
        "history.yaml",
        r"PDGFRA_exon14, PDGFRA_exon18_other, PDGFRA_other\]",
        "PDGFRA_exon14, PDGFRA_exon18_other]",
        ("groups.imatinib_sensitive", "differs"),
    ),
]


def _break(directory: Path, file: str, pattern: str, replacement: str) -> None:
    path = directory / file
    text = path.read_text()
    broken, n = re.subn(pattern, replacement, text, count=1)
    assert n == 1, f"{file}: pattern {pattern!r} not found (the test needs updating)"
    path.write_text(broken)


@pytest.mark.parametrize(
    ("file", "pattern", "replacement", "words"),
    BREAKS,
    ids=[f"{b[0]}:{b[2][:30]}" for b in BREAKS],
)
def test_kb_check_names_each_broken_reference(
    tmp_path: Path, file: str, pattern: str, replacement: str, words: tuple[str, ...]
) -> None:
    d = copy_kb(tmp_path)
    _break(d, file, pattern, replacement)
    with pytest.raises(KnowledgeBaseError) as exc:
        build_kb(d)
    problems = exc.value.problems
    assert any(all(w in p for w in words) for p in problems), problems


def test_the_command_fails_with_the_reference_named(tmp_path: Path) -> None:
    """`gistcds kb check` exits 1 and prints the broken reference (the renamed drug id)."""
    d = copy_kb(tmp_path)
    _break(d, "therapy_hepatic.yaml", r"drug: regorafenib", "drug: regorafenibb")
    out = check(d)
    assert out.returncode == 1
    assert "regorafenibb" in out.stdout + out.stderr


def test_shipped_kb_has_no_broken_reference() -> None:
    from gistcds.knowledge import load_kb
    from gistcds.knowledge.references import check_references

    assert check_references(load_kb().tables) == []


NEW_DRUG = """  - inn: testinib
    synonyms: [testivec]
    classes: [gist_tki, kit_pdgfra_inhibitor, targeted]
    schedules:
      - {dose_mg_per_day: 100, text: "100 mg once daily (test drug)"}
      - {dose_mg_per_day: 50, text: "50 mg once daily (test drug)"}
    reduction_steps: [100, 50]
    source_ids: [vonmehren2021]
"""
NEW_RULE = """  - id: TEST-NEW-DRUG
    title: A made-up drug, offered last, to prove a new drug needs no code
    when: {setting: metastatic, genotype: KIT_exon11}
    source_ids: [vonmehren2021]
    options:
      - kind: systemic
        rank: 90
        title: "testinib 100 mg/day"
        line: next
        regimen: [{drug: testinib, dose_mg_per_day: 100}]
        evidence: {source_ids: [vonmehren2021], level: "none (test)"}
        rationale: "Test only."
"""


def test_adding_a_drug_touches_yaml_only(tmp_path: Path) -> None:
    """docs/maintaining-the-kb.md, 'Add a drug': a GIST TKI added to therapy_drugs.yaml,
    rated in genomics_sensitivity.yaml and recommended by a rule is read by every engine
    (names, sensitivity, regimen, schedule, genotype timing) without a line of Python."""
    from gistcds.assess import assess
    from gistcds.domain.patient import Patient

    d = copy_kb(tmp_path)
    drugs = d / "therapy_drugs.yaml"
    drugs.write_text(drugs.read_text() + NEW_DRUG)
    sens = d / "genomics_sensitivity.yaml"
    sens.write_text(
        re.sub(
            r"^(    avapritinib: .*)$",
            r'\1\n    testinib: {level: unknown, note: "test", source_ids: [vonmehren2021]}',
            sens.read_text(),
            flags=re.M,
        )
    )
    rules = d / "therapy_rules.yaml"
    rules.write_text(rules.read_text().replace("rules:\n", "rules:\n" + NEW_RULE, 1))
    kb = build_kb(d)
    patient = Patient.model_validate(
        {
            "id": "new-drug",
            "metastatic": {"sites": ["liver"]},
            "molecular": {
                "tested_genes": ["KIT", "PDGFRA"],
                "variants": [{"gene": "KIT", "hgvs_p": "p.W557_K558del"}],
            },
            "therapy_lines": [
                {"drug": "Testivec", "dose_mg_per_day": 100, "setting": "metastatic"}
            ],
        }
    )
    a = assess(patient, kb)
    assert a.genotype is not None
    assert a.genotype.sensitivity.model_dump()["testinib"] == "unknown"
    offered = [r for r in a.recommendations if any(i.drug == "testinib" for i in r.regimen)]
    assert offered and offered[0].regimen[0].schedule == "100 mg once daily (test drug)"
    assert not any(c.code == "unknown_drug_name" for c in a.cautions)  # "Testivec" is known
    from gistcds.report.model import build_report

    view = build_report(a, kb).genotype
    assert view is not None and "testinib" in [row.drug for row in view.sensitivity]


def test_every_citation_has_one_full_stop_after_each_part(kb: Any) -> None:
    """`gistcds kb sources`, the API, FHIR and docs/evidence.md print ``citation()``: an
    author list ending in "et al." once read "et al.. International consensus ..."."""
    citations = [s.citation() for s in kb.sources.values()]
    assert [c for c in citations if ".." in c.split("; ")[0]] == []
    amar = kb.sources["amar2021"].citation()
    assert amar.startswith("Amar L, Pacak K, Steichen O, et al. International consensus")
