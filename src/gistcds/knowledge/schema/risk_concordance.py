"""Schema of ``risk_concordance.yaml``: when do the risk systems agree, and which
disagreement changes a decision.

Each system's category is put on one common tier scale (``equivalence``); the systems agree
when every tier is the same, differ without consequence when every tier lies on the same side
of each decision threshold, and disagree when one threshold separates them. Nodal metastasis
(AJCC N1, stage IV) is a conflict of its own: the recurrence systems do not read nodal status.
"""

from typing import Literal

from pydantic import Field, model_validator

from gistcds.knowledge import Cited, KBModel

System = Literal["nih", "modified_nih", "afip"]
Code = Literal["concordant", "differ_same_decision", "discordant", "nodal_metastasis"]


class Tier(KBModel):
    id: str = Field(pattern=r"^[a-z_]+$")
    label: str = Field(min_length=1)


class Equivalence(Cited):
    """Common tier of each system's categories (categories not listed have no tier)."""

    systems: dict[System, dict[str, str]]
    names: dict[str, str] = Field(description="display name of each system, incl. ajcc8")
    note: str = ""


class Decision(Cited):
    """A threshold on the tier scale that changes management: tiers in ``above`` vs the rest."""

    id: str = Field(pattern=r"^[a-z_]+$")
    label: str = Field(min_length=1)
    above: list[str] = Field(min_length=1)


class Message(Cited):
    """The sentence for one outcome; ``{systems}`` and ``{decision}`` are filled in."""

    severity: Literal["info", "warning"]
    text: str = Field(min_length=1)


class Table(KBModel):
    tiers: list[Tier] = Field(min_length=2, description="lowest first")
    equivalence: Equivalence
    decisions: list[Decision] = Field(min_length=1)
    messages: dict[Code, Message]

    @model_validator(mode="after")
    def _consistent(self) -> "Table":
        ids = {t.id for t in self.tiers}
        bad = {
            tier
            for cats in self.equivalence.systems.values()
            for tier in cats.values()
            if tier not in ids
        }
        bad |= {t for d in self.decisions for t in d.above if t not in ids}
        if bad:
            raise ValueError(f"unknown tiers {sorted(bad)}")
        missing = set(Code.__args__) - set(self.messages)  # type: ignore[attr-defined]
        if missing:
            raise ValueError(f"messages missing for {sorted(missing)}")
        return self
