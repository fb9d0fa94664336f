"""Schema of ``prognosis_arms.yaml``: published survival per trial arm, endpoint and genotype.

One record is one (trial arm, endpoint): the published median (with its 95 % CI when
given), landmark survival proportions, the number of patients and follow-up. A value
that was not found in a source is simply absent; nothing is filled in by guessing.
``genotype_map`` says, for each genotype class, which evidence groups to try, most
specific first; ``all`` appears only where all-comers data may stand in for the class.
"""

from pydantic import Field, model_validator

from gistcds.domain.empty import new_list
from gistcds.domain.results.genotype import GenotypeClass, KitPdgfraStatus
from gistcds.domain.results.prognosis import ArmEndpoint
from gistcds.knowledge import Cited, KBModel
from gistcds.knowledge.references import ref

Endpoint = ArmEndpoint


class Landmark(KBModel):
    months: float = Field(gt=0)
    survival: float = Field(ge=0, le=1)


class Arm(Cited):
    """Published survival for one arm and one endpoint."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    trial: str
    lines: list[int] = Field(min_length=1, description="treatment lines the population was in")
    drug: str = ref("arm_drug", description="INN, lower case; 'placebo' for control arms")
    dose_mg_per_day: float | None = Field(
        default=None, description="null when the arm pools several doses"
    )
    doses_pooled_mg_per_day: list[float] | None = Field(
        default=None,
        description="for a pooled arm (dose null), the doses it pooled, where the source says",
    )
    schedule: str | None = None
    group: str = Field(description="genotype evidence group (see groups)")
    endpoint: Endpoint
    median_months: float | None = Field(default=None, gt=0)
    median_ci: tuple[float, float] | None = None
    median_reached: bool = True
    landmarks: list[Landmark] = Field(default_factory=new_list)
    n: int | None = Field(default=None, ge=1)
    follow_up_months: float | None = Field(default=None, gt=0)
    derived: bool = Field(default=False, description="converted from weeks or years")
    population: str
    stratified_by: list[str] = Field(
        default_factory=new_list,
        description="factors the arm itself already fixes (dose, genotype)",
    )
    selectable: bool = Field(default=True, description="false for placebo/control arms")
    after_progression_on_drug: bool = Field(
        default=False,
        description="population had progressed on this same drug before (e.g. dose escalation)",
    )
    note: str | None = None

    @model_validator(mode="after")
    def _has_data(self) -> "Arm":
        if self.median_months is None and not self.landmarks:
            raise ValueError("an arm needs a median or at least one landmark")
        if self.median_ci is not None and self.median_months is not None:
            lo, hi = self.median_ci
            if not lo <= self.median_months <= hi:
                raise ValueError("median outside its confidence interval")
        return self


class Group(Cited):
    id: str
    label: str


class GroupChoice(KBModel):
    group: str
    proxy: bool = Field(default=False, description="the group stands in for the class")
    adjust_with: list[str] = ref(
        "prognosis_factor",
        default_factory=list,
        description="factor ids; the group is used for an endpoint only if one of them covers it",
    )


class GenotypeMap(Cited):
    genotype_classes: list[GenotypeClass] = Field(min_length=1)
    kit_pdgfra_status: KitPdgfraStatus | None = Field(
        default=None,
        description=(
            "the entry applies only to patients with this KIT/PDGFRA status (genomics), and "
            "then takes precedence over the class's entry without a status"
        ),
    )
    groups: list[GroupChoice] = Field(min_length=1)
    note: str | None = None


class Table(KBModel):
    arms: list[Arm]
    groups: list[Group]
    genotype_map: list[GenotypeMap]

    @model_validator(mode="after")
    def _consistent(self) -> "Table":
        ids = [a.id for a in self.arms]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"duplicate arm ids: {sorted(dup)}")
        groups = {g.id for g in self.groups}
        bad = sorted({a.group for a in self.arms} - groups)
        bad += sorted({c.group for m in self.genotype_map for c in m.groups} - groups)
        if bad:
            raise ValueError(f"unknown genotype groups: {bad}")
        classes = [
            f"{c}/{m.kit_pdgfra_status or '*'}"
            for m in self.genotype_map
            for c in m.genotype_classes
        ]
        twice = {c for c in classes if classes.count(c) > 1}
        if twice:
            raise ValueError(f"genotype classes mapped twice: {sorted(twice)}")
        return self
