"""Band lookup and mitotic-count normalisation shared by every risk system.

A value falls in band ``i`` when ``bounds[i-1] < value <= bounds[i]`` (closed upper bounds,
``risk_bands.yaml``). The scalar ``band`` (bisect) and the vectorised ``bands``
(``numpy.searchsorted(side="left")``) implement the same rule; a test checks they agree.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gistcds.knowledge import KnowledgeBase, load_kb
from gistcds.knowledge.schema import risk_bands

if TYPE_CHECKING:  # the scalar path (one patient) needs no numpy
    import numpy as np
    import numpy.typing as npt


def band(value: float, bounds: Sequence[float]) -> int:
    """Index of the band holding ``value`` (closed upper bounds)."""
    return bisect_left(bounds, value)


def bands(values: npt.NDArray[np.float64], bounds: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
    """``band`` over an array (NaN lands past the last band; callers mask it)."""
    import numpy as np

    return np.searchsorted(bounds, values, side="left")


def field_area_mm2(field_number_mm: float, objective: float) -> float:
    """Area of one microscope field: pi * (FN / (2 * objective magnification))^2, in mm^2."""
    if field_number_mm <= 0 or objective <= 0:
        raise ValueError("field number and objective magnification must be > 0")
    return math.pi * (field_number_mm / (2.0 * objective)) ** 2


def mitoses_per_reference_area(
    count: float,
    fields: int,
    field_area: float,
    kb: KnowledgeBase | None = None,
) -> float:
    """A mitotic count over ``fields`` fields of ``field_area`` mm^2, expressed per 5 mm^2.

    The reference area (5 mm^2, equivalent to 50 HPF of ~0.1 mm^2) comes from the knowledge
    base. Example: 10 mitoses in 50 fields of 0.2376 mm^2 (FN 22, 40x) -> 4.21 per 5 mm^2.
    """
    if count < 0:
        raise ValueError("mitotic count must be >= 0")
    if fields <= 0 or field_area <= 0:
        raise ValueError("fields counted and field area must be > 0")
    table = (kb or load_kb()).get(risk_bands.Table)
    return count * table.mitotic_count.reference_area_mm2 / (fields * field_area)


mitoses_per_5mm2 = mitoses_per_reference_area
