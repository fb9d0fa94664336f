"""Schema of ``therapy_drugs.yaml``: the drugs the knowledge base knows (INN, names, class),
dose schedules in words and label dose-reduction steps.

Every drug list elsewhere derives from this table: the reference pass resolves each drug
id of the other tables here, and the classes replace hand-kept lists (the genotype
engine's TKI exposure, the drugs it rates, the pregnancy caution's drugs).
"""

from typing import Literal

from pydantic import Field, model_validator

from gistcds.domain.empty import new_list
from gistcds.knowledge import Cited, KBModel

DrugClass = Literal["kit_pdgfra_inhibitor", "gist_tki", "targeted"]
"""``kit_pdgfra_inhibitor``: inhibits KIT/PDGFRA (a variant sampled after one started is timed
"after TKI"); ``gist_tki``: a GIST TKI the genotype engine rates per genotype (a column of
``genomics_sensitivity.yaml``, a key of ``genotype.sensitivity``); ``targeted``: a targeted
agent (the pregnancy caution)."""


class Schedule(KBModel):
    dose_mg_per_day: float = Field(gt=0)
    text: str = Field(min_length=1, description='e.g. "50 mg once daily, 4 weeks on / 2 off"')


class Drug(Cited):
    inn: str = Field(pattern=r"^[a-z][a-z0-9-]*$", description="INN, lower case")
    synonyms: list[str] = Field(default_factory=new_list, description="brand or other names")
    classes: list[DrugClass] = Field(default_factory=new_list)
    schedules: list[Schedule] = Field(min_length=1)
    reduction_steps: list[float] = Field(
        default_factory=new_list,
        description="label dose levels, highest first; the next lower one is the reduced dose",
    )
    label_max_mg_per_day: float | None = Field(
        default=None,
        gt=0,
        description="highest daily dose the label allows in any GIST situation (dose "
        "increases included); a recorded line above it gets a caution (review V3-05)",
    )
    note: str | None = None

    @model_validator(mode="after")
    def _steps_have_schedules(self) -> "Drug":
        known = {s.dose_mg_per_day for s in self.schedules}
        missing = [d for d in self.reduction_steps if d not in known]
        if missing:
            raise ValueError(f"{self.inn}: reduction steps without a schedule text: {missing}")
        if self.reduction_steps != sorted(self.reduction_steps, reverse=True):
            raise ValueError(f"{self.inn}: reduction_steps must be highest first")
        top = max(known)
        if self.label_max_mg_per_day is not None and self.label_max_mg_per_day < top:
            raise ValueError(f"{self.inn}: label_max_mg_per_day below a schedule ({top:g})")
        return self


class Agent(Cited):
    """A drug that may appear in a history but that no rule recommends (names only)."""

    inn: str = Field(pattern=r"^[a-z][a-z0-9-]*$", description="INN, lower case")
    synonyms: list[str] = Field(default_factory=new_list)
    classes: list[DrugClass] = Field(default_factory=new_list)


class Table(KBModel):
    other_agents: list[Agent] = Field(
        default_factory=new_list, description="recognised names of other agents (no schedules)"
    )
    unlisted_schedule: str = Field(
        description="text for a dose without a listed schedule; {dose} is replaced"
    )
    drugs: list[Drug]

    @model_validator(mode="after")
    def _unique(self) -> "Table":
        names = [d.inn for d in self.drugs]
        names += [a.inn for a in self.other_agents]
        if len(names) != len(set(names)):
            raise ValueError("duplicate drug inn")
        return self

    def inns(self) -> list[str]:
        """Every INN the knowledge base knows: drugs, then other agents."""
        return [d.inn for d in self.drugs] + [a.inn for a in self.other_agents]

    def with_class(self, cls: DrugClass) -> list[str]:
        """INNs of the drugs and other agents of a class, in table order."""
        drugs = [d.inn for d in self.drugs if cls in d.classes]
        return drugs + [a.inn for a in self.other_agents if cls in a.classes]

    def drug(self, inn: str) -> Drug | None:
        """The drug with this INN (None for an unlisted or other agent)."""
        return next((d for d in self.drugs if d.inn == inn), None)

    def names(self) -> list[tuple[str, list[str]]]:
        """(INN, synonyms) of every drug and other agent the knowledge base recognises."""
        return [(d.inn, d.synonyms) for d in self.drugs] + [
            (a.inn, a.synonyms) for a in self.other_agents
        ]

    def reduced_dose(self, inn: str, dose: float | None) -> float | None:
        """The next lower label step below ``dose`` (None when there is none)."""
        drug = self.drug(inn)
        if dose is None or drug is None:
            return None
        lower = [s for s in drug.reduction_steps if s < dose]
        return lower[0] if lower else None

    def schedule_text(self, inn: str, dose: float | None) -> str:
        """The schedule in words for this dose, else the text for an unlisted dose."""
        drug = self.drug(inn)
        for s in drug.schedules if drug is not None else []:
            if dose is not None and s.dose_mg_per_day == dose:
                return s.text
        return self.unlisted_schedule.replace("{dose}", f"{dose:g}" if dose is not None else "?")
