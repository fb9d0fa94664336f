"""What happened to every resource and element of an input Bundle.

A ``MappingReport`` has one line per resource and element: ``mapped`` (to which patient
field), ``assumed`` (mapped, with an assumption the clinician should know), ``ignored``
(present, not needed by gistcds, with the reason) or ``unmapped`` (needed or possibly
relevant, but gistcds could not read it, with the reason). Nothing is dropped silently:
every entry of the Bundle has at least one line.

``refs`` keeps the references an output Bundle needs to point back at the input (the
patient, the primary condition, the observations each result was derived from).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gistcds.domain.empty import new_dict, new_list

__all__ = ["FhirRefs", "MapLine", "MappingReport", "Status"]

Status = Literal["mapped", "assumed", "ignored", "unmapped"]


class MapLine(BaseModel):
    """One resource element and what gistcds did with it."""

    model_config = ConfigDict(frozen=True)

    status: Status
    resource: str = Field(description='"Observation/obs-ct" (or the fullUrl when no id)')
    path: str = Field(description="JSON path in the Bundle, e.g. entry[14].resource.valueQuantity")
    target: str | None = Field(default=None, description="patient field filled, e.g. ecog")
    reason: str = ""

    def __str__(self) -> str:
        to = f" -> {self.target}" if self.target else ""
        why = f": {self.reason}" if self.reason else ""
        return f"{self.status}: {self.resource} {self.path}{to}{why}"


class FhirRefs(BaseModel):
    """References into the input record that output resources point back to."""

    patient: str = "Patient/unknown"
    primary_condition: str | None = None
    variants: list[str] = Field(default_factory=new_list)
    regions_studied: list[str] = Field(default_factory=new_list)
    risk_basis: list[str] = Field(default_factory=new_list, description="size, mitoses, rupture")
    imaging: dict[str, list[str]] = Field(
        default_factory=new_dict, description="ISO date -> size and density observations"
    )
    ecog: str | None = None


class MappingReport(BaseModel):
    """Every line of the mapping, and the references for the output Bundle."""

    lines: list[MapLine] = Field(default_factory=new_list)
    refs: FhirRefs = Field(default_factory=FhirRefs)

    def add(
        self,
        status: Status,
        resource: str,
        path: str,
        reason: str = "",
        target: str | None = None,
    ) -> None:
        self.lines.append(
            MapLine(status=status, resource=resource, path=path, target=target, reason=reason)
        )

    def by_status(self, status: Status) -> list[MapLine]:
        return [line for line in self.lines if line.status == status]

    def resources(self) -> set[str]:
        """Entry paths (``entry[i]``) that have at least one line."""
        return {line.path.split(".", 1)[0] for line in self.lines}

    def summary(self) -> str:
        counts = {s: len(self.by_status(s)) for s in ("mapped", "assumed", "ignored", "unmapped")}
        return "FHIR mapping: " + ", ".join(f"{n} {s}" for s, n in counts.items())

    def notice_lines(self) -> list[str]:
        """What a user should read: assumptions, unmapped and ignored elements, then totals."""
        order = ("unmapped", "assumed", "ignored")
        out = [str(line) for s in order for line in self.by_status(s)]  # type: ignore[arg-type]
        return [*out, self.summary()]
