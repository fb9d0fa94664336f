"""The few patient facts trial matching needs, read from the patient record.

Drug names are normalised with the knowledge base's drug list (INN and synonyms). The
advanced-disease history counts metastatic lines and any perioperative line that ended in
progression (a relapse on that drug). Consecutive lines of the same drug (dose changes)
count as one line.
"""

from __future__ import annotations

from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import GenotypeResult
from gistcds.knowledge.schema import therapy_drugs
from gistcds.trials.match import TrialFacts

__all__ = ["trial_facts"]


def _names(drugs: therapy_drugs.Table) -> dict[str, str]:
    names: dict[str, str] = {}
    pairs = [(d.inn, d.synonyms) for d in drugs.drugs]
    pairs += [(a.inn, a.synonyms) for a in drugs.other_agents]
    for inn, synonyms in pairs:
        names[inn] = inn
        for syn in synonyms:
            names[syn.lower()] = inn
    return names


def trial_facts(
    patient: Patient, genotype: GenotypeResult | None, drugs: therapy_drugs.Table
) -> TrialFacts:
    """TrialFacts of one patient (``genotype`` from the genomics engine, or None)."""
    names = _names(drugs)
    sequence: list[str] = []
    for ln in patient.therapy_lines:
        line_setting = ln.setting.value if ln.setting else "metastatic"
        stop = ln.stop_reason.value if ln.stop_reason else None
        if line_setting != "metastatic" and stop != "progression":
            continue
        drug = names.get(ln.drug.strip().lower(), ln.drug.strip().lower())
        if not sequence or sequence[-1] != drug:
            sequence.append(drug)
    if patient.metastatic is not None:
        setting: str | None = "metastatic"
    elif patient.primary is not None:
        setting = "localized"
    else:
        setting = None
    regions = frozenset(m.region for m in genotype.secondary_mutations) if genotype else frozenset()
    return TrialFacts(
        setting=setting,
        genotype=genotype.genotype_class if genotype else None,
        prior_drugs=frozenset(sequence),
        n_prior_lines=len(sequence),
        ecog=patient.ecog,
        secondary_regions=regions,
    )
