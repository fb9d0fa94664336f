"""The patient record: CONTRACT.md schema 1, exactly.

Every field the contract names is here with its enum or range; unknown fields
are refused (``extra="forbid"``). Cross-field rules (dates in order, lesion ids
unique, nothing in the future) are model validators that raise with the JSON
path of the offending value, so the CLI can print ``path: message, got value``.

"Today" comes from the validation context (``{"today": date}``) when given, so
tests can fix it; otherwise it is the machine's date.
"""

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, ValidationError

from gistcds.domain.consistency import (
    before_birth,
    imaging_order,
    line_order,
    problem,
    resection_order,
    today_of,
)
from gistcds.domain.empty import new_list
from gistcds.domain.input_types import Flag, Number, Text, WholeNumber, whole_number
from gistcds.domain.toxicity_input import AdverseEvent, Cardiac

SCHEMA_VERSION = "1"


class Strict(BaseModel):
    """Base for input models: unknown fields are an error, values are frozen, and ``null``
    for an optional list means "not recorded" (an empty list), as for an optional object."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _null_lists(cls, data: Any) -> Any:
        if isinstance(data, dict):
            nulls = [
                name
                for name, f in cls.model_fields.items()
                if f.default_factory in (list, new_list) and name in data and data[name] is None
            ]
            if nulls:
                data = {**data, **{name: [] for name in nulls}}
        return data


class Sex(StrEnum):
    female = "female"
    male = "male"
    other = "other"
    unknown = "unknown"


class Site(StrEnum):
    stomach = "stomach"
    duodenum = "duodenum"
    jejunum_ileum = "jejunum_ileum"
    small_intestine = "small_intestine"
    colon = "colon"
    rectum = "rectum"
    esophagus = "esophagus"
    omentum = "omentum"
    mesentery = "mesentery"
    peritoneum = "peritoneum"
    other = "other"


class MitosesUnit(StrEnum):
    per_5mm2 = "5mm2"
    per_50hpf = "50hpf"


class Resection(StrEnum):
    none = "none"
    R0 = "R0"
    R1 = "R1"
    R2 = "R2"


class NodalStatus(StrEnum):
    N0 = "N0"
    N1 = "N1"
    NX = "NX"


class VariantSource(StrEnum):
    tissue = "tissue"
    ctdna = "ctdna"


class SdhbIhc(StrEnum):
    retained = "retained"
    lost = "lost"
    unknown = "unknown"


class Setting(StrEnum):
    adjuvant = "adjuvant"
    neoadjuvant = "neoadjuvant"
    metastatic = "metastatic"


class BestResponse(StrEnum):
    CR = "CR"
    PR = "PR"
    SD = "SD"
    PD = "PD"
    NE = "NE"


class StopReason(StrEnum):
    progression = "progression"
    toxicity = "toxicity"
    completed = "completed"
    other = "other"


class ProgressionPattern(StrEnum):
    focal = "focal"
    generalized = "generalized"


class HepaticImpairment(StrEnum):
    """Degree of hepatic impairment as the drug labels grade it (see ``Patient``)."""

    none = "none"
    mild = "mild"
    moderate = "moderate"
    severe = "severe"


class LesionKind(StrEnum):
    target = "target"
    non_target = "non_target"
    new = "new"


class NonTargetStatus(StrEnum):
    present = "present"
    absent = "absent"
    unequivocal_progression = "unequivocal_progression"


GeneSymbol = Annotated[
    str, Field(pattern=r"^[A-Z0-9][A-Z0-9-]{0,19}$", description="HGNC symbol, upper case")
]
Identifier = Annotated[Text, Field(min_length=1, max_length=128)]
ShortText = Annotated[Text, Field(min_length=1, max_length=64)]


class Mitoses(Strict):
    count: Number = Field(ge=0, le=1000, description="mitotic count in the stated area")
    per: MitosesUnit = Field(description="5mm2 and 50hpf are treated as equivalent (AJCC 8th)")


class PrimaryTumor(Strict):
    site: Site | None = None
    size_cm: Number | None = Field(default=None, gt=0, le=100)
    mitoses: Mitoses | None = None
    rupture: Flag | None = None
    resection: Resection | None = None
    resection_date: dt.date | None = Field(
        default=None,
        description="optional: date of the resection of the primary; the follow-up dates "
        "after surgery count from it (without it, from the date of the report)",
    )
    nodes: NodalStatus | None = None


class Variant(Strict):
    gene: GeneSymbol
    hgvs_p: Text = Field(
        min_length=1,
        max_length=200,
        description='protein change: "p.W557_K558del", "W557_K558del", "D842V", "exon 11 deletion"',
    )
    source: VariantSource = VariantSource.tissue
    date: dt.date | None = None

    @field_validator("gene", mode="before")
    @classmethod
    def _upper_gene(cls, v: Any) -> Any:
        return v.strip().upper() if isinstance(v, str) else v


class Fusion(Strict):
    genes: list[GeneSymbol] = Field(min_length=2, max_length=2)

    @field_validator("genes", mode="before")
    @classmethod
    def _upper_genes(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [g.strip().upper() if isinstance(g, str) else g for g in v]
        return v


class Molecular(Strict):
    tested_genes: list[GeneSymbol] = Field(default_factory=new_list)
    variants: list[Variant] = Field(default_factory=new_list)
    fusions: list[Fusion] = Field(default_factory=new_list)
    sdhb_ihc: SdhbIhc | None = None

    @field_validator("tested_genes", mode="before")
    @classmethod
    def _upper_tested(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [g.strip().upper() if isinstance(g, str) else g for g in v]
        return v


class Metastatic(Strict):
    diagnosed: dt.date | None = None
    sites: list[ShortText] = Field(default_factory=new_list)


class Labs(Strict):
    neutrophils_10e9_per_l: Number | None = Field(default=None, ge=0, le=200)
    hemoglobin_g_per_dl: Number | None = Field(default=None, gt=0, le=25)
    albumin_g_per_l: Number | None = Field(default=None, gt=0, le=80)
    # the labs the TKI labels use (toxicity engine); x ULN = value / the lab's upper limit
    platelets_10e9_per_l: Number | None = Field(default=None, ge=0, le=5000)
    alt_u_per_l: Number | None = Field(default=None, ge=0, le=20000)
    alt_uln_u_per_l: Number | None = Field(default=None, gt=0, le=500)
    # AST: the NCI-ODWG hepatic grading (imatinib, ripretinib labels) calls a normal
    # bilirubin with AST above its upper limit "mild" (history.yaml hepatic_class)
    ast_u_per_l: Number | None = Field(default=None, ge=0, le=20000)
    ast_uln_u_per_l: Number | None = Field(default=None, gt=0, le=500)
    bilirubin_umol_per_l: Number | None = Field(default=None, ge=0, le=2000)
    bilirubin_uln_umol_per_l: Number | None = Field(default=None, gt=0, le=200)
    tsh_mu_per_l: Number | None = Field(default=None, ge=0, le=1000)


class Renal(Strict):
    creatinine_clearance_ml_min: float | None = Field(
        default=None, gt=0, description="creatinine clearance (mL/min), as the labels use it"
    )


class TherapyLine(Strict):
    drug: ShortText = Field(description="INN, lower case")
    dose_mg_per_day: Number | None = Field(default=None, gt=0, le=5000)
    setting: Setting | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    best_response: BestResponse | None = None
    stop_reason: StopReason | None = None
    progression: ProgressionPattern | None = None

    @field_validator("drug", mode="before")
    @classmethod
    def _lower_drug(cls, v: Any) -> Any:
        return v.strip().lower() if isinstance(v, str) else v


class Lesion(Strict):
    id: Identifier
    organ: ShortText
    kind: LesionKind
    longest_diameter_mm: Number | None = Field(default=None, ge=0, le=1000)
    short_axis_mm: Number | None = Field(default=None, ge=0, le=1000)
    density_hu: Number | None = Field(default=None, ge=-1000, le=3000)
    status: NonTargetStatus | None = None
    new_nodule_in_mass: Flag | None = None

    @field_validator("organ", mode="before")
    @classmethod
    def _lower_organ(cls, v: Any) -> Any:
        return v.strip().lower().replace(" ", "_") if isinstance(v, str) else v


class ImagingTimepoint(Strict):
    date: dt.date
    lesions: list[Lesion] = Field(default_factory=new_list)


class Patient(Strict):
    """One patient's record as CONTRACT.md schema 1 defines it."""

    schema_version: Literal["1"] = "1"
    id: Identifier
    age_years: Number | None = Field(default=None, ge=0, le=120)
    sex: Sex | None = None
    ecog: WholeNumber | None = Field(default=None, ge=0, le=4)
    primary: PrimaryTumor | None = None
    molecular: Molecular | None = None
    metastatic: Metastatic | None = None
    labs: Labs | None = None
    renal: Renal | None = None
    cardiac: Cardiac | None = None
    adverse_events: list[AdverseEvent] = Field(default_factory=new_list, max_length=200)
    therapy_lines: list[TherapyLine] = Field(default_factory=new_list)
    imaging: list[ImagingTimepoint] = Field(default_factory=new_list)
    comedications: list[ShortText] = Field(default_factory=new_list)
    pregnant: Flag | None = Field(
        default=None,
        description="optional (added for the therapy engine): pregnancy makes every GIST TKI "
        "a critical caution (embryo-fetal toxicity)",
    )
    breastfeeding: Flag | None = Field(
        default=None,
        description="optional (added for the therapy engine): breastfeeding gives every "
        "proposed TKI a critical caution with its label's advice (stop breast-feeding during "
        "treatment and for the interval after the last dose the label names); the options "
        "stay listed. null = not recorded (no caution)",
    )
    hepatic_impairment: HepaticImpairment | None = Field(
        default=None,
        description="optional (added for the therapy engine's label cautions): degree of "
        "hepatic impairment. Child-Pugh A = mild, B = moderate, C = severe (sunitinib, "
        "regorafenib labels). Labels that grade by laboratory values (NCI Organ Dysfunction "
        "Working Group: imatinib, ripretinib, avapritinib) map as: mild = total bilirubin "
        "<= ULN with AST > ULN, or bilirubin > 1.0-1.5 x ULN with any AST; moderate = "
        "bilirubin > 1.5-3 x ULN, any AST; severe = bilirubin > 3 x ULN (imatinib: > 3-10 "
        "x ULN), any AST. Each caution names the classification its label uses. null = not "
        "recorded (no hepatic caution); none = normal hepatic function.",
    )

    @field_validator("ecog", mode="before")
    @classmethod
    def _ecog_whole(cls, v: Any) -> Any:
        return v if v is None else whole_number(v)

    @field_validator("comedications", mode="before")
    @classmethod
    def _lower_meds(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [m.strip().lower() if isinstance(m, str) else m for m in v]
        return v

    def dated(self) -> list[tuple[tuple[str | int, ...], dt.date]]:
        """Every date of the record with its JSON path (for the consistency checks)."""
        out: list[tuple[tuple[str | int, ...], dt.date]] = []
        if self.primary is not None and self.primary.resection_date is not None:
            out.append((("primary", "resection_date"), self.primary.resection_date))
        if self.metastatic is not None and self.metastatic.diagnosed is not None:
            out.append((("metastatic", "diagnosed"), self.metastatic.diagnosed))
        for i, v in enumerate(self.molecular.variants if self.molecular else []):
            if v.date is not None:
                out.append((("molecular", "variants", i, "date"), v.date))
        for i, line in enumerate(self.therapy_lines):
            for name, d in (("start", line.start), ("end", line.end)):
                if d is not None:
                    out.append((("therapy_lines", i, name), d))
        out += [(("imaging", i, "date"), tp.date) for i, tp in enumerate(self.imaging)]
        for i, ae in enumerate(self.adverse_events):
            for name, d in (("onset", ae.onset), ("resolved", ae.resolved)):
                if d is not None:
                    out.append((("adverse_events", i, name), d))
        return out

    @model_validator(mode="after")
    def _check_dates(self, info: ValidationInfo) -> "Patient":
        today = today_of(info)
        problems: list[InitErrorDetails] = []
        for loc, d in self.dated():
            if d > today:
                problems.append(
                    problem(loc, f"must not be after today ({today.isoformat()})", d.isoformat())
                )
        problems += before_birth(self, today)
        problems += line_order(self.therapy_lines)
        problems += imaging_order(self.imaging)
        problems += resection_order(self.primary, self.therapy_lines)
        if self.pregnant is True and self.sex is Sex.male:
            problems.append(
                problem(("pregnant",), "contradicts sex male; correct one of the two", True)
            )
        if self.breastfeeding is True and self.sex is Sex.male:
            problems.append(
                problem(("breastfeeding",), "contradicts sex male; correct one of the two", True)
            )
        if problems:
            raise ValidationError.from_exception_data("Patient", problems)
        return self

    # Convenience views used by several engines -------------------------------

    @property
    def is_metastatic(self) -> bool:
        """Metastatic when a diagnosis date or a site of metastasis is recorded."""
        m = self.metastatic
        return m is not None and (m.diagnosed is not None or bool(m.sites))
