"""The report's content, built once from (Patient, Assessment, KB) for every renderer.

Terminal, HTML and PDF read the same ``ReportData`` so they say the same thing in the
same order. Nothing here computes clinical content: it arranges what the engines
returned, numbers the citations, and labels parts that are absent ("not assessed")
or do not apply ("not applicable"). Engine result models grow while this is written,
so optional parts are read defensively (``getattr`` with a default) and any extra
fields are shown generically rather than dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from gistcds.domain.assessment import DISCLAIMER, Assessment
from gistcds.domain.patient import Patient
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
    """Every source id anywhere in a result model (fields named ``*source_ids``)."""
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


@dataclass
class SensitivityRow:
    drug: str
    level: str
    refs: list[int]


@dataclass
class GenotypeView:
    genotype_class: str
    rationale: str
    variants: list[Row]
    secondary: list[Row]
    sensitivity: list[SensitivityRow]
    remarks: list[Row]


@dataclass
class RiskView:
    rows: list[Row]  # system, result, detail, basis
    not_reported: list[tuple[str, str]]
    disagreement: str | None


@dataclass
class ResponseView:
    rows: list[Row]  # date, RECIST, Choi, sum, from baseline, from nadir, density, note
    notes: list[str]
    refs: list[int]  # the criteria the engine cites


@dataclass
class RecommendationView:
    rank: int
    title: str
    kind: str
    line: str
    regimen: list[str]
    level: str
    confidence: str
    rationale: str
    refs: list[int]
    positions: list[Row]


@dataclass
class CurveSet:
    """One option's survival estimate for plotting: name -> endpoint -> estimate."""

    name: str
    recommended: bool
    pfs: Any | None
    os: Any | None


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
    cautions: list[Row]  # severity, code, message
    cautions_missing: str
    prognosis: PrognosisView | None
    prognosis_missing: str
    sequence: list[tuple[str, str]] | None
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
    variants = [
        Row(
            [
                v.gene,
                v.hgvs_p or v.input,
                f"exon {v.exon}" if v.exon is not None else "—",
                label(v.region),
                label(v.role),
                label(v.source) + (f" {v.date.isoformat()}" if v.date else ""),
                "" if v.classified else (v.reason or "not classified"),
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
    sens_ids = g.sensitivity_source_ids or {}
    sens_values = g.sensitivity.model_dump()
    sensitivity = [
        SensitivityRow(drug, str(level), cites.cite(sens_ids.get(drug)))
        for drug, level in sens_values.items()
    ]
    remarks = [Row([r.text], cites.cite(r.source_ids)) for r in g.remarks]
    return GenotypeView(
        genotype_class=g.genotype_class,
        rationale=g.rationale,
        variants=variants,
        secondary=secondary,
        sensitivity=sensitivity,
        remarks=remarks,
    )


def _tier(category: str | None) -> str | None:
    """Common wording of NIH/AFIP categories, to spot disagreement between systems."""
    if category in (None, "insufficient_data"):
        return None
    return {"moderate": "intermediate", "none": "very_low"}.get(str(category), str(category))


def _risk(a: Assessment, cites: Citations) -> RiskView | None:
    r = a.risk
    rows: list[Row] = []
    tiers: dict[str, str] = {}
    shown: dict[str, str] = {}
    for key, name in SYSTEM_NAMES.items():
        res = getattr(r, key, None)
        if res is None:
            continue
        detail = ""
        if key in ("nih", "modified_nih"):
            result = label(res.category)
            tiers[name] = _tier(res.category) or ""
            shown[name] = result
        elif key == "afip":
            result = label(res.category) if res.category else NOT_ASSESSED
            if res.progression_pct is not None:
                detail = f"{res.progression_pct:g} % progression risk"
            elif res.reason:
                detail = res.reason
            t = _tier(res.category)
            if t:
                tiers[name] = t
                shown[name] = result
        elif key == "mskcc":
            result = f"RFS 2 y {prob(res.rfs_2y)}, 5 y {prob(res.rfs_5y)}"
        else:
            tnm = " ".join(x for x in (res.t, res.n, res.m) if x)
            rate = f"{res.mitotic_rate} mitotic rate" if res.mitotic_rate else ""
            result = f"stage {res.stage}" if res.stage else "stage not assigned"
            detail = ", ".join(x for x in (tnm, rate) if x)
        notes = "; ".join(getattr(res, "notes", []) or [])
        basis = getattr(res, "rationale", "") or ""
        if notes:
            basis = f"{basis} ({notes})" if basis else notes
        rows.append(Row([name, result, detail, basis], cites.cite(res.source_ids)))
    # systems left out for the same reason are named together, the reason once
    by_reason: dict[str, list[str]] = {}
    for k, why in (r.not_reported or {}).items():
        by_reason.setdefault(str(why), []).append(SYSTEM_NAMES.get(k, k))
    not_reported = [(", ".join(names), why) for why, names in by_reason.items()]
    if not rows:
        return None if not not_reported else RiskView([], not_reported, None)
    engine_note = getattr(r, "disagreement", None) or getattr(r, "discordance", None)
    disagreement: str | None = None
    present = {k: v for k, v in tiers.items() if v}
    if engine_note:
        disagreement = str(engine_note)
    elif len(set(present.values())) > 1:
        disagreement = (
            "The systems do not agree on the risk category: "
            + "; ".join(f"{k} {shown[k]}" for k in present)
            + ". Decide on the full picture at the tumour board."
        )
    if disagreement:
        for row in rows:
            if row.cells[0] in present:
                row.flag = "warn"
    return RiskView(rows, not_reported, disagreement)


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
                flag=flag,
            )
        )
        notes.extend(f"{tp.date.isoformat()}: {n}" for n in tp.notes)
    return ResponseView(rows, notes, cites.cite(iter_source_ids(a.response)))


def _regimen_text(item: Any) -> str:
    dose = getattr(item, "dose_mg_per_day", None)
    sched = getattr(item, "schedule", "") or ""
    base = f"{item.drug} {dose:g} mg/day" if dose is not None else str(item.drug)
    return f"{base}, {sched}" if sched else base


def _recommendations(a: Assessment, cites: Citations) -> list[RecommendationView]:
    out: list[RecommendationView] = []
    for i, rec in enumerate(a.recommendations, 1):
        refs = cites.cite(rec.evidence.source_ids)
        positions = [
            Row([p.guideline, p.statement, p.level or ""], cites.cite(p.source_ids))
            for p in rec.positions
        ]
        out.append(
            RecommendationView(
                rank=i,
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


def _has_curve(x: Any) -> bool:
    return x is not None and (
        getattr(x, "median_months", None) is not None or bool(getattr(x, "curve", None))
    )


def _option_name(obj: Any, fallback: str) -> str:
    for attr in ("label", "title", "name", "option", "regimen", "rule_id", "drug"):
        v = getattr(obj, attr, None)
        if isinstance(v, str) and v:
            return v
    return fallback


def _scalar_details(obj: Any, skip: set[str], prefix: str = "") -> list[tuple[str, str]]:
    """Flatten a model's scalar fields (and one level of nested models) into (key, text)."""
    out: list[tuple[str, str]] = []
    if not isinstance(obj, BaseModel):
        return out
    for name in type(obj).model_fields:
        if name in skip or name.endswith("source_ids"):
            continue
        v = getattr(obj, name, None)
        key = f"{prefix}{label(name)}"
        if v is None or v == [] or v == {}:
            continue
        if isinstance(v, bool | int | float | str):
            out.append((key, f"{v:.3g}" if isinstance(v, float) else label(v)))
        elif isinstance(v, BaseModel) and not prefix:
            out.extend(_scalar_details(v, skip, f"{key}: "))
        elif isinstance(v, list) and all(isinstance(x, str | int | float) for x in v):
            if len(v) <= 12:
                out.append((key, ", ".join(label(x) for x in v)))
        elif isinstance(v, list) and all(isinstance(x, BaseModel) for x in v):
            # unknown lists of records: name them, do not dump them
            out.append((key, "; ".join(_option_name(x, str(j)) for j, x in enumerate(v, 1))))
        elif isinstance(v, dict) and all(isinstance(x, str | int | float) for x in v.values()):
            out.append((key, ", ".join(f"{label(k)} {label(x)}" for k, x in v.items())))
    return out


_CURVE_FIELDS = {"curve", "lower", "upper"}
_SEQUENCE_FIELDS = ("sequence", "sequences", "simulation", "sequence_simulation", "simulations")


_ESTIMATE_SHOWN = {
    "median_months",
    "median_lower",
    "median_upper",
    "median_note",
    "survival_1y",
    "survival_2y",
    "survival_5y",
    "landmarks",
    "curve",
    "lower",
    "upper",
    "evidence",
    "fallback",
    "adjustments",
    "notes",
    "source_ids",
}
_PROGNOSIS_SHOWN = {
    "pfs",
    "os",
    "status",
    "line",
    "drugs",
    "dose_mg_per_day",
    "genotype_class",
    "alternatives",
    "caveat",
    "method",
    "notes",
    "source_ids",
    *_SEQUENCE_FIELDS,
}


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


def _median_text(est: Any) -> str:
    m = _num(getattr(est, "median_months", None))
    if m is None:
        return str(getattr(est, "median_note", None) or "not reached / unknown")
    lo, hi = _num(getattr(est, "median_lower", None)), _num(getattr(est, "median_upper", None))
    band = f" ({lo:.1f}–{hi:.1f})" if lo is not None and hi is not None else ""
    return f"{m:.1f} months{band}"


def _landmark_text(est: Any) -> str:
    parts = []
    for years in (1, 2, 5):
        v = _num(getattr(est, f"survival_{years}y", None))
        if v is not None:
            parts.append(f"{years} y {prob(v)}")
    if not parts:
        for lm in getattr(est, "landmarks", None) or []:
            months, surv = _num(getattr(lm, "months", None)), _num(getattr(lm, "survival", None))
            if months is not None and surv is not None:
                parts.append(f"{months:g} mo {prob(surv)}")
    return ", ".join(parts) or "—"


def _evidence_text(est: Any, cites: Citations) -> tuple[str, list[int]]:
    ev = getattr(est, "evidence", None)
    bits: list[str] = []
    ids: list[str] = list(getattr(est, "source_ids", None) or [])
    if ev is not None:
        trial = getattr(ev, "trial", None)
        endpoint = getattr(ev, "endpoint", None)
        n = getattr(ev, "n", None)
        bits.append(
            ", ".join(str(x) for x in (trial, endpoint, f"n = {n}" if n is not None else None) if x)
        )
        ids += list(getattr(ev, "source_ids", None) or [])
        conf = getattr(ev, "confidence", None)
        if conf and conf != "primary":
            bits.append(str(conf))
    if getattr(est, "fallback", False):
        bits.append("fallback: all-comers or proxy data")
    return "; ".join(b for b in bits if b), cites.cite(ids)


def _recommended_name(a: Assessment) -> str:
    p = a.prognosis
    drugs = [str(d) for d in (getattr(p, "drugs", None) or [])]
    if drugs:
        dose = _num(getattr(p, "dose_mg_per_day", None))
        line = getattr(p, "line", None)
        name = " + ".join(drugs) + (f" {dose:g} mg/day" if dose is not None else "")
        return name + (f", line {line}" if line is not None else "")
    systemic = [r for r in a.recommendations if r.kind == "systemic"]
    return systemic[0].title if systemic else "recommended option"


def _prognosis(a: Assessment, cites: Citations) -> PrognosisView | None:
    p = a.prognosis
    if p is None or not (_has_curve(p.pfs) or _has_curve(p.os)):
        return None
    curves = [CurveSet(f"{_recommended_name(a)} (recommended)", True, p.pfs, p.os)]
    used = {"pfs", "os", *_SEQUENCE_FIELDS}
    # Alternatives: any list/dict field of objects that carry pfs/os estimates.
    for name in type(p).model_fields:
        if name in used:
            continue
        v = getattr(p, name, None)
        items = (
            list(v.items())
            if isinstance(v, dict)
            else list(enumerate(v or [], 1))
            if isinstance(v, list)
            else []
        )
        for key, item in items:
            if _has_curve(getattr(item, "pfs", None)) or _has_curve(getattr(item, "os", None)):
                used.add(name)
                curves.append(
                    CurveSet(
                        _option_name(item, str(key)),
                        False,
                        getattr(item, "pfs", None),
                        getattr(item, "os", None),
                    )
                )
    medians: list[Row] = []
    notes: list[str] = [str(n) for n in getattr(p, "notes", None) or []]
    note_where: dict[str, list[str]] = {}
    for cs in curves:
        for endpoint, est in (("PFS", cs.pfs), ("OS", cs.os)):
            if est is None:
                continue
            evidence, refs = _evidence_text(est, cites)
            extra = _scalar_details(est, _ESTIMATE_SHOWN)
            if extra:
                evidence = "; ".join([evidence, *(f"{k} {v}" for k, v in extra)]).strip("; ")
            medians.append(
                Row([cs.name, endpoint, _median_text(est), _landmark_text(est), evidence], refs)
            )
            for n in getattr(est, "notes", None) or []:
                note_where.setdefault(str(n), []).append(f"{endpoint} {cs.name}")
    for n, where in note_where.items():
        prefix = "" if len(curves) == 1 else f"{', '.join(where)}: "
        notes.append(prefix + n)
    # Factors: those that changed the curve or that the patient has are listed one by one;
    # the rest (absent, unknown) are named on one line, to keep the section readable.
    factors: list[Row] = []
    others: list[str] = []
    seen: set[tuple[str, str]] = set()
    for endpoint, est in (("PFS", p.pfs), ("OS", p.os)):
        for f in getattr(est, "adjustments", None) or []:
            key = (str(getattr(f, "label", "")), str(getattr(f, "endpoint", endpoint)))
            if key in seen:
                continue
            seen.add(key)
            hr = _num(getattr(f, "hazard_ratio", None))
            present = getattr(f, "present", None)
            applied = bool(getattr(f, "applied", False))
            if not applied and present is not True:
                others.append(f"{key[0]} ({key[1]}, {'unknown' if present is None else 'absent'})")
                cites.cite(getattr(f, "source_ids", None))
                continue
            factors.append(
                Row(
                    [
                        key[0],
                        key[1],
                        f"{hr:g}" if hr is not None else "—",
                        "unknown" if present is None else label(present),
                        "applied" if applied else f"not applied: {getattr(f, 'reason', '')}",
                    ],
                    cites.cite(getattr(f, "source_ids", None)),
                    flag="" if applied else "warn",
                )
            )
    details: list[tuple[str, str]] = []
    if others:
        details.append(("Other factors considered", "; ".join(others)))
    method = getattr(p, "method", None)
    if method:
        details.append(("Method", str(method)))
    details += _scalar_details(p, used | _PROGNOSIS_SHOWN)
    refs = cites.cite(getattr(p, "source_ids", None))
    caveat = str(getattr(p, "caveat", "") or "")
    return PrognosisView(medians, curves, factors, caveat, notes, details, refs)


def _prognosis_missing(a: Assessment, metastatic: bool) -> str:
    p = a.prognosis
    if p is not None:
        status = getattr(p, "status", None)
        notes = "; ".join(str(n) for n in getattr(p, "notes", None) or [])
        if status and status != "estimated":
            return f"{NOT_ASSESSED}: {label(status)}" + (f" ({notes})" if notes else "")
        if notes:
            return f"{NOT_ASSESSED}: {notes}"
    return NOT_ASSESSED if metastatic else NOT_APPLICABLE + " (no metastatic disease)"


def _sequence(a: Assessment) -> list[tuple[str, str]] | None:
    p = a.prognosis
    if p is None:
        return None
    for name in _SEQUENCE_FIELDS:
        v = getattr(p, name, None)
        if v is None or v == []:
            continue
        items = v if isinstance(v, list) else [v]
        rows: list[tuple[str, str]] = []
        for j, item in enumerate(items, 1):
            prefix = f"{_option_name(item, str(j))}: " if len(items) > 1 else ""
            rows.extend((prefix + k, val) for k, val in _scalar_details(item, _CURVE_FIELDS))
        return rows or None
    return None


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
    cautions = [
        Row([c.severity, c.code, c.message], cites.cite(c.source_ids), flag=_severity_flag(c))
        for c in a.cautions
    ]
    prognosis = _prognosis(a, cites)
    followup = [Row([f"{v.month:g}", v.exam], cites.cite(v.source_ids)) for v in a.followup]
    cites.cite(iter_source_ids(a))  # anything cited but not shown above still gets a number
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
        response_missing=(
            NOT_APPLICABLE + ": fewer than two CT time points"
            if len(patient.imaging) < 2
            else NOT_ASSESSED
        ),
        recommendations=recs,
        cautions=cautions,
        cautions_missing=(
            "none found: no interaction or contraindication in the record" if recs else NOT_ASSESSED
        ),
        prognosis=prognosis,
        prognosis_missing=_prognosis_missing(a, metastatic),
        sequence=_sequence(a),
        sequence_missing=(
            NOT_ASSESSED + ": no sequence simulation in this assessment"
            if metastatic
            else NOT_APPLICABLE + " (no metastatic disease)"
        ),
        followup=followup,
        followup_missing=NOT_ASSESSED,
        timeline=_timeline(patient),
        warnings=list(a.warnings),
        references=cites.references,
        patient=patient,
        assessment=a,
    )


def _severity_flag(c: Any) -> str:
    return {"critical": "alert", "warning": "warn"}.get(str(getattr(c, "severity", "")), "")
