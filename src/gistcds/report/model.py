"""The report's content, built once from (Patient, Assessment, KB) for every renderer.

Terminal, HTML and PDF read the same ``ReportData`` so they say the same thing in the
same order. Nothing here computes clinical content: it arranges what the engines
returned (read through their typed result models), numbers the citations, and labels
parts that are absent ("not assessed") or do not apply ("not applicable"). A statement
whose ``confidence`` is ``unverified`` carries that word beside it in every format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from gistcds.domain.assessment import DISCLAIMER, Assessment
from gistcds.domain.patient import Patient
from gistcds.domain.results.prognosis import Prognosis, SurvivalEstimate
from gistcds.domain.results.response import ResponseSummary
from gistcds.domain.results.risk import SystemResult
from gistcds.domain.results.therapy import Caution, Recommendation, RegimenItem
from gistcds.knowledge import KnowledgeBase, Source

NOT_ASSESSED = "not assessed"
NOT_APPLICABLE = "not applicable"

# Section ids and headings, in the order the report shows them (issue 8).
SECTIONS: list[tuple[str, str]] = [
    ("patient", "Patient summary"),
    ("genotype", "Genotype and drug sensitivity"),
    ("risk", "Primary-tumour risk"),
    ("response", "Response to treatment"),
    ("therapy", "Therapy options"),
    ("cautions", "Cautions"),
    ("prognosis", "Prognosis"),
    ("sequence", "Sequence simulation"),
    ("followup", "Follow-up schedule"),
    ("timeline", "Treatment timeline"),
    ("references", "References"),
]

SYSTEM_NAMES: dict[str, str] = {
    "nih": "NIH 2002 (Fletcher)",
    "modified_nih": "Modified NIH (Joensuu)",
    "afip": "AFIP (Miettinen-Lasota)",
    "mskcc": "MSKCC nomogram",
    "ajcc8": "AJCC 8th edition",
}

DRUGS = ("imatinib", "sunitinib", "regorafenib", "ripretinib", "avapritinib")


def label(value: Any) -> str:
    """Human text for an enum-ish value: ``very_low`` -> ``very low``; None -> em dash."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    text = getattr(value, "value", value)
    return str(text).replace("_", " ")


def pct(value: float | None, signed: bool = True) -> str:
    if value is None:
        return "—"
    return f"{value:+.1f} %" if signed else f"{value:.1f} %"


def prob(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


# --------------------------------------------------------------------------- citations


@dataclass
class Reference:
    number: int
    source_id: str
    source: Source | None

    @property
    def text(self) -> str:
        s = self.source
        if s is None:
            return f"{self.source_id} (not found in the knowledge base)"
        authors = s.authors if s.authors.endswith(".") else s.authors + "."
        title = s.title if s.title[-1:] in ".?!" else s.title + "."
        return f"{authors} {title} {s.journal}. {s.year}."

    @property
    def identifiers(self) -> list[tuple[str, str]]:
        """(kind, value) pairs: PMID and DOI, as printed."""
        s = self.source
        out: list[tuple[str, str]] = []
        if s is not None and s.pmid:
            out.append(("PMID", s.pmid))
        if s is not None and s.doi:
            out.append(("DOI", s.doi))
        return out


class Citations:
    """Numbers sources in order of first citation; the bibliography lists them all."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._numbers: dict[str, int] = {}

    def cite(self, source_ids: Iterable[str] | None) -> list[int]:
        out: list[int] = []
        for sid in source_ids or []:
            if sid not in self._numbers:
                self._numbers[sid] = len(self._numbers) + 1
            n = self._numbers[sid]
            if n not in out:
                out.append(n)
        return sorted(out)

    @property
    def references(self) -> list[Reference]:
        return [
            Reference(n, sid, self._kb.sources.get(sid))
            for sid, n in sorted(self._numbers.items(), key=lambda kv: kv[1])
        ]


def cite_text(numbers: list[int]) -> str:
    """``[1, 3-5]`` style citation mark, or empty."""
    if not numbers:
        return ""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return "[" + ", ".join(parts) + "]"


def iter_source_ids(value: Any) -> Iterator[str]:
    """Every source id anywhere in a result model (fields named ``*source_ids``).

    Used as a safety net (sources of a part no section shows still get a number) and by
    the tests; the sections themselves cite through the typed fields.
    """
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            child = getattr(value, name, None)
            if name.endswith("source_ids"):
                if isinstance(child, list):
                    yield from (str(s) for s in child)
                elif isinstance(child, dict):
                    for ids in child.values():
                        yield from (str(s) for s in ids or [])
            else:
                yield from iter_source_ids(child)
    elif isinstance(value, dict):
        for v in value.values():
            yield from iter_source_ids(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from iter_source_ids(v)


# --------------------------------------------------------------------------- view rows


@dataclass
class Row:
    """One table row: cells as text, citation numbers, optional emphasis."""

    cells: list[str]
    refs: list[int] = field(default_factory=list)
    flag: str = ""  # "" | "warn" | "alert": styling hint only
    unverified: bool = False  # the statement was not re-read in its source: say so beside it


@dataclass
class SensitivityRow:
    drug: str
    level: str
    refs: list[int]
    confidence: str
    note: str


@dataclass
class GenotypeView:
    genotype_class: str
    rationale: str
    refs: list[int]  # sources of the class call
    facts: list[tuple[str, str]]  # driver, KIT/PDGFRA status, tests needed/advised, germline
    variants: list[Row]
    secondary: list[Row]
    sensitivity: list[SensitivityRow]
    remarks: list[Row]
    warnings: list[str]


@dataclass
class RiskView:
    rows: list[Row]  # system, result, detail, basis
    not_reported: list[tuple[str, str]]
    disagreement: str | None
    notes: list[str]


@dataclass
class ResponseView:
    rows: list[Row]  # date, RECIST, Choi, sum, from baseline, from nadir, density, note
    summary: list[tuple[str, str]]  # best overall response, first progression, ...
    problems: list[str]  # baseline target-selection problems and series warnings
    notes: list[str]
    refs: list[int]  # the criteria the engine cites


@dataclass
class RecommendationView:
    rank: int
    rule_id: str
    title: str
    kind: str
    line: str
    regimen: list[str]
    level: str
    confidence: str
    rationale: str
    refs: list[int]
    positions: list[Row]

    @property
    def unverified(self) -> bool:
        return self.confidence == "unverified"


@dataclass
class CautionView:
    severity: str
    code: str
    message: str
    refs: list[int]
    flag: str
    unverified: bool


@dataclass
class CurveSet:
    """One option's survival estimates, for the plot and the table."""

    name: str
    recommended: bool
    pfs: SurvivalEstimate | None
    os: SurvivalEstimate | None


@dataclass
class PrognosisView:
    medians: list[Row]  # option, endpoint, median (band), landmarks, evidence
    curves: list[CurveSet]
    factors: list[Row]  # factor, endpoint, HR, present, applied / why not
    caveat: str
    notes: list[str]
    details: list[tuple[str, str]]
    refs: list[int]


@dataclass
class SequenceView:
    label: str
    summary: list[tuple[str, str]]  # sequence, start, OS median and spread, landmarks
    lines: list[Row]  # line, drug, evidence arm, reached, time on line, next line
    caveat: str
    notes: list[str]
    method: str
    refs: list[int]


@dataclass
class TimelineLine:
    number: int
    drug: str
    dose: str
    setting: str
    start: dt.date | None
    end: dt.date | None
    best_response: str
    stop_reason: str
    progression: str


@dataclass
class ReportData:
    patient_id: str
    generated: dt.datetime
    kb_version: str
    gistcds_version: str
    disclaimer: str
    patient_rows: list[tuple[str, str]]
    genotype: GenotypeView | None
    genotype_missing: str
    risk: RiskView | None
    risk_missing: str
    response: ResponseView | None
    response_missing: str
    recommendations: list[RecommendationView]
    cautions: list[CautionView]
    cautions_missing: str
    prognosis: PrognosisView | None
    prognosis_missing: str
    sequence: SequenceView | None
    sequence_missing: str
    followup: list[Row]  # month, exam
    followup_missing: str
    timeline: list[TimelineLine]
    warnings: list[str]
    references: list[Reference]
    # kept for the plots, which read the raw records
    patient: Patient
    assessment: Assessment

    @property
    def sections(self) -> list[tuple[str, str]]:
        return SECTIONS


# --------------------------------------------------------------------------- builders


def _patient_rows(p: Patient) -> list[tuple[str, str]]:
    """Summary lines; ``id`` is the only identifier the report ever shows."""
    rows: list[tuple[str, str]] = [("Patient id", p.id)]
    rows.append(("Age", f"{p.age_years:g} years" if p.age_years is not None else "not recorded"))
    rows.append(("Sex", label(p.sex) if p.sex is not None else "not recorded"))
    rows.append(("ECOG", str(p.ecog) if p.ecog is not None else "not recorded"))
    pr = p.primary
    if pr is None:
        rows.append(("Primary tumour", "not recorded"))
    else:
        bits = [label(pr.site) if pr.site else "site not recorded"]
        if pr.size_cm is not None:
            bits.append(f"{pr.size_cm:g} cm")
        if pr.mitoses is not None:
            unit = "5 mm²" if pr.mitoses.per.value == "5mm2" else "50 HPF"
            bits.append(f"{pr.mitoses.count:g} mitoses / {unit}")
        if pr.rupture is not None:
            bits.append("ruptured" if pr.rupture else "not ruptured")
        if pr.resection is not None:
            bits.append(
                "not resected"
                if pr.resection.value == "none"
                else f"{pr.resection.value} resection"
            )
        if pr.nodes is not None:
            bits.append(pr.nodes.value)
        rows.append(("Primary tumour", ", ".join(bits)))
    m = p.metastatic
    if m is None or (not m.sites and m.diagnosed is None):
        rows.append(("Metastatic sites", "none recorded"))
    else:
        sites = ", ".join(label(s) for s in m.sites) or "sites not recorded"
        when = f" (diagnosed {m.diagnosed.isoformat()})" if m.diagnosed else ""
        rows.append(("Metastatic sites", sites + when))
    mol = p.molecular
    if mol is not None:
        tested = ", ".join(mol.tested_genes) or "no gene listed as tested"
        extra = f"; SDHB IHC {label(mol.sdhb_ihc)}" if mol.sdhb_ihc else ""
        rows.append(("Molecular testing", tested + extra))
    else:
        rows.append(("Molecular testing", "not recorded"))
    if p.labs is not None:
        labs = []
        if p.labs.neutrophils_10e9_per_l is not None:
            labs.append(f"neutrophils {p.labs.neutrophils_10e9_per_l:g} ×10⁹/L")
        if p.labs.hemoglobin_g_per_dl is not None:
            labs.append(f"haemoglobin {p.labs.hemoglobin_g_per_dl:g} g/dL")
        if p.labs.albumin_g_per_l is not None:
            labs.append(f"albumin {p.labs.albumin_g_per_l:g} g/L")
        if labs:
            rows.append(("Laboratory", ", ".join(labs)))
    if p.comedications:
        rows.append(("Comedications", ", ".join(p.comedications)))
    rows.append(("Previous therapy lines", str(len(p.therapy_lines))))
    return rows


def _genotype(a: Assessment, cites: Citations) -> GenotypeView | None:
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
                label(v.source) + (f" {v.date.isoformat()}" if v.date else ""),
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
                label(s.source) + (f" {s.date.isoformat()}" if s.date else ""),
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
    remarks = [Row([r.text], cites.cite(r.source_ids)) for r in g.remarks]
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
        genotype_class=g.genotype_class,
        rationale=g.rationale,
        refs=refs,
        facts=facts,
        variants=variants,
        secondary=secondary,
        sensitivity=sensitivity,
        remarks=remarks,
        warnings=list(g.warnings),
    )


def _tier(category: str | None) -> str | None:
    """Common wording of NIH/AFIP categories, to spot disagreement between systems."""
    if category in (None, "insufficient_data"):
        return None
    return {"moderate": "intermediate", "none": "very_low"}.get(str(category), str(category))


def _basis(res: SystemResult) -> str:
    notes = "; ".join(res.notes)
    return f"{res.rationale} ({notes})" if res.rationale and notes else res.rationale or notes


def _risk(a: Assessment, cites: Citations) -> RiskView | None:
    r = a.risk
    rows: list[Row] = []
    tiers: dict[str, str] = {}  # system name -> common tier, for the disagreement check
    shown: dict[str, str] = {}

    def add(name: str, res: SystemResult, result: str, detail: str) -> None:
        rows.append(
            Row(
                [name, result, detail, _basis(res)],
                cites.cite(res.source_ids),
                unverified=res.confidence == "unverified",
            )
        )

    for key, nih in (("nih", r.nih), ("modified_nih", r.modified_nih)):
        if nih is not None:
            name = SYSTEM_NAMES[key]
            tiers[name], shown[name] = _tier(nih.category) or "", label(nih.category)
            add(name, nih, label(nih.category), "")
    if r.afip is not None:
        afip, name = r.afip, SYSTEM_NAMES["afip"]
        bits = [f"group {afip.group}"] if afip.group else []
        if afip.progression_pct is not None:
            bits.append(f"{afip.progression_pct:g} % progressed")
        if afip.column:
            bits.append(f"{label(afip.column)} column")
        if afip.category is None and afip.reason:
            bits.append(afip.reason)
        tier = _tier(afip.category)
        if tier:
            tiers[name], shown[name] = tier, label(afip.category)
        add(name, afip, label(afip.category) if afip.category else NOT_ASSESSED, ", ".join(bits))
    if r.mskcc is not None:
        m = r.mskcc
        add(SYSTEM_NAMES["mskcc"], m, f"RFS 2 y {prob(m.rfs_2y)}, 5 y {prob(m.rfs_5y)}", "")
    if r.ajcc8 is not None:
        t = r.ajcc8
        tnm = t.classification + " ".join(x for x in (t.t, t.n, t.m) if x)
        bits = [tnm]
        if t.mitotic_rate:
            bits.append(f"{t.mitotic_rate} mitotic rate")
        if t.stage_table:
            bits.append(f"{label(t.stage_table)} stage groups")
        if t.stage is None and t.reason:
            bits.append(t.reason)
        add(
            SYSTEM_NAMES["ajcc8"],
            t,
            f"stage {t.stage}" if t.stage else "stage not assigned",
            ", ".join(bits),
        )
    # systems left out for the same reason are named together, the reason once
    by_reason: dict[str, list[str]] = {}
    for k, why in r.not_reported.items():
        by_reason.setdefault(why, []).append(SYSTEM_NAMES.get(k, k))
    not_reported = [(", ".join(names), why) for why, names in by_reason.items()]
    if not rows:
        return None if not not_reported else RiskView([], not_reported, None, list(r.notes))
    disagreement: str | None = None
    present = {k: v for k, v in tiers.items() if v}
    if len(set(present.values())) > 1:
        disagreement = (
            "The systems do not agree on the risk category: "
            + "; ".join(f"{k} {shown[k]}" for k in present)
            + ". Decide on the full picture at the tumour board."
        )
        for row in rows:
            if row.cells[0] in present:
                row.flag = "warn"
    return RiskView(rows, not_reported, disagreement, list(r.notes))


def _d(value: dt.date | None) -> str:
    return value.isoformat() if value else "none"


def _response_summary(s: ResponseSummary) -> list[tuple[str, str]]:
    base = f"{s.baseline_date.isoformat()}"
    if s.baseline_sum_mm is not None:
        base += f", sum of targets {s.baseline_sum_mm:g} mm"
    rows = [("Baseline CT", base)]
    if s.timepoints_assessed:
        best = f"RECIST {s.best_overall_recist or '—'}, Choi {s.best_overall_choi or '—'}"
        if s.best_overall_notes:
            best += " (" + "; ".join(s.best_overall_notes) + ")"
        rows.append(("Best overall response", best))
        rows.append(
            (
                "First progression",
                f"RECIST {_d(s.first_progression_recist)}, Choi {_d(s.first_progression_choi)}",
            )
        )
        latest = f"RECIST {s.latest_recist or '—'}, Choi {s.latest_choi or '—'}"
        if s.latest_progression_pattern:
            latest += f"; {s.latest_progression_pattern} progression"
        rows.append(("Latest", latest))
        if s.waterfall_best_change_pct is not None:
            when = (
                f" ({s.waterfall_best_change_date.isoformat()})"
                if s.waterfall_best_change_date
                else ""
            )
            rows.append(("Best change of the sum", pct(s.waterfall_best_change_pct) + when))
        rows.append(("Choi PD size reference", s.choi_pd_size_reference))
    return rows


def _response(a: Assessment, cites: Citations) -> ResponseView | None:
    if not a.response:
        return None
    rows: list[Row] = []
    notes: list[str] = []
    for tp in a.response:
        density = ""
        if tp.density_mean_hu is not None:
            density = f"{tp.density_mean_hu:.0f} HU"
            if tp.density_change_pct is not None:
                density += f" ({pct(tp.density_change_pct)})"
        disc = tp.discordance or ""
        flag = "alert" if "PD" in (tp.recist, tp.choi) else ("warn" if disc else "")
        rows.append(
            Row(
                [
                    tp.date.isoformat(),
                    tp.recist,
                    tp.choi,
                    f"{tp.sum_mm:g} mm" if tp.sum_mm is not None else "—",
                    pct(tp.change_from_baseline_pct),
                    pct(tp.change_from_nadir_pct),
                    density or "—",
                    disc,
                ],
                cites.cite(tp.source_ids),
                flag=flag,
            )
        )
        notes.extend(f"{tp.date.isoformat()}: {n}" for n in tp.notes)
    s = a.response_summary
    ids = [sid for tp in a.response for sid in tp.source_ids]
    summary: list[tuple[str, str]] = []
    problems: list[str] = []
    if s is not None:
        ids += s.source_ids
        summary = _response_summary(s)
        problems = [f"Baseline: {p}" for p in s.baseline_problems] + list(s.warnings)
    return ResponseView(rows, summary, problems, notes, cites.cite(ids))


def _response_missing(a: Assessment, patient: Patient) -> str:
    s = a.response_summary
    if len(patient.imaging) >= 2:
        return NOT_ASSESSED
    why = NOT_APPLICABLE + ": fewer than two CT time points"
    if s is not None:
        base = f"baseline CT {s.baseline_date.isoformat()}"
        if s.baseline_sum_mm is not None:
            base += f", sum of targets {s.baseline_sum_mm:g} mm"
        why += f" ({base})"
    return why


def _regimen_text(item: RegimenItem) -> str:
    dose = item.dose_mg_per_day
    base = f"{item.drug} {dose:g} mg/day" if dose is not None else item.drug
    return f"{base}, {item.schedule}" if item.schedule else base


_LEVEL_NAMES = {
    "esmo": "ESMO",
    "nccn": "NCCN",
    "variant_level": "variant-drug level (OncoKB scale)",
}


def _level_rows(rec: Recommendation, cites: Citations) -> list[Row]:
    """One row per drug: its ESMO, NCCN and variant-drug levels, cited ("not captured"
    where no source gives one)."""
    rows: list[Row] = []
    for drug in dict.fromkeys(lv.drug for lv in rec.levels):
        levels = [lv for lv in rec.levels if lv.drug == drug]
        text = "; ".join(
            f"{_LEVEL_NAMES[lv.system]} {lv.value}" + (f" ({lv.context})" if lv.context else "")
            for lv in levels
        )
        ids = [i for lv in levels for i in lv.source_ids]
        unverified = any(lv.confidence == "unverified" for lv in levels)
        rows.append(
            Row(
                [f"levels {drug}" if drug else "levels", text, ""],
                cites.cite(ids),
                unverified=unverified,
            )
        )
    if rec.trial_ids:
        rows.append(Row(["registry", ", ".join(rec.trial_ids), ""]))
    return rows


def _recommendations(a: Assessment, cites: Citations) -> list[RecommendationView]:
    out: list[RecommendationView] = []
    for i, rec in enumerate(a.recommendations, 1):
        refs = cites.cite(rec.evidence.source_ids)
        positions = [
            Row(
                [p.guideline, p.statement, p.level or ""],
                cites.cite(p.source_ids),
                unverified=p.confidence == "unverified",
            )
            for p in rec.positions
        ]
        positions += _level_rows(rec, cites)
        out.append(
            RecommendationView(
                rank=i,
                rule_id=rec.rule_id,
                title=rec.title,
                kind=rec.kind,
                line=f"line {rec.line}" if rec.line is not None else "",
                regimen=[_regimen_text(r) for r in rec.regimen],
                level=rec.evidence.level,
                confidence=rec.evidence.confidence,
                rationale=rec.rationale,
                refs=refs,
                positions=positions,
            )
        )
    return out


def _caution(c: Caution, cites: Citations) -> CautionView:
    return CautionView(
        severity=c.severity,
        code=c.code,
        message=c.message,
        refs=cites.cite(c.source_ids),
        flag={"critical": "alert", "warning": "warn"}.get(c.severity, ""),
        unverified=c.confidence == "unverified",
    )


def _median_text(est: SurvivalEstimate) -> str:
    m = est.median_months
    if m is None:
        return est.median_note or "not reached / unknown"
    lo, hi = est.median_lower, est.median_upper
    band = f" ({lo:.1f}–{hi:.1f})" if lo is not None and hi is not None else ""
    return f"{m:.1f} months{band}"


def _landmark_text(est: SurvivalEstimate) -> str:
    pairs = [(1, est.survival_1y), (2, est.survival_2y), (5, est.survival_5y)]
    parts = [f"{years} y {prob(v)}" for years, v in pairs if v is not None]
    if not parts:
        parts = [f"{lm.months:g} mo {prob(lm.survival)}" for lm in est.landmarks]
    return ", ".join(parts) or "—"


def _evidence_text(est: SurvivalEstimate, cites: Citations) -> tuple[str, list[int]]:
    ev = est.evidence
    bits: list[str] = []
    ids: list[str] = []
    if ev is not None:
        n = f"n = {ev.n}" if ev.n is not None else None
        bits.append(", ".join(x for x in (ev.trial, ev.endpoint, n) if x))
        ids += ev.source_ids
        if ev.confidence != "primary":
            bits.append(ev.confidence)
    if est.fallback:
        bits.append("fallback: all-comers or proxy data")
    return "; ".join(b for b in bits if b), cites.cite(ids)


def _recommended_name(p: Prognosis) -> str:
    name = " + ".join(p.drugs) or "recommended option"
    if p.dose_mg_per_day is not None:
        name += f" {p.dose_mg_per_day:g} mg/day"
    return name + (f", line {p.line}" if p.line is not None else "")


def _has_curve(est: SurvivalEstimate | None) -> bool:
    return est is not None and (est.median_months is not None or bool(est.curve))


def _prognosis(a: Assessment, cites: Citations) -> PrognosisView | None:
    p = a.prognosis
    if p is None or not (_has_curve(p.pfs) or _has_curve(p.os)):
        return None
    curves = [CurveSet(f"{_recommended_name(p)} (recommended)", True, p.pfs, p.os)]
    notes: list[str] = list(p.notes)
    for alt in p.alternatives:
        if _has_curve(alt.pfs) or _has_curve(alt.os):
            curves.append(CurveSet(alt.title, False, alt.pfs, alt.os))
        notes.extend(f"{alt.title}: {n}" for n in alt.notes)
    medians: list[Row] = []
    note_where: dict[str, list[str]] = {}
    for cs in curves:
        for endpoint, est in (("PFS", cs.pfs), ("OS", cs.os)):
            if est is None:
                continue
            evidence, refs = _evidence_text(est, cites)
            medians.append(
                Row([cs.name, endpoint, _median_text(est), _landmark_text(est), evidence], refs)
            )
            for n in est.notes:
                note_where.setdefault(n, []).append(f"{endpoint} {cs.name}")
    for n, where in note_where.items():
        prefix = "" if len(curves) == 1 else f"{', '.join(where)}: "
        notes.append(prefix + n)
    # Factors: those that changed the curve or that the patient has are listed one by one;
    # the rest (absent, unknown) are named on one line, to keep the section readable.
    factors: list[Row] = []
    others: list[str] = []
    seen: set[tuple[str, str]] = set()
    for est in (p.pfs, p.os):
        for f in est.adjustments if est is not None else []:
            key = (f.label, f.endpoint)
            if key in seen:
                continue
            seen.add(key)
            refs = cites.cite(f.source_ids)
            if not f.applied and f.present is not True:
                others.append(
                    f"{f.label} ({f.endpoint}, {'unknown' if f.present is None else 'absent'})"
                )
                continue
            factors.append(
                Row(
                    [
                        f.label,
                        f.endpoint,
                        f"{f.hazard_ratio:g}" if f.hazard_ratio is not None else "—",
                        "unknown" if f.present is None else label(f.present),
                        "applied" if f.applied else f"not applied: {f.reason}",
                    ],
                    refs,
                    flag="" if f.applied else "warn",
                    unverified=f.confidence == "unverified",
                )
            )
    details: list[tuple[str, str]] = []
    if others:
        details.append(("Other factors considered", "; ".join(others)))
    if p.method:
        details.append(("Method", p.method))
    return PrognosisView(
        medians, curves, factors, p.caveat, notes, details, cites.cite(p.source_ids)
    )


def _prognosis_missing(a: Assessment, metastatic: bool) -> str:
    p = a.prognosis
    if p is not None:
        notes = "; ".join(p.notes)
        if p.status != "estimated":
            return f"{NOT_ASSESSED}: {label(p.status)}" + (f" ({notes})" if notes else "")
        if notes:
            return f"{NOT_ASSESSED}: {notes}"
    return NOT_ASSESSED if metastatic else NOT_APPLICABLE + " (no metastatic disease)"


def _months(x: float) -> str:
    return f"{x:.1f} months"


def _sequence(a: Assessment, cites: Citations) -> SequenceView | None:
    p = a.prognosis
    s = p.sequence if p is not None else None
    if s is None:
        return None
    q25, q75 = s.os_quartiles_months
    p10, p90 = s.os_p10_p90_months
    summary = [
        ("Simulated lines", " → ".join(s.drugs) + f" (from line {s.start_line})"),
        (
            "Overall survival from line " + str(s.start_line),
            f"median {_months(s.os_median_months)}; middle half {q25:.1f}–{q75:.1f}, "
            f"10th–90th percentile {p10:.1f}–{p90:.1f} months",
        ),
        (
            "Alive at",
            f"1 y {prob(s.os_survival_1y)}, 2 y {prob(s.os_survival_2y)}, "
            f"5 y {prob(s.os_survival_5y)}",
        ),
    ]
    post = f"{s.post_last_line_trial} ({s.post_last_line_arm}): {s.post_last_line_note}"
    if s.post_last_line_confidence == "unverified":
        post += " [unverified]"
    summary.append(("After the last line", post))
    if s.compare_os_arm and s.compare_os_median_months is not None:
        diff = s.os_median_months - s.compare_os_median_months
        summary.append(
            (
                "Published first-line OS",
                f"median {_months(s.compare_os_median_months)} ({s.compare_os_arm}); the "
                f"simulated median differs by {diff:+.1f} months (reported, not tuned to it)",
            )
        )
    lines: list[Row] = []
    for ln in s.lines:
        dose = f" {ln.dose_mg_per_day:g} mg/day" if ln.dose_mg_per_day is not None else ""
        arm = f"{ln.trial}, {ln.endpoint}"
        if ln.fallback:
            arm += ", all-comers/proxy"
        if ln.hazard_ratio != 1.0:
            arm += f", × HR {ln.hazard_ratio:g} ({', '.join(ln.adjusted_by)})"
        if ln.confidence != "primary":
            arm += f", {ln.confidence}"
        q = ln.quartiles_months_on_line
        on_line = (
            "—"
            if ln.median_months_on_line is None
            else f"{ln.median_months_on_line:.1f}"
            + (f" ({q[0]:.1f}–{q[1]:.1f})" if q is not None else "")
        )
        nxt = "—"
        if ln.proceed_probability is not None:
            nxt = prob(ln.proceed_probability)
            if ln.proceed_confidence == "unverified":
                nxt += " (unverified)"
        lines.append(
            Row(
                [str(ln.line), ln.drug + dose, arm, prob(ln.reached_fraction), on_line, nxt],
                cites.cite(ln.source_ids),
                unverified=ln.confidence == "unverified" or ln.proceed_confidence == "unverified",
            )
        )
    notes = list(s.notes)
    notes += [f"Line {ln.line} → next: {ln.proceed_basis}" for ln in s.lines if ln.proceed_basis]
    return SequenceView(
        label=s.label,
        summary=summary,
        lines=lines,
        caveat=s.caveat,
        notes=notes,
        method=s.method,
        refs=cites.cite(s.source_ids),
    )


def _sequence_missing(a: Assessment, metastatic: bool) -> str:
    p = a.prognosis
    if p is not None and p.sequence_reason:
        why = p.sequence_reason.rstrip(".")
        return f"{NOT_ASSESSED}: {why[:1].lower()}{why[1:]}"
    if p is None and not metastatic:
        return NOT_APPLICABLE + " (no metastatic disease)"
    return NOT_ASSESSED + ": no sequence simulation in this assessment"


def _timeline(p: Patient) -> list[TimelineLine]:
    return [
        TimelineLine(
            number=i,
            drug=t.drug,
            dose=f"{t.dose_mg_per_day:g} mg/day" if t.dose_mg_per_day is not None else "—",
            setting=label(t.setting) if t.setting else "—",
            start=t.start,
            end=t.end,
            best_response=t.best_response.value if t.best_response else "—",
            stop_reason=label(t.stop_reason)
            if t.stop_reason
            else ("ongoing" if not t.end else "—"),
            progression=label(t.progression) if t.progression else "—",
        )
        for i, t in enumerate(p.therapy_lines, 1)
    ]


def build_report(
    patient: Patient,
    assessment: Assessment,
    kb: KnowledgeBase,
    generated: dt.datetime | None = None,
) -> ReportData:
    """Arrange one assessment for the renderers; citations numbered in reading order."""
    a = assessment
    cites = Citations(kb)
    genotype = _genotype(a, cites)
    risk = _risk(a, cites)
    response = _response(a, cites)
    recs = _recommendations(a, cites)
    cautions = [_caution(c, cites) for c in a.cautions]
    prognosis = _prognosis(a, cites)
    sequence = _sequence(a, cites)
    followup = [
        Row(
            [f"{v.month:g}", v.exam],
            cites.cite(v.source_ids),
            unverified=v.confidence == "unverified",
        )
        for v in a.followup
    ]
    # safety net: a source carried by a part not shown above still gets a number
    cites.cite(iter_source_ids(a))
    metastatic = patient.is_metastatic
    return ReportData(
        patient_id=a.patient_id,
        generated=generated or dt.datetime.now(dt.UTC).replace(microsecond=0),
        kb_version=a.knowledge_base_version,
        gistcds_version=a.gistcds_version,
        disclaimer=a.disclaimer or DISCLAIMER,
        patient_rows=_patient_rows(patient),
        genotype=genotype,
        genotype_missing=(
            NOT_ASSESSED + ": no molecular result recorded"
            if patient.molecular is None
            else NOT_ASSESSED
        ),
        risk=risk,
        risk_missing=(
            NOT_APPLICABLE + ": no primary-tumour data" if patient.primary is None else NOT_ASSESSED
        ),
        response=response,
        response_missing=_response_missing(a, patient),
        recommendations=recs,
        cautions=cautions,
        cautions_missing=(
            "none found: no interaction or contraindication in the record" if recs else NOT_ASSESSED
        ),
        prognosis=prognosis,
        prognosis_missing=_prognosis_missing(a, metastatic),
        sequence=sequence,
        sequence_missing=_sequence_missing(a, metastatic),
        followup=followup,
        followup_missing=NOT_ASSESSED,
        timeline=_timeline(patient),
        warnings=list(a.warnings),
        references=cites.references,
        patient=patient,
        assessment=a,
    )
