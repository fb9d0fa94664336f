"""Response (RECIST 1.1, Choi), genotype implications and PFS/OS curves as FHIR resources."""

from __future__ import annotations

from typing import Any

from gistcds.domain.assessment import Assessment
from gistcds.domain.results.prognosis import SurvivalEstimate
from gistcds.domain.results.response import TimepointResponse
from gistcds.fhir.mapping import FhirRefs
from gistcds.fhir.terminology import LOCAL, codeable, coding, drug_coding
from gistcds.fhir.write_common import BundleBuilder, obs, qty
from gistcds.knowledge import KnowledgeBase
from gistcds.report.format import label, plain

__all__ = ["write_genotype", "write_prognosis", "write_response"]

GR = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/"
_IMAGING = {
    "coding": [
        {"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "imaging"}
    ]
}
_TARGET = {"CR": "target_CR", "PR": "target_PR", "SD": "target_SD", "PD": "target_PD"}
_NON_TARGET = {
    "CR": "nontarget_CR",
    "non_CR_non_PD": "nontarget_non_CR_non_PD",
    "PD": "nontarget_PD",
}


def _pct(key: str, value: float) -> dict[str, Any]:
    return {"code": codeable(key), "valueQuantity": qty(round(value, 1), "%")}


def _derived(refs: FhirRefs, *days: str) -> list[dict[str, str]] | None:
    out = [{"reference": r} for d in dict.fromkeys(days) for r in refs.imaging.get(d, [])]
    return out or None


def _recist(tp: TimepointResponse) -> list[dict[str, Any]]:
    comps: list[dict[str, Any]] = []
    if tp.change_from_baseline_pct is not None:
        comps.append(_pct("sum_change_baseline", tp.change_from_baseline_pct))
    if tp.change_from_nadir_pct is not None:
        comps.append(_pct("sum_change_nadir", tp.change_from_nadir_pct))
    if tp.recist_target in _TARGET:
        comps.append({"code": codeable(_TARGET[tp.recist_target]), "valueBoolean": True})
    if tp.recist_non_target in _NON_TARGET:
        comps.append({"code": codeable(_NON_TARGET[tp.recist_non_target]), "valueBoolean": True})
    return comps


def write_response(
    b: BundleBuilder, a: Assessment, subject: Any, cond: Any, refs: FhirRefs
) -> None:
    """Two observations per follow-up CT: RECIST 1.1 and Choi, with the figures behind them."""
    baseline = a.response_summary.baseline_date.isoformat() if a.response_summary else ""
    for tp in a.response:
        day = tp.date.isoformat()
        notes = [n for n in (tp.discordance, *tp.notes) if n]
        for criterion, method, value, comps in (
            ("recist", "recist11", tp.recist, _recist(tp)),
            (
                "choi",
                "choi",
                tp.choi,
                [_pct("density_change", tp.density_change_pct)]
                if tp.density_change_pct is not None
                else [],
            ),
        ):
            b.add(
                obs(
                    b.unique("Observation", f"{criterion}-{day}"),
                    "response_evaluation",
                    subject,
                    category=[_IMAGING],
                    method=codeable(method),
                    focus=[cond] if cond else None,
                    effectiveDateTime=day,
                    valueCodeableConcept=codeable(f"resp_{value}"),
                    component=comps or None,
                    derivedFrom=_derived(refs, baseline, day),
                    note=[{"text": n} for n in notes] or None,
                )
            )


def _sources_note(kb: KnowledgeBase, source_ids: list[str]) -> list[dict[str, str]] | None:
    cited = [s.citation() for s in kb.cite(source_ids)]
    return [{"text": "Sources: " + " | ".join(cited)}] if cited else None


def write_genotype(
    b: BundleBuilder, a: Assessment, subject: Any, refs: FhirRefs, kb: KnowledgeBase
) -> None:
    """Genomics Reporting diagnostic implication (the class) and therapeutic implications
    (drug sensitivity), derived from the variant / region-studied observations."""
    g = a.genotype
    derived = [{"reference": r} for r in [*refs.variants, *refs.regions_studied]]
    if g is None or not derived:
        return  # GR implications need derivedFrom (1..*); nothing was tested
    klass = g.genotype_class
    name = label(klass)  # the code stays the contract's id; people read the name
    phenotype = {"coding": [{"system": LOCAL, "code": klass, "display": name}], "text": name}
    dx = b.add(
        obs(
            b.unique("Observation", "genotype-class"),
            "diagnostic_implication",
            subject,
            meta={"profile": [GR + "diagnostic-implication"]},
            derivedFrom=derived,
            component=[
                {"code": codeable("associated_phenotype"), "valueCodeableConcept": phenotype}
            ],
            note=[{"text": plain(g.rationale)}] if g.rationale else None,
        )
    )
    del dx
    for drug, level in g.sensitivity.model_dump().items():
        if level == "unknown":
            continue
        effect = (
            {"coding": [coding("responsive")], "text": level}
            if level == "sensitive"
            else {"coding": [coding("resistant")], "text": level}
            if level == "resistant"
            else {"coding": [{"system": LOCAL, "code": level}], "text": level}
        )
        med: dict[str, Any] = {"text": drug}
        if drug_coding(drug):
            med["coding"] = drug_coding(drug)
        notes = [*(_sources_note(kb, g.sensitivity_source_ids.get(drug, [])) or [])]
        if g.sensitivity_notes.get(drug):
            notes.append({"text": g.sensitivity_notes[drug]})
        b.add(
            obs(
                b.unique("Observation", f"implication-{drug}"),
                "therapeutic_implication",
                subject,
                meta={"profile": [GR + "therapeutic-implication"]},
                derivedFrom=derived,
                component=[
                    {"code": codeable("medication_assessed"), "valueCodeableConcept": med},
                    {"code": codeable("effect_efficacy"), "valueCodeableConcept": effect},
                ],
                note=notes or None,
            )
        )


def _predictions(est: SurvivalEstimate, outcome: str) -> list[dict[str, Any]]:
    out = []
    for lm in est.landmarks:
        band = f"survival {lm.survival:.2f} (band {lm.lower:.2f}-{lm.upper:.2f})"
        if lm.extrapolated:
            band += "; beyond the published data (model extrapolation)"
        out.append(
            {
                "outcome": {"text": outcome},
                "probabilityDecimal": round(1 - lm.survival, 4),
                "whenRange": {"high": qty(lm.months, "mo")},
                "rationale": f"Cumulative probability of the event by {lm.months:g} months; {band}",
            }
        )
    return out


def write_prognosis(
    b: BundleBuilder, a: Assessment, subject: Any, cond: Any, refs: FhirRefs
) -> None:
    """PFS and OS for the recommended next line as RiskAssessments (one prediction per
    landmark; the event probability is 1 - S(t))."""
    p = a.prognosis
    if p is None:
        return
    drugs = ", ".join(p.drugs) or "the recommended option"
    basis = [{"reference": r} for r in [*refs.variants, *([refs.ecog] if refs.ecog else [])]]
    for name, est, key, outcome in (
        ("pfs", p.pfs, "pfs_model", f"Progression or death on {drugs}"),
        ("os", p.os, "os_model", f"Death (overall survival), next line {drugs}"),
    ):
        if est is None or not est.landmarks:
            continue
        notes = [n for n in (p.caveat, *est.notes) if n]
        if est.median_months is not None:
            notes.insert(0, f"Median {est.median_months:g} months")
        b.add(
            {
                "resourceType": "RiskAssessment",
                "id": b.unique("RiskAssessment", f"prognosis-{name}"),
                "status": "final",
                "method": codeable(key),
                "subject": subject,
                **({"condition": cond} if cond else {}),
                **({"basis": basis} if basis else {}),
                "prediction": _predictions(est, outcome),
                **({"note": [{"text": n} for n in notes]} if notes else {}),
            }
        )
