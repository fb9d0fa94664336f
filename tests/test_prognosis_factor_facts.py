"""Prognostic factors read the patient's ClinicalFacts (issue 13): a condition's ``field``
is a fact's name (or the option's dose), and the value is the fact's, never the record's."""

from __future__ import annotations

from gistcds.domain.facts import ClinicalFacts
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.schema.prognosis_factors import OPTION_FIELDS, Condition, Factor
from gistcds.knowledge.schema.prognosis_factors import Table as FactorsTable
from gistcds.prognosis.factors import has_factor, patient_value, supplied_value


def _factor(*conditions: Condition) -> Factor:
    return Factor(
        id="test_factor",
        label="test",
        dimension="test",
        endpoints=["PFS"],
        direction="adverse",
        conditions=list(conditions),
        drugs=["imatinib"],
        lines=[1],
        source_ids=["vonmehren2021"],
        confidence="primary",
    )


def test_every_factor_field_is_a_fact_or_an_option_field(kb: KnowledgeBase) -> None:
    fields = {c.field for f in kb.get(FactorsTable).factors for c in f.conditions}
    assert fields - ClinicalFacts.names() <= set(OPTION_FIELDS)
    assert {"genotype", "site", "size_cm", "mitotic_count"} <= fields  # facts' own names


def test_values_come_from_the_facts() -> None:
    facts = ClinicalFacts(
        genotype="KIT_exon9", sex="female", site="small_intestine", mitotic_count=12.0
    )
    assert patient_value("genotype", facts, None) == "KIT_exon9"
    assert patient_value("sex", facts, None) == "female"
    assert patient_value("site", facts, None) == "small_intestine"
    assert patient_value("dose_mg_per_day", facts, 800.0) == 800.0
    factor = _factor(
        Condition(field="site", op="eq", value="small_intestine"),
        Condition(field="mitotic_count", op="gt", value=5),
    )
    assert has_factor(factor, facts, None) is True
    assert supplied_value(factor, facts, None) == "primary site small_intestine, mitotic count 12"


def test_not_recorded_facts_are_not_supplied() -> None:
    """``genotype: none`` (no genotype run), ``resection: unknown`` and a list-valued fact
    are not values a factor can test: the factor is unknown and 'not supplied'."""
    facts = ClinicalFacts(genotype="none")
    assert patient_value("genotype", facts, None) is None
    assert patient_value("resection", facts, None) is None
    assert patient_value("drugs_received", facts, None) is None
    factor = _factor(Condition(field="genotype", op="eq", value="KIT_exon9"))
    assert has_factor(factor, facts, None) is None
    assert supplied_value(factor, facts, None) is None


def test_none_is_a_value_where_the_fact_means_it() -> None:
    """``resection: none`` (not operated on) and ``last_pattern: none`` are recorded values a
    factor may test; only facts typed "none = not yet" (genotype, last_stop) read as unsupplied."""
    facts = ClinicalFacts(genotype="KIT_exon11", resection="none", last_stop="none")
    assert patient_value("resection", facts, None) == "none"
    assert patient_value("last_pattern", facts, None) == "none"
    assert patient_value("last_stop", facts, None) is None
    factor = _factor(Condition(field="resection", op="eq", value="none"))
    assert has_factor(factor, facts, None) is True
