"""The numbers of one survival estimate (point curve, band, landmarks, median), kept.

A band is a pure function of the arm's fitted curve, the sides of its median's se, the
applied hazard ratios and the seed key (and of the code: this module, ``band_draws``,
``curves``, ``evidence`` and numpy). It is memoised in the process and, under the
knowledge base's cache key, on disk (``gistcds.knowledge.results``): a later process that
needs a band already drawn reads it and imports neither numpy nor the Monte Carlo code.
The draws themselves are in ``band_draws`` (see there for the method).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from gistcds.knowledge.results import remembered
from gistcds.prognosis.curves import Curve

__all__ = ["DRAWS", "HORIZON_MONTHS", "LANDMARK_MONTHS", "SEED", "STEP_MONTHS", "Band", "band"]

# Presentation and Monte Carlo settings (method, not clinical numbers).
HORIZON_MONTHS = 120
STEP_MONTHS = 1.0
DRAWS = 400
SEED = 20261126
LANDMARK_MONTHS = (12.0, 24.0, 60.0)
_BAND_CACHE = 256  # distinct (arm, hazard ratios) bands kept; about 25 kB each, 6 MB at most
# the code a stored band depends on (the arguments carry the rest)
_CODE = (
    "gistcds.prognosis.band",
    "gistcds.prognosis.band_draws",
    "gistcds.prognosis.curves",
    "gistcds.prognosis.evidence",
    "numpy",
)


@dataclass(frozen=True)
class Band:
    """The numbers of one estimate (patients who share an arm and the same hazard ratios
    share these figures)."""

    point: tuple[tuple[float, float], ...]  # (month, survival rounded) every STEP_MONTHS
    lower: tuple[tuple[float, float], ...]
    upper: tuple[tuple[float, float], ...]
    lm_point: tuple[float, ...]
    lm_lower: tuple[float, ...]
    lm_upper: tuple[float, ...]
    median: float
    median_lower: float
    median_upper: float


@lru_cache(maxsize=_BAND_CACHE)
def band(
    curve: Curve,
    se_sides: tuple[float, float],
    hrs: tuple[tuple[float, float], ...],
    key: str,
    kb_key: str = "",
) -> Band:
    """The band of ``curve`` under ``hrs`` (hazard ratio, se of its log), drawn with the
    seed ``key``; stored on disk under ``kb_key`` (the knowledge base's cache key; "" keeps
    it in this process only)."""

    def draw() -> Band:
        from gistcds.prognosis.band_draws import draw_band

        return draw_band(curve, se_sides, hrs, key)

    return remembered(kb_key, "band", (curve, se_sides, hrs, key), draw, Band, _CODE)
