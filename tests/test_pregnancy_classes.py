"""Pregnancy caution for every drug a rule may recommend (issue 20 / 17: ponatinib and
pazopanib, NCCN agents useful in certain circumstances). Sources: the US labels
(``label-iclusig-us``: embryo-fetal toxicity, 5.x and 8.1; ``label-votrient-us``:
embryo-fetal harm, secondary reading)."""

from __future__ import annotations

import pytest

from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.conditions import matches
from gistcds.knowledge.schema import therapy_drugs, therapy_rules


def test_every_recommendable_drug_carries_the_pregnancy_class(kb: KnowledgeBase) -> None:
    drugs = kb.get(therapy_drugs.Table)
    missing = [d.inn for d in drugs.drugs if "targeted" not in d.classes]
    assert missing == []


@pytest.mark.parametrize(
    ("drug", "label"), [("ponatinib", "label-iclusig-us"), ("pazopanib", "label-votrient-us")]
)
def test_ponatinib_and_pazopanib_trigger_the_pregnancy_caution(
    kb: KnowledgeBase, drug: str, label: str
) -> None:
    drugs = kb.get(therapy_drugs.Table)
    record = drugs.drug(drug)
    assert record is not None and label in record.source_ids
    rules = kb.get(therapy_rules.Table)
    preg = next(r for r in rules.post_cautions if r.id == "TX-PREG")
    facts = {"pregnant": True, "recommended_drugs": [drug], "recommended_classes": record.classes}
    assert matches(preg.when, facts)
    assert not matches(preg.when, {**facts, "pregnant": False})
