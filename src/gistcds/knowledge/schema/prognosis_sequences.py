"""Schema of ``prognosis_sequences.yaml``: treatment sequences for the simulation.

``transitions`` give the published share of patients who start the next line after
progression; ``post_last_line.arm`` is the survival curve drawn after the last line
(or for patients who do not go on); ``checks`` name a published overall-survival arm
the simulated sequence is compared with (reported, never tuned to).
"""

from pydantic import Field

from gistcds.domain.empty import new_list
from gistcds.domain.results.genotype import GenotypeClass
from gistcds.knowledge import Cited, KBModel
from gistcds.knowledge.references import ref


class Step(KBModel):
    drug: str = ref("drug")
    dose_mg_per_day: float | None = None


class Sequence(Cited):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    genotype_classes: list[GenotypeClass] = Field(default_factory=new_list)
    steps: list[Step] = Field(min_length=1)
    compare_os_arm: str | None = ref("prognosis_arm", default=None)


class Transition(Cited):
    after_line: int = Field(ge=1)
    proceed_probability: float = Field(gt=0, le=1)
    basis: str


class PostLastLine(Cited):
    arm: str = ref("prognosis_arm")
    note: str


class Table(KBModel):
    post_last_line: PostLastLine
    transitions: list[Transition]
    sequences: list[Sequence]
