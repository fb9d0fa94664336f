"""Schema of ``trials.yaml``: GIST trials of newer drugs, dated and cited, for matching.

A trial's eligibility is encoded from its registry text in a few structured fields (setting,
genotype classes, prior lines and drugs, secondary-mutation regions, ECOG); ``text`` keeps
the key eligibility in words, and ``parsed: false`` marks a trial imported from a registry
export whose free-text eligibility was not encoded (the matcher then says so). ``status``
uses the ClinicalTrials.gov ``overallStatus`` values and is true only as of ``status_date``.
"""

from typing import Literal

from pydantic import Field, model_validator

from gistcds.domain.empty import new_list
from gistcds.knowledge import Cited, KBModel

__all__ = ["REGISTRY_STATUSES", "Eligibility", "Table", "Trial"]

RegistryStatus = Literal[
    "ACTIVE_NOT_RECRUITING",
    "COMPLETED",
    "ENROLLING_BY_INVITATION",
    "NOT_YET_RECRUITING",
    "RECRUITING",
    "SUSPENDED",
    "TERMINATED",
    "WITHDRAWN",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
    "UNKNOWN",
]
REGISTRY_STATUSES: tuple[str, ...] = RegistryStatus.__args__  # type: ignore[attr-defined]

PARTIAL_DATE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"


Setting = Literal["metastatic", "localized"]


def _metastatic() -> list[Setting]:
    return ["metastatic"]


class Eligibility(KBModel):
    settings: list[Setting] = Field(default_factory=_metastatic)
    genotypes: list[str] = Field(
        default_factory=new_list, description="allowed classes; empty = any"
    )
    excluded_genotypes: list[str] = Field(default_factory=new_list)
    min_prior_lines: int = Field(default=0, ge=0, description="advanced-disease drugs before")
    max_prior_lines: int | None = Field(default=None, ge=0)
    required_prior_drugs: list[str] = Field(default_factory=new_list, description="all of them")
    excluded_prior_drugs: list[str] = Field(default_factory=new_list)
    required_secondary: list[str] = Field(
        default_factory=new_list, description="secondary KIT regions, at least one of them"
    )
    excluded_secondary: list[str] = Field(default_factory=new_list)
    max_ecog: int | None = Field(default=None, ge=0, le=4)
    text: str = Field(min_length=1, description="key eligibility, in words")
    parsed: bool = Field(default=True, description="false: only the registry text is known")

    @model_validator(mode="after")
    def _lines(self) -> "Eligibility":
        if self.max_prior_lines is not None and self.max_prior_lines < self.min_prior_lines:
            raise ValueError("max_prior_lines below min_prior_lines")
        return self


class Trial(Cited):
    registry_id: str = Field(pattern=r"^NCT[0-9]{8}$")
    name: str | None = None
    title: str = Field(min_length=1)
    regimen: list[str] = Field(min_length=1, description="drugs (INN or code), lower case")
    phase: str = Field(min_length=1, description="as registered, e.g. '3', '1/2'")
    line: str = Field(min_length=1, description="line of therapy in words, e.g. '2L'")
    status: RegistryStatus | None = Field(default=None, description="null: not found")
    status_date: str | None = Field(default=None, pattern=PARTIAL_DATE)
    status_note: str | None = None
    eligibility: Eligibility
    result: str | None = None
    imported: bool = Field(default=False, description="added or refreshed by trials import")


class PregnancyRule(Cited):
    """Trial options are not offered in pregnancy; ``message`` says so in the output."""

    message: str = Field(min_length=1)


class Table(KBModel):
    as_of: str = Field(pattern=PARTIAL_DATE, description="date of the table's statuses")
    open_statuses: list[RegistryStatus] = Field(min_length=1)
    pregnancy: PregnancyRule | None = None
    trials: list[Trial]

    @model_validator(mode="after")
    def _unique(self) -> "Table":
        ids = [t.registry_id for t in self.trials]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate registry ids: {dup}")
        return self
