"""Facts: the inputs flattened into the named values rule conditions test.

This module decides nothing clinical. It reads the patient, the genotype, the
risk panel and the response list and reports what is there (drugs received,
how each line ended, the latest RECIST/Choi call...). Clinical interpretations
built on these facts (what counts as progression, as high risk...) are the
``derived`` entries of ``therapy_rules.yaml``.

Facts (names used in the YAML):
  genotype            genotype class, "none" when not computed
  secondary_regions   regions of secondary mutations (KIT_ATP_pocket, ...)
  sensitivity         {drug: level} from the genotype engine
  setting             "metastatic" | "localized" | "unknown"
  resection           R0 | R1 | R2 | none | "unknown"
  rupture             true | false | None;   site: primary site or None
  risk_nih, risk_modified_nih, risk_afip   category or "unknown"
  ecog                0-4 or None
  kit_pdgfra_tested_negative   KIT and PDGFRA tested, no variant in either
  kit_pdgfra_tested   both genes listed as tested (or carrying a reported variant)
  sdhb_ihc            retained | lost | unknown
  n_lines             metastatic-setting lines (a dose change of one drug is one line)
  drugs_received, drugs_progressed, drugs_intolerant   metastatic-setting drugs
  adjuvant_drugs      drugs given as adjuvant or neoadjuvant
  adjuvant_ongoing    an adjuvant (post-operative) line is ongoing
  neoadjuvant_given, neoadjuvant_ongoing   a neoadjuvant line was recorded / is ongoing
  last_drug, last_dose, last_best_response   latest metastatic line ("none"/None without one)
  last_stop           progression | toxicity | completed | other | ongoing | "none"
  last_pattern        focal | generalized | "unknown" | "none" (the line's own pattern, else
                      the pattern the response engine found at a PD on the current line)
  last_dose_reducible a lower label dose step exists for the last drug and dose
  max_dose            {drug: highest daily dose received in the metastatic setting}
  latest_recist, latest_choi   latest time point's category, "none" without imaging on the
                      current line (a scan dated before the latest line started belongs to
                      an earlier line and says nothing about the current drug)
  latest_discordance  kind of RECIST/Choi disagreement at that time point, or "none"
  latest_target       RECIST target-lesion category at that time point ("none" without one)
  latest_note_kinds   response-engine note keys there (e.g. spurious_new_lesion)
  adjuvant_last_stop  how the latest adjuvant line ended ("none" without one)
  unknown_drugs       paths (therapy_lines[i].drug) of drug names the knowledge base does not know
  comedication_effects   CYP3A4 effect classes among the comedications
  pregnant            true | false | None
  recommended_drugs   drugs of the chosen options (set before post_cautions only)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gistcds.domain.patient import Patient, Setting, TherapyLine
from gistcds.domain.results.genotype import GenotypeResult
from gistcds.domain.results.response import TimepointResponse
from gistcds.domain.results.risk import RiskPanel
from gistcds.knowledge.schema import therapy_drugs, therapy_interactions


def normalise_name(text: str) -> str:
    """Lower case, punctuation dropped, single spaces: "St. John's Wort" -> "st johns wort"."""
    t = text.lower().replace("’", "").replace("'", "")
    t = re.sub(r"[^a-z0-9]+", " ", t)
    return " ".join(t.split())


@dataclass(frozen=True)
class MatchedAgent:
    comedication: str
    agent: therapy_interactions.Agent


def match_agents(comedications: list[str], table: therapy_interactions.Table) -> list[MatchedAgent]:
    """Comedications that name a listed CYP3A4 agent (whole-word match, synonyms included)."""
    found: list[MatchedAgent] = []
    for med in comedications:
        words = f" {normalise_name(med)} "
        for agent in table.agents:
            names = [agent.name, *agent.synonyms]
            if any(f" {normalise_name(n)} " in words for n in names):
                found.append(MatchedAgent(med, agent))
                break
    return found


def _all_names(drugs: therapy_drugs.Table) -> list[tuple[str, list[str]]]:
    return [(d.inn, d.synonyms) for d in drugs.drugs] + [
        (a.inn, a.synonyms) for a in drugs.other_agents
    ]


_DOSE_WORD = re.compile(r"^(\d+(\.\d+)?(mg)?|mg|tab|tabs|tablet|tablets|daily|qd|bid|od)$")


def _drug_key(name: str) -> str:
    """Normalised name without dose words: "Imatinib 400 mg daily" -> "imatinib"."""
    words = [w for w in normalise_name(name).split() if not _DOSE_WORD.match(w)]
    return " ".join(words) or normalise_name(name)


def _lookup(name: str, drugs: therapy_drugs.Table) -> str | None:
    """The INN whose name or synonym matches, as written or without dose words."""
    keys = {normalise_name(name), _drug_key(name)}
    for inn, syn in _all_names(drugs):
        if keys & {normalise_name(inn), *(normalise_name(s) for s in syn)}:
            return inn
    return None


def known_drug(name: str, drugs: therapy_drugs.Table) -> bool:
    """True when the name is an INN or synonym listed in ``therapy_drugs.yaml``."""
    return _lookup(name, drugs) is not None


def canonical_drug(name: str, drugs: therapy_drugs.Table) -> str:
    """The INN for a drug name or synonym (brand names, research codes); unknown names are
    returned as given, lower case."""
    return _lookup(name, drugs) or name.strip().lower()


def with_canonical_drugs(patient: Patient, drugs: therapy_drugs.Table) -> Patient:
    """The patient with every therapy line's drug named by its INN, so that every engine
    (genotype timing, therapy, prognosis) reads "Gleevec" or "STI571" as imatinib."""
    lines = [
        ln
        if canonical_drug(ln.drug, drugs) == ln.drug
        else ln.model_copy(update={"drug": canonical_drug(ln.drug, drugs)})
        for ln in patient.therapy_lines
    ]
    if all(a is b for a, b in zip(lines, patient.therapy_lines, strict=True)):
        return patient
    return patient.model_copy(update={"therapy_lines": lines})


def reduced_dose(drug: str, dose: float | None, drugs: therapy_drugs.Table) -> float | None:
    """The next lower label step below ``dose`` (None when there is none)."""
    if dose is None:
        return None
    for d in drugs.drugs:
        if d.inn == drug:
            lower = [s for s in d.reduction_steps if s < dose]
            return lower[0] if lower else None
    return None


def _metastatic_lines(patient: Patient, periop_progression: bool) -> list[TherapyLine]:
    """Advanced-disease lines; with ``periop_progression`` (a knowledge-base policy) an
    adjuvant/neoadjuvant line that ended in progression is included: the disease relapsed
    on that drug, which is what the progression rules need to know."""
    metastatic = patient.is_metastatic
    return [
        ln
        for ln in patient.therapy_lines
        if ln.setting == Setting.metastatic
        or (ln.setting is None and metastatic)
        or (
            periop_progression
            and metastatic
            and ln.setting in (Setting.adjuvant, Setting.neoadjuvant)
            and ln.stop_reason is not None
            and ln.stop_reason.value == "progression"
        )
    ]


def _stop(line: TherapyLine) -> str:
    if line.stop_reason is not None:
        return line.stop_reason.value
    return "ongoing" if line.end is None else "other"


def build_facts(
    patient: Patient,
    genotype: GenotypeResult | None,
    risk: RiskPanel,
    response: list[TimepointResponse],
    drugs: therapy_drugs.Table,
    interactions: therapy_interactions.Table,
    periop_progression: bool = False,
) -> dict[str, Any]:
    """Every engine fact for one patient (see the module docstring)."""
    lines = _metastatic_lines(patient, periop_progression)
    names = [canonical_drug(ln.drug, drugs) for ln in lines]
    n_lines = sum(1 for i, d in enumerate(names) if i == 0 or names[i - 1] != d)
    max_dose: dict[str, float] = {}
    for name, ln in zip(names, lines, strict=True):
        if ln.dose_mg_per_day is not None:
            max_dose[name] = max(max_dose.get(name, 0.0), ln.dose_mg_per_day)
    last = lines[-1] if lines else None
    last_drug = names[-1] if names else "none"
    last_dose = last.dose_mg_per_day if last else None

    adjuvant = [
        ln for ln in patient.therapy_lines if ln.setting in (Setting.adjuvant, Setting.neoadjuvant)
    ]
    adjuvant_only = [ln for ln in adjuvant if ln.setting == Setting.adjuvant]
    neoadjuvant = [ln for ln in adjuvant if ln.setting == Setting.neoadjuvant]
    primary = patient.primary
    molecular = patient.molecular
    tested = set(molecular.tested_genes) if molecular else set()
    variant_genes = {v.gene for v in molecular.variants} if molecular else set()
    if patient.is_metastatic:
        setting = "metastatic"
    elif primary is not None:
        setting = "localized"
    else:
        setting = "unknown"

    latest = response[-1] if response else None
    if latest is not None and last is not None and last.start and latest.date < last.start:
        latest = None  # imaging of an earlier line, not of the current drug
    latest_pd = latest is not None and "PD" in (latest.recist, latest.choi)
    image_pattern = latest.progression_pattern if latest is not None and latest_pd else None
    matched = match_agents(patient.comedications, interactions)

    return {
        "genotype": genotype.genotype_class if genotype else "none",
        "secondary_regions": sorted({s.region for s in genotype.secondary_mutations})
        if genotype
        else [],
        "sensitivity": genotype.sensitivity.model_dump() if genotype else {},
        "setting": setting,
        "resection": primary.resection.value
        if primary is not None and primary.resection is not None
        else "unknown",
        "rupture": primary.rupture if primary is not None else None,
        "nodes": primary.nodes.value
        if primary is not None and primary.nodes is not None
        else "unknown",
        "site": primary.site.value if primary is not None and primary.site is not None else None,
        "risk_nih": risk.nih.category if risk.nih else "unknown",
        "risk_modified_nih": risk.modified_nih.category if risk.modified_nih else "unknown",
        "risk_afip": (risk.afip.category or "unknown") if risk.afip else "unknown",
        "ecog": patient.ecog,
        "kit_pdgfra_tested": {"KIT", "PDGFRA"} <= (tested | variant_genes),
        "kit_pdgfra_tested_negative": {"KIT", "PDGFRA"} <= tested
        and not ({"KIT", "PDGFRA"} & variant_genes),
        "sdhb_ihc": molecular.sdhb_ihc.value
        if molecular is not None and molecular.sdhb_ihc is not None
        else "unknown",
        "n_lines": n_lines,
        "drugs_received": sorted(set(names)),
        "drugs_progressed": sorted(
            {n for n, ln in zip(names, lines, strict=True) if _stop(ln) == "progression"}
        ),
        "drugs_intolerant": sorted(
            {n for n, ln in zip(names, lines, strict=True) if _stop(ln) == "toxicity"}
        ),
        "adjuvant_drugs": sorted({canonical_drug(ln.drug, drugs) for ln in adjuvant}),
        "adjuvant_ongoing": any(_stop(ln) == "ongoing" for ln in adjuvant_only),
        "neoadjuvant_given": bool(neoadjuvant),
        "neoadjuvant_ongoing": any(_stop(ln) == "ongoing" for ln in neoadjuvant),
        "last_drug": last_drug,
        "last_dose": last_dose,
        "last_stop": _stop(last) if last else "none",
        "last_pattern": (
            last.progression.value if last.progression else (image_pattern or "unknown")
        )
        if last
        else "none",
        "last_best_response": last.best_response.value if last and last.best_response else None,
        "last_dose_reducible": reduced_dose(last_drug, last_dose, drugs) is not None,
        "max_dose": max_dose,
        "latest_recist": latest.recist if latest else "none",
        "latest_choi": latest.choi if latest else "none",
        "latest_discordance": (latest.discordance_kind or "none") if latest else "none",
        "latest_target": latest.recist_target if latest else "none",
        "latest_note_kinds": list(latest.note_kinds) if latest else [],
        "adjuvant_last_stop": _stop(adjuvant_only[-1]) if adjuvant_only else "none",
        "unknown_drugs": [
            f"therapy_lines[{i}].drug"
            for i, ln in enumerate(patient.therapy_lines)
            if not known_drug(ln.drug, drugs)
        ],
        "comedication_effects": sorted({m.agent.effect for m in matched}),
        "pregnant": getattr(patient, "pregnant", None),
        "recommended_drugs": [],
    }
