"""Schema of ``history.yaml``: how the record becomes the clinical state (ClinicalFacts).

``advanced_lines`` says which recorded lines make up the advanced-disease history every
engine reads (so "line 2", "progressed on imatinib" mean the same thing everywhere);
``derived`` are the interpretations built on the read facts (``event``, ``high_risk``,
``frail`` ...): the first entry of a name whose condition holds sets it. Conditions use
the language of :mod:`gistcds.knowledge.conditions` over the fields of
:class:`gistcds.domain.facts.ClinicalFacts`.
"""

from typing import Any

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from gistcds.domain.empty import new_dict
from gistcds.domain.facts import ClinicalFacts
from gistcds.domain.patient import Setting
from gistcds.knowledge import Cited, KBModel
from gistcds.knowledge.conditions import Condition, check_condition, condition_facts

__all__ = ["AdvancedLines", "Derived", "Table"]


class AdvancedLines(Cited):
    """Which recorded therapy lines are lines of advanced-disease treatment."""

    settings: list[Setting] = Field(
        min_length=1, description="lines recorded in these settings are advanced lines"
    )
    unrecorded_setting_when_metastatic: bool = Field(
        description="a line without a setting counts when metastases are recorded"
    )
    progression_on_perioperative_counts: bool = Field(
        description="an adjuvant/neoadjuvant line that ended in progression counts when "
        "metastases are recorded: the relapse happened on that drug"
    )
    note: str | None = None


class Derived(Cited):
    """A derived fact: the first entry of a name whose condition holds sets it."""

    name: str
    value: Any
    when: Condition = Field(default_factory=new_dict)
    note: str | None = None


def _check_value(d: Derived) -> None:
    field = ClinicalFacts.model_fields[d.name]
    assert field.annotation is not None
    try:
        TypeAdapter[Any](field.annotation).validate_python(d.value, strict=True)
    except ValidationError:
        raise ValueError(
            f"derived {d.name}: value {d.value!r} is not a valid {d.name} ({field.annotation})"
        ) from None


class Table(KBModel):
    advanced_lines: AdvancedLines
    groups: dict[str, list[str]] = Field(
        default_factory=new_dict, description="named lists, referenced with YAML anchors"
    )
    derived: list[Derived]

    @model_validator(mode="after")
    def _check(self) -> "Table":
        facts = ClinicalFacts.names()
        derived = ClinicalFacts.derived_names()
        set_so_far: set[str] = set()
        for d in self.derived:
            if d.name not in derived:
                raise ValueError(f"derived {d.name!r}: not a derived fact of ClinicalFacts")
            check_condition(d.when, facts, f"derived {d.name}")
            for path, _ in condition_facts(d.when):
                name = path.split(".")[0]
                if name in derived and name not in set_so_far and name != d.name:
                    raise ValueError(f"derived {d.name}: uses {name!r} before any rule sets it")
            _check_value(d)
            set_so_far.add(d.name)
        missing = sorted(derived - set_so_far)
        if missing:
            raise ValueError(f"derived fact(s) without a rule: {missing}")
        return self
