"""The report's figures as inline SVG, written directly (``svg``: no plotting library).

Each function returns an accessible ``<svg>`` element string (``role="img"`` with a
``<title>`` and ``<desc>``) or None when there is nothing to draw. The plots show what
the engines returned; threshold lines come from the knowledge base through the view
model. One module per figure family: ``response`` (spider, waterfall, density),
``outcomes`` (survival, sequence), ``timeline`` (swimmer); ``base`` holds the style,
``svg`` the drawing primitives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gistcds.report.plots.base import GRID, INK, PALETTE
from gistcds.report.plots.outcomes import sequence, survival
from gistcds.report.plots.response import density, lesion_trajectories, spider, waterfall
from gistcds.report.plots.timeline import swimmer

if TYPE_CHECKING:
    from gistcds.report.views import ReportData

__all__ = [
    "GRID",
    "INK",
    "PALETTE",
    "all_plots",
    "density",
    "lesion_trajectories",
    "sequence",
    "spider",
    "survival",
    "swimmer",
    "waterfall",
]


def all_plots(data: ReportData) -> dict[str, str | None]:
    """Every figure the HTML/PDF report shows, by name."""
    return {
        "spider": spider(data),
        "waterfall": waterfall(data),
        "density": density(data),
        "survival": survival(data),
        "sequence": sequence(data),
        "swimmer": swimmer(data),
    }
