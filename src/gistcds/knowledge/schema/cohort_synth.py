"""Schema of ``cohort_synth.yaml``: the published figures behind ``gistcds cohort synth``.

The synthetic registry is for demonstrations, tests and benchmarks, never data. Every
frequency it draws from is a record here with its source and an honest ``confidence``;
a generator setting that no source gives is marked ``unverified`` and says so.
"""

from pydantic import Field, model_validator

from gistcds.domain.results.genotype import GenotypeClass
from gistcds.knowledge import Cited, KBModel


class Weight(KBModel):
    value: str
    weight: float = Field(gt=0)


class Weights(Cited):
    """Relative frequencies (normalised when drawn)."""

    items: list[Weight] = Field(min_length=1)
    note: str | None = None


class Genotype(KBModel):
    genotype: GenotypeClass = Field(description="the class the genotype engine should return")
    weight: float = Field(gt=0)
    variants: str = Field(description="the 'variants' cell written (GENE:change; ...)")
    tested_genes: str
    sdhb_ihc: str = ""


class Genotypes(Cited):
    items: list[Genotype] = Field(min_length=1)
    note: str | None = None


class Proportion(Cited):
    value: float = Field(ge=0, le=1)
    note: str | None = None


class LogNormal(Cited):
    median: float = Field(gt=0)
    sigma: float = Field(gt=0)
    low: float = Field(ge=0)
    high: float = Field(gt=0)
    note: str | None = None


class Months(Cited):
    value: float = Field(gt=0)
    note: str | None = None


class Table(KBModel):
    sites: Weights
    genotypes: Genotypes
    metastatic_at_diagnosis: Proportion
    size_cm: LogNormal
    mitoses_per_5mm2: LogNormal
    recurrence_without_afip_pct: Proportion
    recurrence_within_months: Months
    recurrence_median_months: Months
    follow_up_months: Months

    @model_validator(mode="after")
    def _sane(self) -> "Table":
        if self.size_cm.low >= self.size_cm.high:
            raise ValueError("size_cm: low must be below high")
        return self
