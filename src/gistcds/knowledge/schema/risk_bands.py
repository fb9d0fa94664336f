"""Schema of ``risk_bands.yaml``: the size and mitotic-count bands every risk system shares.

One place for the cut-offs (2/5/10 cm; 5/10 mitoses) and for the closed-upper-bound
convention, so NIH, modified NIH, AFIP and AJCC cannot drift apart.
"""

from pydantic import Field, model_validator

from gistcds.knowledge import Cited, KBModel


class Bands(Cited):
    """Ordered bands: band ``i`` holds values ``v`` with ``bounds[i-1] < v <= bounds[i]``."""

    unit: str
    upper_bounds: list[float] = Field(min_length=1)
    labels: list[str] = Field(min_length=2)
    display: list[str] = Field(min_length=2, description="human-readable band, same order")
    convention: str

    @model_validator(mode="after")
    def _consistent(self) -> "Bands":
        if any(b >= a for a, b in zip(self.upper_bounds[1:], self.upper_bounds, strict=False)):
            raise ValueError("upper_bounds must be strictly increasing")
        n = len(self.upper_bounds) + 1
        if len(self.labels) != n or len(self.display) != n:
            raise ValueError(f"labels and display need {n} entries (one per band)")
        if len(set(self.labels)) != n:
            raise ValueError("labels must be unique")
        return self


class MitoticCount(Cited):
    """The reference area a count is expressed over, and the units treated as equal to it."""

    reference_area_mm2: float = Field(gt=0)
    equivalent_units: list[str] = Field(min_length=1)
    note: str


class Table(KBModel):
    size_cm: Bands
    mitoses: Bands
    mitotic_count: MitoticCount
