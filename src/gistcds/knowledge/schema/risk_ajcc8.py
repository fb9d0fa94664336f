"""Schema of ``risk_ajcc8.yaml``: AJCC 8th edition TNM and stage groups for GIST."""

from typing import Literal

from pydantic import Field

from gistcds.knowledge import Cited, KBModel

TCat = Literal["T1", "T2", "T3", "T4"]
Rate = Literal["low", "high"]
Stage = Literal["IA", "IB", "I", "II", "IIIA", "IIIB", "IV"]


class Categories(Cited):
    t_by_size_band: dict[str, TCat]
    rate_by_mitosis_band: dict[str, Rate]


class SiteTables(Cited):
    mapping: dict[str, str] = Field(description="site -> stage-group table")
    not_staged: dict[str, str] = Field(description="site -> why no stage group applies")


class StageGroups(Cited):
    label: str
    stages: dict[Rate, dict[TCat, Stage]]


class Distant(Cited):
    n1_stage: Stage
    m1_stage: Stage
    note: str


class NodesNotAssessed(Cited):
    record_as: Literal["N0"]
    note: str


class Table(KBModel):
    categories: Categories
    site_tables: SiteTables
    stage_groups: dict[str, StageGroups]
    distant: Distant
    nodes_not_assessed: NodesNotAssessed
