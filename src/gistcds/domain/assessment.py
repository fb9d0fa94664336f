"""The assessment: CONTRACT.md "Assessment output", composed from each engine's part."""

from pydantic import Field

from gistcds.domain.empty import new_list
from gistcds.domain.results.base import Out
from gistcds.domain.results.genotype import GenotypeResult
from gistcds.domain.results.prognosis import Prognosis
from gistcds.domain.results.record import RecordSummary
from gistcds.domain.results.response import ResponseSummary, TimepointResponse
from gistcds.domain.results.risk import RiskPanel
from gistcds.domain.results.therapy import (
    Caution,
    FollowupAnchor,
    FollowupVisit,
    Recommendation,
)
from gistcds.domain.results.toxicity import (
    CounsellingItem,
    MonitoringItem,
    PatientGuide,
    ToxicityAdvice,
)

DISCLAIMER = "Decision support for qualified clinicians, not a medical device."


class Assessment(Out):
    """Everything gistcds says about one patient. Parts that do not apply are null."""

    schema_version: str = "1"
    patient_id: str
    knowledge_base_version: str
    gistcds_version: str
    disclaimer: str = DISCLAIMER
    risk: RiskPanel = Field(default_factory=RiskPanel)
    genotype: GenotypeResult | None = None
    recommendations: list[Recommendation] = Field(default_factory=new_list)
    cautions: list[Caution] = Field(default_factory=new_list)
    response: list[TimepointResponse] = Field(default_factory=new_list)
    response_summary: ResponseSummary | None = None
    prognosis: Prognosis | None = None
    followup: list[FollowupVisit] = Field(default_factory=new_list)
    followup_from: FollowupAnchor | None = Field(
        default=None, description="what the months of followup[] count from"
    )
    toxicity: list[ToxicityAdvice] = Field(default_factory=new_list)
    counselling: list[CounsellingItem] = Field(default_factory=new_list)
    monitoring: list[MonitoringItem] = Field(default_factory=new_list)
    patient_guides: list[PatientGuide] = Field(
        default_factory=new_list, description="the patient leaflet's page per drug"
    )
    warnings: list[str] = Field(
        default_factory=new_list, description="what the engines could not do, in plain words"
    )
    record: RecordSummary | None = Field(
        default=None,
        description="what the report shows of the patient's record (the Patient section, "
        "the treatment timeline, why a part does not apply); null in an assessment stored "
        "before this field existed",
    )

    def to_json(self, indent: int | None = 2) -> str:
        """The assessment as JSON, exactly as ``gistcds assess --format json`` prints it
        (CONTRACT.md "Assessment output")."""
        return self.model_dump_json(indent=indent)
