"""A guideline or trial text read for a rule: where, what it says, and how strongly.

Rules carry a list of readings (``readings:`` in the YAML). A rule counts as verified only
when at least one reading records a text that was actually read; the reading names the
section, paraphrases the wording, gives its strength as the text gives it ("standard",
"may be considered", "[I, A]", "category 2B", an NCI PDQ level such as "A1"), and says
whether the rule agrees with it. ``changed`` records what the reading changed in the rule,
so that ``docs/evidence.md`` can list every rule whose content verification altered.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from gistcds.knowledge import KBModel

__all__ = ["Reading"]


class Reading(KBModel):
    """One text read for a rule (a guideline section, a trial abstract, a panel record)."""

    source_ids: list[str] = Field(min_length=1, max_length=1, description="the text read")
    section: str = Field(min_length=1, description="section or part of the text read")
    says: str = Field(min_length=1, description="what the text says, in our words")
    strength: str = Field(min_length=1, description="the wording's strength, as given")
    agrees: Literal["yes", "partly", "no"] = Field(
        description="does the rule as encoded agree with this text?"
    )
    changed: str | None = Field(
        default=None, description="what reading this text changed in the rule's content"
    )
