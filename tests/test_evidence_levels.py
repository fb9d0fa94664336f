"""evidence_levels.yaml: every cell names real genotype classes and drugs, every level is
a value of its system, and the lookup never returns a variant-restricted cell."""

from __future__ import annotations

import re
from typing import Any, get_args

from gistcds.domain.results.genotype import GenotypeClass
from gistcds.knowledge.schema import evidence_levels as L
from gistcds.knowledge.schema import therapy_drugs, therapy_rules

ONCOKB = {"1", "2", "3A", "3B", "4", "R1", "R2"}


def _table(kb: Any) -> L.Table:
    return kb.table("evidence_levels", L.Table)


def _known_drugs(kb: Any) -> set[str]:
    t = kb.table("therapy_drugs", therapy_drugs.Table)
    return {d.inn for d in t.drugs} | {a.inn for a in t.other_agents}


def test_cells_name_contract_genotypes_and_known_drugs(kb: Any) -> None:
    classes = set(get_args(GenotypeClass))
    drugs = _known_drugs(kb)
    for cell in _table(kb).cells:
        assert set(cell.genotypes) <= classes, cell.genotypes
        assert set(cell.drug.split("+")) <= drugs, cell.drug


def test_levels_are_values_of_their_system(kb: Any) -> None:
    for cell in _table(kb).cells:
        if cell.variant_level:
            assert cell.variant_level.value in ONCOKB
        if cell.nccn:
            assert re.match(r"^category (1|2A|2B|3)\b", cell.nccn.value)
        if cell.esmo:
            assert re.match(r"^\[(I|II|III|IV|V), [A-E]\]", cell.esmo.value)


def test_no_esmo_grade_is_claimed_without_the_esmo_text(kb: Any) -> None:
    """ESMO 2022 was not read (evidence pass 3): no cell may carry an ESMO grade."""
    assert all(cell.esmo is None for cell in _table(kb).cells)


def test_lookup_ignores_variant_restricted_cells(kb: Any) -> None:
    t = _table(kb)
    cell = t.cell_for("PDGFRA_D842V", "avapritinib")
    assert cell and cell.variant_level and cell.variant_level.value == "1"
    assert t.cell_for("PDGFRA_exon18_other", "avapritinib") is None  # only named variants
    assert t.cell_for("KIT_other", "imatinib").variant_level.value == "1"  # type: ignore[union-attr]


def test_excluded_genotype_drug_pairs_have_no_level(kb: Any) -> None:
    """A drug the rules exclude for a genotype must not show a supporting level there."""
    rules = kb.table("therapy_rules", therapy_rules.Table)
    t = _table(kb)
    for ex in rules.exclusions:
        spec = ex.when.get("genotype")
        genotypes = [spec] if isinstance(spec, str) else spec.get("in", []) if spec else []
        for g in genotypes:
            for drug in ex.drugs:
                cell = t.cell_for(g, drug)
                assert cell is None or cell.variant_level is None, (ex.id, g, drug)


def test_resistance_levels_match_the_exact_variant_only(kb: Any) -> None:
    """The KB query both engines use: A829P gets the R2 cells of KIT_other; another KIT_other
    change does not (an alteration-restricted cell never applies to the whole class)."""
    from gistcds.knowledge.schema.evidence_levels import Table

    table = kb.get(Table)
    got = table.resistance_levels("KIT_other", ["A829P"])
    assert {d: lv.value for d, lv in got.items()} == {"imatinib": "R2", "sunitinib": "R2"}
    assert table.resistance_levels("KIT_other", ["A829T"]) == {}
    assert table.resistance_levels("KIT_exon11", ["W557_K558del"]) == {}
