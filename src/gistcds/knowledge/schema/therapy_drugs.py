"""Schema of ``therapy_drugs.yaml``: dose schedules in words and label dose-reduction steps."""

from __future__ import annotations

from pydantic import Field, model_validator

from gistcds.knowledge import Cited, KBModel


class Schedule(KBModel):
    dose_mg_per_day: float = Field(gt=0)
    text: str = Field(min_length=1, description='e.g. "50 mg once daily, 4 weeks on / 2 off"')


class Drug(Cited):
    inn: str = Field(pattern=r"^[a-z][a-z0-9-]*$", description="INN, lower case")
    synonyms: list[str] = Field(default_factory=list, description="brand or other names")
    schedules: list[Schedule] = Field(min_length=1)
    reduction_steps: list[float] = Field(
        default_factory=list,
        description="label dose levels, highest first; the next lower one is the reduced dose",
    )
    note: str | None = None

    @model_validator(mode="after")
    def _steps_have_schedules(self) -> Drug:
        known = {s.dose_mg_per_day for s in self.schedules}
        missing = [d for d in self.reduction_steps if d not in known]
        if missing:
            raise ValueError(f"{self.inn}: reduction steps without a schedule text: {missing}")
        if self.reduction_steps != sorted(self.reduction_steps, reverse=True):
            raise ValueError(f"{self.inn}: reduction_steps must be highest first")
        return self


class Agent(Cited):
    """A drug that may appear in a history but that no rule recommends (names only)."""

    inn: str = Field(pattern=r"^[a-z][a-z0-9-]*$", description="INN, lower case")
    synonyms: list[str] = Field(default_factory=list)


class Table(KBModel):
    other_agents: list[Agent] = Field(
        default_factory=list, description="recognised names of other agents (no schedules)"
    )
    unlisted_schedule: str = Field(
        description="text for a dose without a listed schedule; {dose} is replaced"
    )
    drugs: list[Drug]

    @model_validator(mode="after")
    def _unique(self) -> Table:
        names = [d.inn for d in self.drugs]
        if len(names) != len(set(names)):
            raise ValueError("duplicate drug inn")
        return self

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
