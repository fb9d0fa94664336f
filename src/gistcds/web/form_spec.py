"""What the patient form asks: every field of the patient document (CONTRACT.md schema 1).

A field's HTML ``name`` is its JSON path as ``gistcds.io.validation.json_path`` writes it
(``imaging[0].lesions[1].longest_diameter_mm``), so a validation problem lands on its field
without any translation table. The enums are read from the domain model, never repeated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from gistcds.domain import patient as P

# kinds: text, number, int, date, select, flag (yes / no / not recorded), list (comma list)


@dataclass(frozen=True)
class Field:
    key: str  # path inside its section or item, dots for nested objects
    label: str
    kind: str = "text"
    options: tuple[str, ...] = ()
    hint: str = ""
    check: str = ""  # "hgvs": checked as you type


@dataclass(frozen=True)
class Group:
    """A repeated item (a list of objects), e.g. therapy lines or lesions."""

    key: str
    label: str
    item_label: str
    fields: tuple[Field, ...]
    children: tuple[Group, ...] = ()


@dataclass(frozen=True)
class Section:
    key: str  # "" for the top level
    title: str
    fields: tuple[Field, ...] = ()
    groups: tuple[Group, ...] = ()
    anchor: str = field(default="")


def _opts(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(e.value for e in enum)


GENES = ("KIT", "PDGFRA", "SDHA", "SDHB", "SDHC", "SDHD", "NF1", "BRAF", "NTRK1", "NTRK3")

LESION = Group(
    "lesions",
    "Lesions",
    "Lesion",
    (
        Field("id", "Lesion id", hint="e.g. L1, the same id at every time point"),
        Field("organ", "Organ"),
        Field("kind", "Kind", "select", _opts(P.LesionKind)),
        Field("longest_diameter_mm", "Longest diameter (mm)", "number"),
        Field("short_axis_mm", "Short axis (mm, nodes)", "number"),
        Field("density_hu", "Density (HU)", "number"),
        Field("status", "Non-target status", "select", _opts(P.NonTargetStatus)),
        Field("new_nodule_in_mass", "New nodule inside a mass", "flag"),
    ),
)

SECTIONS: tuple[Section, ...] = (
    Section(
        "",
        "Patient",
        (
            Field("id", "Patient id", hint="the only identifier stored with the record"),
            Field("age_years", "Age (years)", "number"),
            Field("sex", "Sex", "select", _opts(P.Sex)),
            Field("ecog", "ECOG performance status", "int", hint="0 to 4"),
            Field("pregnant", "Pregnant", "flag"),
            Field("breastfeeding", "Breastfeeding", "flag"),
            Field("hepatic_impairment", "Hepatic impairment", "select", _opts(P.HepaticImpairment)),
        ),
        anchor="patient",
    ),
    Section(
        "primary",
        "Primary tumour",
        (
            Field("site", "Site", "select", _opts(P.Site)),
            Field("size_cm", "Size (cm)", "number"),
            Field("mitoses.count", "Mitotic count", "number"),
            Field("mitoses.per", "Mitoses per", "select", _opts(P.MitosesUnit)),
            Field("rupture", "Tumour rupture", "flag"),
            Field("resection", "Resection", "select", _opts(P.Resection)),
            Field("resection_date", "Date of resection", "date"),
            Field("nodes", "Nodal status", "select", _opts(P.NodalStatus)),
        ),
    ),
    Section(
        "molecular",
        "Molecular results",
        (
            Field("tested_genes", "Genes tested", "list", hint="comma-separated, e.g. KIT, PDGFRA"),
            Field("sdhb_ihc", "SDHB immunohistochemistry", "select", _opts(P.SdhbIhc)),
        ),
        (
            Group(
                "variants",
                "Variants",
                "Variant",
                (
                    Field("gene", "Gene", "text", GENES),
                    Field(
                        "hgvs_p", "Protein change (HGVS)", check="hgvs", hint="e.g. p.W557_K558del"
                    ),
                    Field("source", "Source", "select", _opts(P.VariantSource)),
                    Field("date", "Date", "date"),
                ),
            ),
            Group("fusions", "Fusions", "Fusion", (Field("genes", "Genes (two)", "list"),)),
        ),
    ),
    Section(
        "metastatic",
        "Metastatic disease",
        (
            Field("diagnosed", "Diagnosed", "date"),
            Field("sites", "Sites", "list", hint="comma-separated, e.g. liver, peritoneum"),
        ),
    ),
    Section(
        "therapy_lines",
        "Therapy lines",
        groups=(
            Group(
                "",
                "Therapy lines",
                "Line",
                (
                    Field("drug", "Drug (INN)"),
                    Field("dose_mg_per_day", "Dose (mg/day)", "number"),
                    Field("setting", "Setting", "select", _opts(P.Setting)),
                    Field("start", "Start", "date"),
                    Field("end", "End", "date"),
                    Field("best_response", "Best response", "select", _opts(P.BestResponse)),
                    Field("stop_reason", "Stop reason", "select", _opts(P.StopReason)),
                    Field("progression", "Progression", "select", _opts(P.ProgressionPattern)),
                ),
            ),
        ),
    ),
    Section(
        "imaging",
        "Imaging time points",
        groups=(Group("", "Imaging", "Time point", (Field("date", "Date", "date"),), (LESION,)),),
    ),
    Section(
        "labs",
        "Laboratory values",
        (
            Field("neutrophils_10e9_per_l", "Neutrophils (10⁹/L)", "number"),
            Field("hemoglobin_g_per_dl", "Haemoglobin (g/dL)", "number"),
            Field("albumin_g_per_l", "Albumin (g/L)", "number"),
            Field("platelets_10e9_per_l", "Platelets (10⁹/L)", "number"),
            Field("alt_u_per_l", "ALT (U/L)", "number"),
            Field("alt_uln_u_per_l", "ALT upper limit of normal (U/L)", "number"),
            Field("ast_u_per_l", "AST (U/L)", "number"),
            Field("ast_uln_u_per_l", "AST upper limit of normal (U/L)", "number"),
            Field("bilirubin_umol_per_l", "Bilirubin (µmol/L)", "number"),
            Field("bilirubin_uln_umol_per_l", "Bilirubin upper limit of normal (µmol/L)", "number"),
            Field("tsh_mu_per_l", "TSH (mU/L)", "number"),
        ),
    ),
    Section(
        "renal",
        "Organ function: kidney",
        (Field("creatinine_clearance_ml_min", "Creatinine clearance (mL/min)", "number"),),
    ),
    Section(
        "cardiac",
        "Organ function: heart",
        (
            Field("lvef_pct", "LVEF (%)", "number"),
            Field("qtc_ms", "QTc (ms)", "number"),
        ),
    ),
    Section(
        "",
        "Comedications",
        (Field("comedications", "Comedications", "list", hint="comma-separated INNs"),),
        anchor="comedications",
    ),
    Section(
        "adverse_events",
        "Adverse events (CTCAE v5.0)",
        groups=(
            Group(
                "",
                "Adverse events",
                "Event",
                (
                    Field("term", "CTCAE term", hint="e.g. Neutrophil count decreased"),
                    Field("grade", "Grade", "int", hint="1 to 5"),
                    Field("drug", "Suspected drug (INN)"),
                    Field("onset", "Onset", "date"),
                    Field("resolved", "Resolved", "date"),
                    Field("recurrence", "Occurrence (1 = first)", "int"),
                ),
            ),
        ),
    ),
)


def join(prefix: str, key: str) -> str:
    """``("imaging[0]", "date")`` -> ``imaging[0].date``; an empty part is skipped."""
    if not prefix:
        return key
    if not key:
        return prefix
    return f"{prefix}.{key}"
