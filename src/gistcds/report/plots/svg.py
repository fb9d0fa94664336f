"""A small SVG writer for the report's figures: a figure of fixed print size (one user unit
is one point), axes with ticks, grid and labels, lines, bands, bars, markers, text and
legends. Plain string building, no dependency: drawing the report's few figures this way
costs milliseconds, where importing matplotlib alone cost more than the whole JSON command
(issue 19 item 12; figures in docs/report.md)."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Axes", "Figure", "LegendEntry", "nice_ticks", "text_width", "tick_label"]

FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
# Average advance of DejaVu Sans per character, in em (digits 0.64, lower case about
# 0.55-0.6): enough to keep labels apart and inside the figure.
EM_REGULAR = 0.6
EM_BOLD = 0.68
Number = float | int
# Marker outlines on a unit square (scaled by half the marker size): diamond, arrow head,
# cross.
MARKERS: dict[str, list[tuple[float, float]]] = {
    "D": [(0, -1), (0.75, 0), (0, 1), (-0.75, 0)],
    ">": [(-0.8, -0.7), (0.8, 0), (-0.8, 0.7)],
    "X": [
        *[(-1, -0.6), (-0.6, -1), (0, -0.4), (0.6, -1), (1, -0.6), (0.4, 0)],
        *[(1, 0.6), (0.6, 1), (0, 0.4), (-0.6, 1), (-1, 0.6), (-0.4, 0)],
    ],
}


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated width in points of ``text`` at ``size`` points."""
    return len(text) * size * (EM_BOLD if bold else EM_REGULAR)


def nice_ticks(lo: float, hi: float, most: int = 7) -> list[float]:
    """Round tick positions (1, 2, 2.5 or 5 times a power of ten) covering [lo, hi]."""
    span = hi - lo
    if span <= 0:
        return [lo]
    mag = 10 ** math.floor(math.log10(span / most))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10, 20) if span / (m * mag) <= most)
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [round(k * step, 10) for k in range(first, last + 1)]


def tick_label(value: float) -> str:
    """``20``, ``0.5``, ``−30`` (a typographic minus, as the report's text uses)."""
    text = f"{value:g}"
    return text.replace("-", "−") if value < 0 else text


def _n(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _pts(xs: Sequence[float], ys: Sequence[float]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in zip(xs, ys, strict=True))


def _paint(fill: str | None, stroke: str | None, width: float, dash: str | None) -> str:
    out = f' fill="{fill or "none"}"'
    if stroke:
        out += f' stroke="{stroke}" stroke-width="{_n(width)}"'
        if dash:
            out += f' stroke-dasharray="{dash}"'
    return out


@dataclass
class LegendEntry:
    label: str
    colour: str
    kind: str = "line"  # line | patch | marker symbol (see Figure.marker)
    width: float = 1.5
    dash: str | None = None


@dataclass
class Figure:
    """A figure of ``width`` x ``height`` inches; elements are appended in drawing order."""

    width: float
    height: float
    parts: list[str] = field(default_factory=list)
    clips: int = 0

    @property
    def w(self) -> float:
        return self.width * 72

    @property
    def h(self) -> float:
        return self.height * 72

    def line(
        self,
        xs: Sequence[float],
        ys: Sequence[float],
        colour: str,
        width: float = 1.0,
        dash: str | None = None,
        opacity: float | None = None,
    ) -> None:
        extra = f' stroke-opacity="{opacity}"' if opacity is not None else ""
        self.parts.append(
            f'<polyline points="{_pts(xs, ys)}"{_paint(None, colour, width, dash)}'
            f' stroke-linejoin="round"{extra}/>'
        )

    def segments(
        self, segs: Sequence[tuple[float, float, float, float]], colour: str, width: float
    ) -> None:
        """Straight segments (x0, y0, x1, y1) of one colour as one path: grid lines and tick
        marks are one element each, not one per line (WeasyPrint draws per element)."""
        if segs:
            d = "".join(f"M{_n(a)} {_n(b)}L{_n(c)} {_n(e)}" for a, b, c, e in segs)
            self.parts.append(f'<path d="{d}"{_paint(None, colour, width, None)}/>')

    def polygon(self, xs: Sequence[float], ys: Sequence[float], fill: str, opacity: float) -> None:
        self.parts.append(
            f'<polygon points="{_pts(xs, ys)}" fill="{fill}" fill-opacity="{opacity}"/>'
        )

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        fill: str,
        stroke: str | None = None,
        width: float = 0.5,
        opacity: float | None = None,
    ) -> None:
        extra = f' fill-opacity="{opacity}"' if opacity is not None else ""
        self.parts.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}"'
            f"{_paint(fill, stroke, width, None)}{extra}/>"
        )

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        colour: str,
        anchor: str = "start",
        valign: str = "baseline",
        bold: bool = False,
        rotate: bool = False,
    ) -> None:
        """``text`` at (x, y); ``valign`` middle/top/bottom moves the baseline (SVG's
        dominant-baseline is not drawn alike everywhere)."""
        shift = {"middle": 0.36, "top": 0.76, "bottom": -0.24, "baseline": 0.0}[valign] * size
        if rotate:
            x, y = x + shift, y
            turn = f' transform="rotate(-90 {_n(x)} {_n(y)})"'
        else:
            y, turn = y + shift, ""
        weight = ' font-weight="bold"' if bold else ""
        anchor_attr = f' text-anchor="{anchor}"' if anchor != "start" else ""
        self.parts.append(
            f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}px" fill="{colour}"'
            f"{anchor_attr}{weight}{turn}>{html.escape(text, quote=False)}</text>"
        )

    def marker(
        self, x: float, y: float, kind: str, size: float, colour: str, edge: str | None = None
    ) -> None:
        """A marker of ``size`` points: o (disc), D (diamond), X (cross), > (arrow head),
        | (tick)."""
        r = size / 2
        paint = _paint(colour, edge, 0.6, None)
        if kind == "o":
            self.parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}"{paint}/>')
        elif kind == "|":
            self.line([x, x], [y - r, y + r], colour, 1.2)
        else:
            shapes = MARKERS[kind]
            pts = _pts([x + r * a for a, _ in shapes], [y + r * b for _, b in shapes])
            self.parts.append(f'<polygon points="{pts}"{paint}/>')

    def legend(self, entries: Sequence[LegendEntry], cx: float, top: float, ncol: int) -> float:
        """Entries in ``ncol`` columns centred on ``cx`` from ``top``; returns the bottom."""
        size, sample, row_h = 8.0, 18.0, 12.0
        col_w = max(sample + 5 + text_width(e.label, size) for e in entries) + 12
        ncol = max(1, min(ncol, len(entries)))
        left = cx - ncol * col_w / 2 + 6
        for i, e in enumerate(entries):
            x, y = left + (i % ncol) * col_w, top + (i // ncol) * row_h + row_h / 2
            if e.kind == "line":
                self.line([x, x + sample], [y, y], e.colour, e.width, e.dash)
            elif e.kind == "patch":
                self.rect(x + 3, y - 4, sample - 6, 8, e.colour)
            else:
                self.marker(x + sample / 2, y, e.kind, 7, e.colour)
            self.text(x + sample + 5, y, e.label, size, "#1f2933", valign="middle")
        return top + math.ceil(len(entries) / ncol) * row_h

    def clip(self, x: float, y: float, w: float, h: float) -> str:
        self.clips += 1
        cid = f"clip{self.clips}"
        self.parts.append(
            f'<clipPath id="{cid}"><rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}"'
            f' height="{_n(h)}"/></clipPath>'
        )
        return cid

    def document(self) -> str:
        """The figure as an SVG document (width and height in points)."""
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(self.w)}pt"'
            f' height="{_n(self.h)}pt" viewBox="0 0 {_n(self.w)} {_n(self.h)}" version="1.1">'
            f'<g font-family="{FONT}" stroke-linecap="butt">' + "".join(self.parts) + "</g></svg>"
        )


@dataclass
class Axes:
    """A plotting area of ``fig`` (box in points from the figure's top left) with data
    limits; ``x``/``y`` map data to points."""

    fig: Figure
    left: float
    top: float
    width: float
    height: float
    xlim: tuple[float, float]
    ylim: tuple[float, float]

    def x(self, v: float) -> float:
        lo, hi = self.xlim
        return self.left + (v - lo) / ((hi - lo) or 1.0) * self.width

    def y(self, v: float) -> float:
        lo, hi = self.ylim
        return self.top + self.height - (v - lo) / ((hi - lo) or 1.0) * self.height

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def right(self) -> float:
        return self.left + self.width

    def begin_clip(self) -> None:
        cid = self.fig.clip(self.left, self.top - 1, self.width, self.height + 2)
        self.fig.parts.append(f'<g clip-path="url(#{cid})">')

    def end_clip(self) -> None:
        self.fig.parts.append("</g>")

    def plot(
        self,
        xs: Sequence[Number],
        ys: Sequence[Number],
        colour: str,
        width: float = 1.0,
        dash: str | None = None,
        opacity: float | None = None,
    ) -> None:
        self.fig.line(
            [self.x(v) for v in xs], [self.y(v) for v in ys], colour, width, dash, opacity
        )

    def band(
        self,
        xs: Sequence[float],
        lo: Sequence[float],
        hi: Sequence[float],
        fill: str,
        opacity: float,
    ) -> None:
        px = [self.x(v) for v in xs]
        self.fig.polygon(
            px + px[::-1], [self.y(v) for v in hi] + [self.y(v) for v in lo][::-1], fill, opacity
        )

    def hline(self, v: float, colour: str, width: float = 1.0, dash: str | None = None) -> None:
        self.fig.line([self.left, self.right], [self.y(v), self.y(v)], colour, width, dash)

    def grid(self, axis: str, ticks: Sequence[float], colour: str) -> None:
        if axis == "x":
            segs = [(self.x(t), self.top, self.x(t), self.bottom) for t in ticks]
        else:
            segs = [(self.left, self.y(t), self.right, self.y(t)) for t in ticks]
        self.fig.segments(segs, colour, 0.5)

    def xticks(self, ticks: Sequence[float], labels: Sequence[str], ink: str, size: float) -> None:
        b = self.bottom
        self.fig.segments([(self.x(t), b, self.x(t), b + 3.5) for t in ticks], ink, 0.8)
        for t, lab in zip(ticks, labels, strict=True):
            self.fig.text(self.x(t), b + 5, lab, size, ink, "middle", "top")

    def yticks(
        self,
        ticks: Sequence[float],
        labels: Sequence[str],
        ink: str,
        size: float,
        mark: bool = True,
    ) -> None:
        if mark:
            segs = [(self.left - 3.5, self.y(t), self.left, self.y(t)) for t in ticks]
            self.fig.segments(segs, ink, 0.8)
        for t, lab in zip(ticks, labels, strict=True):
            self.fig.text(
                self.left - (5 if mark else 3), self.y(t), lab, size, ink, "end", "middle"
            )

    def spines(self, ink: str, left: bool = True) -> None:
        self.fig.line([self.left, self.right], [self.bottom, self.bottom], ink, 0.8)
        if left:
            self.fig.line([self.left, self.left], [self.top, self.bottom], ink, 0.8)

    def labels(
        self, title: str, xlabel: str, ylabel: str, ink: str, size: float, pad: float = 6
    ) -> None:
        """Title above, x label below the tick labels, y label turned at the figure's left."""
        if title:
            self.fig.text(
                self.left + self.width / 2,
                self.top - pad,
                title,
                size + 1.5,
                ink,
                "middle",
                bold=True,
            )
        if xlabel:
            self.fig.text(
                self.left + self.width / 2,
                self.bottom + 7 + size * 1.25,
                xlabel,
                size + 1,
                ink,
                "middle",
                "top",
            )
        if ylabel:
            self.fig.text(
                4, self.top + self.height / 2, ylabel, size + 1, ink, "middle", "top", rotate=True
            )
