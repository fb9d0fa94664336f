"""Style and serialisation shared by every figure: palette, sizes, accessible SVG."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re

from gistcds.domain.calendar import months_between
from gistcds.report.plots.svg import Figure

__all__ = [
    "FIG_FULL",
    "FIG_HALF",
    "GRID",
    "INK",
    "PALETTE",
    "RESPONSE_COLOURS",
    "SETTING_COLOURS",
    "TEXT_PT",
    "months",
    "spread",
    "svg_element",
    "to_svg",
]

# Colour-blind-safe palette (Okabe-Ito), one meaning per colour across the report.
INK = "#1f2933"
GRID = "#d9dee3"
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
RESPONSE_COLOURS = {
    "CR": "#009E73",
    "PR": "#56B4E9",
    "SD": "#999999",
    "PD": "#D55E00",
    "NE": "#E69F00",
}
# Sizes in inches at print size (A4, 182 mm text width): a half-width figure sits two to a
# row, so no text is scaled below TEXT_PT on paper.
FIG_HALF = (3.5, 2.7)
FIG_FULL = (7.0, 2.9)
TEXT_PT = 8
SETTING_COLOURS = {"adjuvant": "#56B4E9", "neoadjuvant": "#009E73", "metastatic": "#0072B2"}


def to_svg(fig: Figure, name: str, title: str, desc: str) -> str:
    """A drawn figure as an inline, accessible <svg> element."""
    return svg_element(fig.document(), name, title, desc)


def svg_element(document: str, name: str, title: str, desc: str) -> str:
    """An SVG document (the report's own, or matplotlib's in the cohort report) as an
    inline, accessible <svg> element: ids prefixed with ``name``, a title and a
    description for screen readers."""
    svg = document[document.index("<svg") :]
    # matplotlib's RDF block names its web site; the report carries no URL but namespaces.
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    # Ids from different figures must not collide inside one HTML page.
    svg = re.sub(r'id="([^"]+)"', rf'id="{name}-\1"', svg)
    svg = re.sub(r'(xlink:href|href)="#([^"]+)"', rf'\1="#{name}-\2"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{name}-\1)", svg)
    t_id, d_id = f"{name}-title", f"{name}-desc"
    head = (
        f'<svg role="img" aria-labelledby="{t_id} {d_id}" class="plot" '
        f'preserveAspectRatio="xMidYMid meet"'
    )
    svg = svg.replace("<svg", head, 1)
    close = svg.index(">", svg.index("<svg")) + 1
    svg = (
        svg[:close]
        + f'<title id="{t_id}">{html.escape(title)}</title>'
        + f'<desc id="{d_id}">{html.escape(desc)}</desc>'
        + svg[close:]
    )
    # width/height in pt fix the size on paper; CSS scales it down on narrow screens.
    return svg.strip()


def months(d0: dt.date, d: dt.date) -> float:
    return months_between(d0, d)


def spread(values: list[float], gap: float) -> list[float]:
    """Positions for labels at ``values`` moved apart to at least ``gap`` (same order)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = list(values)
    for prev, cur in itertools.pairwise(order):
        if out[cur] - out[prev] < gap:
            out[cur] = out[prev] + gap
    return out
