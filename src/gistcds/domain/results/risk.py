"""Primary-tumour risk and staging results (risk/ engine fills these).

Every system result carries the inputs it used, its category, a one-line rationale, its
``source_ids`` and any notes (disputed cells, assumptions). A system that does not apply
to the patient is null in ``RiskPanel`` and ``RiskPanel.not_reported`` says why.
"""

from typing import Any, Literal

from pydantic import Field

from gistcds.domain.confidence import Confidence
from gistcds.domain.empty import new_dict, new_list
from gistcds.domain.results.base import Out

NihCategory = Literal["very_low", "low", "intermediate", "high"]
AfipCategory = Literal["none", "very_low", "low", "moderate", "high", "insufficient_data"]


class SystemResult(Out):
    """What every risk system reports besides its category: inputs, rationale, sources."""

    system: str = ""
    inputs: dict[str, Any] = Field(default_factory=new_dict)
    rationale: str = ""
    source_ids: list[str] = Field(default_factory=new_list)
    notes: list[str] = Field(default_factory=new_list)
    confidence: Confidence = "secondary"


class NihResult(SystemResult):
    category: NihCategory


class AfipResult(SystemResult):
    category: AfipCategory | None
    progression_pct: float | None = None
    group: str | None = Field(default=None, description="Miettinen prognostic group 1..6b")
    column: str | None = Field(default=None, description="data column of the AFIP table used")
    reason: str | None = Field(default=None, description="why category is null")


class MskccResult(SystemResult):
    rfs_2y: float | None = Field(default=None, ge=0, le=1)
    rfs_5y: float | None = Field(default=None, ge=0, le=1)


class Ajcc8Result(SystemResult):
    t: Literal["T1", "T2", "T3", "T4"] | None
    n: Literal["N0", "N1"] | None
    m: Literal["M0", "M1"]
    mitotic_rate: Literal["low", "high"] | None
    stage: Literal["IA", "IB", "I", "II", "IIIA", "IIIB", "IV"] | None
    stage_table: str | None = Field(default=None, description="gastric or non_gastric groups")
    classification: Literal["c", "p", "yp"] = Field(
        default="p", description="clinical, pathological or post-therapy TNM"
    )
    reason: str | None = Field(default=None, description="why stage is null")


class ConcordanceSystem(Out):
    system: str = Field(description="nih | modified_nih | afip | ajcc8")
    name: str = Field(description='display name, e.g. "modified NIH"')
    category: str = Field(description="as the system reports it (AJCC: the stage)")
    tier: str | None = Field(default=None, description="common tier (risk_concordance.yaml)")


class RiskConcordance(Out):
    """Whether the systems agree, judged in the risk engine (not by a renderer).

    ``code``: ``concordant`` (same tier everywhere), ``differ_same_decision`` (tiers differ,
    all on the same side of every decision threshold), ``discordant`` (a threshold separates
    them), ``nodal_metastasis`` (N1 = AJCC stage IV, which the recurrence systems ignore)."""

    code: Literal["concordant", "differ_same_decision", "discordant", "nodal_metastasis"]
    severity: Literal["info", "warning"]
    message: str
    systems: list[ConcordanceSystem] = Field(default_factory=new_list)
    decision: str | None = Field(default=None, description="the threshold in question, if any")
    source_ids: list[str] = Field(default_factory=new_list)
    confidence: Confidence = "secondary"


class RiskPanel(Out):
    """All systems side by side; a system that does not apply is null, with its reason."""

    nih: NihResult | None = None
    modified_nih: NihResult | None = None
    afip: AfipResult | None = None
    mskcc: MskccResult | None = None
    ajcc8: Ajcc8Result | None = None
    not_reported: dict[str, str] = Field(
        default_factory=new_dict, description="system -> why it is null for this patient"
    )
    notes: list[str] = Field(default_factory=new_list, description="remarks on the whole panel")
    concordance: RiskConcordance | None = Field(
        default=None,
        description="do the recurrence systems agree (null with fewer than two and no N1)",
    )
