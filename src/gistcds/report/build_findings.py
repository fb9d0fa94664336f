"""Views of what the record and the engines found: patient (from the assessment's record
summary), genotype, risk, response."""

from __future__ import annotations

import datetime as dt

from gistcds.domain.assessment import Assessment
from gistcds.domain.results.record import RecordSummary
from gistcds.domain.results.response import ResponseSummary, TimepointResponse
from gistcds.domain.results.risk import RiskPanel, SystemResult
from gistcds.knowledge import KnowledgeBase
from gistcds.report.citations import Citations
from gistcds.report.format import NOT_APPLICABLE, NOT_ASSESSED, label, pct, prob
from gistcds.report.views import (
    GenotypeView,
    ResponseView,
    RiskView,
    Row,
    SensitivityRow,
    Threshold,
)

__all__ = [
    "SYSTEM_NAMES",
    "genotype",
    "patient_rows",
    "response",
    "response_missing",
    "risk",
    "thresholds",
]

SYSTEM_NAMES: dict[str, str] = {
    "nih": "NIH 2002 (Fletcher)",
    "modified_nih": "Modified NIH (Joensuu)",
    "afip": "AFIP (Miettinen-Lasota)",
    "mskcc": "MSKCC nomogram",
    "ajcc8": "AJCC 8th edition",
}


def _primary_text(r: RecordSummary) -> str:
    pr = r.primary
    if pr is None:
        return "not recorded"
    bits = [label(pr.site) if pr.site else "site not recorded"]
    if pr.size_cm is not None:
        bits.append(f"{pr.size_cm:g} cm")
    if pr.mitoses_count is not None:
        unit = "5 mm²" if pr.mitoses_per == "5mm2" else "50 HPF"
        bits.append(f"{pr.mitoses_count:g} mitoses per {unit}")
    if pr.rupture is not None:
        bits.append("ruptured" if pr.rupture else "not ruptured")
    if pr.resection is not None:
        none = pr.resection.value == "none"
        bits.append("not resected" if none else f"{pr.resection.value} resection")
    if pr.nodes is not None:
        bits.append(pr.nodes.value)
    return ", ".join(bits)


def _labs_text(r: RecordSummary) -> str:
    if r.labs is None:
        return ""
    labs = []
    if r.labs.neutrophils_10e9_per_l is not None:
        labs.append(f"neutrophils {r.labs.neutrophils_10e9_per_l:g} ×10⁹/L")
    if r.labs.platelets_10e9_per_l is not None:
        labs.append(f"platelets {r.labs.platelets_10e9_per_l:g} ×10⁹/L")
    if r.labs.hemoglobin_g_per_dl is not None:
        labs.append(f"haemoglobin {r.labs.hemoglobin_g_per_dl:g} g/dL")
    if r.labs.albumin_g_per_l is not None:
        labs.append(f"albumin {r.labs.albumin_g_per_l:g} g/L")
    return ", ".join(labs)


def patient_rows(patient_id: str, r: RecordSummary) -> list[tuple[str, str]]:
    """Summary lines; ``id`` is the only identifier the report ever shows."""
    rows: list[tuple[str, str]] = [("Patient id", patient_id)]
    rows.append(("Age", f"{r.age_years:g} years" if r.age_years is not None else "not recorded"))
    rows.append(("Sex", label(r.sex) if r.sex is not None else "not recorded"))
    rows.append(("ECOG", str(r.ecog) if r.ecog is not None else "not recorded"))
    rows.append(("Primary tumour", _primary_text(r)))
    if not r.metastatic_sites and r.metastatic_diagnosed is None:
        rows.append(("Metastatic sites", "none recorded"))
    else:
        sites = ", ".join(label(s) for s in r.metastatic_sites) or "sites not recorded"
        diagnosed = r.metastatic_diagnosed
        when = f" (diagnosed {diagnosed.isoformat()})" if diagnosed else ""
        rows.append(("Metastatic sites", sites + when))
    mol = r.molecular
    if mol is not None:
        tested = ", ".join(mol.tested_genes) or "no gene listed as tested"
        extra = f"; SDHB IHC {label(mol.sdhb_ihc)}" if mol.sdhb_ihc else ""
        rows.append(("Molecular testing", tested + extra))
    else:
        rows.append(("Molecular testing", "not recorded"))
    if labs := _labs_text(r):
        rows.append(("Laboratory", labs))
    if r.comedications:
        rows.append(("Comedications", ", ".join(r.comedications)))
    rows.append(("Previous therapy lines", str(len(r.therapy_lines))))
    return rows


def _sample(source: object, date: dt.date | None) -> str:
    return label(source) + (f" {date.isoformat()}" if date else "")


def genotype(a: Assessment, cites: Citations) -> GenotypeView | None:
    g = a.genotype
    if g is None:
        return None
    refs = cites.cite(g.class_source_ids)
    variants = [
        Row(
            [
                v.gene,
                v.hgvs_p or v.input,
                f"exon {v.exon}" if v.exon is not None else "—",
                label(v.region),
                label(v.role),
                _sample(v.source, v.date),
                "; ".join(([] if v.classified else [v.reason or "not classified"]) + v.notes),
            ],
            flag="" if v.classified else "warn",
        )
        for v in g.variants
    ]
    secondary = [
        Row(
            [
                s.gene,
                s.hgvs_p or "—",
                f"exon {s.exon}" if s.exon is not None else "—",
                label(s.region),
                _sample(s.source, s.date),
            ],
            flag="warn",
        )
        for s in g.secondary_mutations
    ]
    sensitivity = [
        SensitivityRow(
            drug,
            level,
            cites.cite(g.sensitivity_source_ids.get(drug)),
            g.sensitivity_confidence.get(drug, ""),
            g.sensitivity_notes.get(drug, ""),
        )
        for drug, level in g.sensitivity.model_dump().items()
    ]
    facts: list[tuple[str, str]] = []
    if g.primary_driver:
        facts.append(("Primary driver", g.primary_driver))
    facts.append(("KIT/PDGFRA", label(g.kit_pdgfra_status)))
    if g.missing_tests:
        facts.append(("Needed before the class can be called", "; ".join(g.missing_tests)))
    if g.suggested_tests:
        facts.append(("Further work-up advised", "; ".join(g.suggested_tests)))
    if g.germline_testing_advised:
        facts.append(("Germline testing", "advised (genetic counselling)"))
    return GenotypeView(
        genotype_class=label(g.genotype_class),
        rationale=g.rationale,
        refs=refs,
        facts=facts,
        variants=variants,
        secondary=secondary,
        sensitivity=sensitivity,
        remarks=[Row([r.text], cites.cite(r.source_ids)) for r in g.remarks],
        warnings=list(g.warnings),
    )


def _basis(res: SystemResult) -> str:
    notes = "; ".join(res.notes)
    return f"{res.rationale} ({notes})" if res.rationale and notes else res.rationale or notes


def _risk_rows(r: RiskPanel) -> list[tuple[str, SystemResult, str, str]]:
    """(system name, result, category as printed, detail) for every system reported."""
    out: list[tuple[str, SystemResult, str, str]] = []
    for key, nih in (("nih", r.nih), ("modified_nih", r.modified_nih)):
        if nih is not None:
            out.append((SYSTEM_NAMES[key], nih, label(nih.category), ""))
    if (afip := r.afip) is not None:
        bits = [f"group {afip.group}"] if afip.group else []
        if afip.progression_pct is not None:
            bits.append(f"{afip.progression_pct:g} % progressed")
        if afip.column:
            bits.append(f"{label(afip.column)} column")
        if afip.category is None and afip.reason:
            bits.append(afip.reason)
        shown = label(afip.category) if afip.category else NOT_ASSESSED
        out.append((SYSTEM_NAMES["afip"], afip, shown, ", ".join(bits)))
    if (m := r.mskcc) is not None:
        out.append(
            (SYSTEM_NAMES["mskcc"], m, f"RFS 2 y {prob(m.rfs_2y)}, 5 y {prob(m.rfs_5y)}", "")
        )
    if (t := r.ajcc8) is not None:
        bits = [t.classification + " ".join(x for x in (t.t, t.n, t.m) if x)]
        if t.mitotic_rate:
            bits.append(f"{t.mitotic_rate} mitotic rate")
        if t.stage_table:
            bits.append(f"{label(t.stage_table)} stage groups")
        if t.stage is None and t.reason:
            bits.append(t.reason)
        stage = f"stage {t.stage}" if t.stage else "stage not assigned"
        out.append((SYSTEM_NAMES["ajcc8"], t, stage, ", ".join(bits)))
    return out


def risk(a: Assessment, cites: Citations) -> RiskView | None:
    """The systems side by side; whether they agree is the risk engine's judgement
    (``risk.concordance``), shown as it says."""
    r = a.risk
    conc = r.concordance
    differ = conc is not None and conc.code != "concordant"
    rows = [
        Row(
            [name, shown, detail, _basis(res)],
            cites.cite(res.source_ids),
            flag="warn" if differ else "",
            unverified=res.confidence == "unverified",
        )
        for name, res, shown, detail in _risk_rows(r)
    ]
    by_reason: dict[str, list[str]] = {}
    for k, why in r.not_reported.items():
        by_reason.setdefault(why, []).append(SYSTEM_NAMES.get(k, label(k)))
    not_reported = [(", ".join(names), why) for why, names in by_reason.items()]
    if not rows and not not_reported:
        return None
    disagreement, refs = None, []
    if conc is not None and differ:
        disagreement, refs = conc.message, cites.cite(conc.source_ids)
    flag = "warn" if conc is not None and conc.severity == "warning" else "info"
    return RiskView(rows, not_reported, disagreement, list(r.notes), flag, refs)


def _d(value: dt.date | None) -> str:
    return value.isoformat() if value else "none"


def _response_summary(s: ResponseSummary) -> list[tuple[str, str]]:
    base = f"{s.baseline_date.isoformat()}"
    if s.baseline_sum_mm is not None:
        base += f", sum of targets {s.baseline_sum_mm:g} mm"
    rows = [("Baseline CT", base)]
    if not s.timepoints_assessed:
        return rows
    best = f"RECIST {s.best_overall_recist or '—'}, Choi {s.best_overall_choi or '—'}"
    if s.best_overall_notes:
        best += " (" + "; ".join(s.best_overall_notes) + ")"
    rows.append(("Best overall response", best))
    first = f"RECIST {_d(s.first_progression_recist)}, Choi {_d(s.first_progression_choi)}"
    rows.append(("First progression", first))
    latest = f"RECIST {s.latest_recist or '—'}, Choi {s.latest_choi or '—'}"
    if s.latest_progression_pattern:
        latest += f"; {s.latest_progression_pattern} progression"
    rows.append(("Latest", latest))
    if s.latest_reading is not None:
        rows.append(("Reading", s.latest_reading.message))
    if s.waterfall_best_change_pct is not None:
        when = s.waterfall_best_change_date
        rows.append(
            (
                "Best change of the sum",
                pct(s.waterfall_best_change_pct) + (f" ({when})" if when else ""),
            )
        )
    rows.append(("Choi progression measured from", s.choi_pd_size_reference))
    return rows


def thresholds(kb: KnowledgeBase) -> list[Threshold]:
    """RECIST and Choi thresholds as the knowledge base gives them, for the plot lines."""
    from gistcds.errors import KnowledgeBaseError
    from gistcds.knowledge.schema.response_criteria import Table

    try:
        t = kb.get(Table)
    except KnowledgeBaseError:  # a knowledge base without the criteria: no lines drawn
        return []
    pr, pd = t.recist.pr_decrease_from_baseline_pct.value, t.recist.pd_increase_from_nadir_pct.value
    c_size, c_dens = t.choi.pr_size_decrease_pct.value, t.choi.pr_density_decrease_pct.value
    return [
        Threshold(f"RECIST PD +{pd:g} %", float(pd), "size"),
        Threshold(f"RECIST PR −{pr:g} %", -float(pr), "size"),
        Threshold(f"Choi PR −{c_size:g} %", -float(c_size), "size"),
        Threshold(f"Choi PR −{c_dens:g} %", -float(c_dens), "density"),
    ]


def _recist_cell(tp: TimepointResponse) -> str:
    """RECIST as read: non-target-only disease neither CR nor PD is "non-CR/non-PD" in
    RECIST 1.1 (its overall-response table), not SD; the contract's value stays SD."""
    if tp.recist == "SD" and tp.recist_label and tp.recist_label.startswith("non-CR/non-PD"):
        return "non-CR/non-PD"
    return tp.recist


def _timepoint_row(tp: TimepointResponse, cites: Citations) -> Row:
    density = ""
    if tp.density_mean_hu is not None:
        density = f"{tp.density_mean_hu:.0f} HU"
        if tp.density_change_pct is not None:
            density += f" ({pct(tp.density_change_pct)})"
    disc = tp.discordance or ""
    flag = "alert" if "PD" in (tp.recist, tp.choi) else ("warn" if disc else "")
    cells = [
        tp.date.isoformat(),
        _recist_cell(tp),
        tp.choi,
        f"{tp.sum_mm:g} mm" if tp.sum_mm is not None else "—",
        pct(tp.change_from_baseline_pct),
        pct(tp.change_from_nadir_pct),
        density or "—",
        disc,
    ]
    return Row(cells, cites.cite(tp.source_ids), flag=flag)


def response(a: Assessment, cites: Citations, kb: KnowledgeBase) -> ResponseView | None:
    if not a.response:
        return None
    rows = [_timepoint_row(tp, cites) for tp in a.response]
    notes = [f"{tp.date.isoformat()}: {n}" for tp in a.response for n in tp.notes]
    s = a.response_summary
    ids = [sid for tp in a.response for sid in tp.source_ids]
    summary: list[tuple[str, str]] = []
    problems: list[str] = []
    if s is not None:
        ids += s.source_ids
        summary = _response_summary(s)
        # the summary's warnings repeat each baseline problem as "baseline: ...": once only
        repeated = {f"baseline: {p}" for p in s.baseline_problems}
        problems = [f"Baseline: {p}" for p in s.baseline_problems]
        problems += [w for w in s.warnings if w not in repeated]
    return ResponseView(rows, summary, problems, notes, cites.cite(ids), thresholds(kb))


def response_missing(a: Assessment, record: RecordSummary) -> str:
    s = a.response_summary
    if record.imaging_timepoints >= 2:
        return NOT_ASSESSED
    why = NOT_APPLICABLE + ": fewer than two CT time points"
    if s is not None:
        base = f"baseline CT {s.baseline_date.isoformat()}"
        if s.baseline_sum_mm is not None:
            base += f", sum of targets {s.baseline_sum_mm:g} mm"
        why += f" ({base})"
    return why
