"""The assessment page's parts, all taken from the report's view model (``ReportData``) and
its HTML renderer: the page never words or decides clinical content of its own.

- ``summary``: the tumour-board strip, the report's own Summary section as tiles (risk,
  genotype class, first option with its dose, the cautions that matter, response, next
  follow-up), with the same citation numbers;
- ``report_parts``: the report's own HTML (sections, SVG plots) split into its stylesheet and
  its body, without its Summary section (the strip shows it, once), with the references list
  re-rendered with PMID and DOI as links (same numbers, same anchors, so the citation links
  in the text keep working).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_BODY = re.compile(r"<body>(.*)</body>", re.S)
_REFS = re.compile(r'<section id="references".*?</section>', re.S)
_SUMMARY = re.compile(r'<section id="summary".*?</section>\s*', re.S)


@dataclass
class SummaryItem:
    label: str
    value: str
    detail: str = ""
    flag: str = ""
    refs: list[int] = field(default_factory=list)


@dataclass
class Summary:
    items: list[SummaryItem] = field(default_factory=list)


# The report's summary topics, as the strip's tiles (in the report's order).
TILE_LABELS = {
    "Risk": "Risk",
    "Genotype": "Genotype class",
    "First option": "First option",
    "Caution": "Key caution",
    "Response": "Response",
    "Next follow-up": "Next follow-up",
}
_FLAGS = {"alert": "alert", "critical": "alert", "warning": "warn", "warn": "warn"}


def summary(data: Any) -> Summary:
    """The report's own summary (``ReportData.summary``) as tiles: one per topic, its first
    line as the value and the others as detail; nothing is worded or chosen here."""
    tiles: dict[str, SummaryItem] = {}
    rest: dict[str, list[str]] = {}
    for line in data.summary:
        label = TILE_LABELS.get(line.topic, line.topic)
        if label not in tiles:
            tiles[label] = SummaryItem(label, line.text, flag=_FLAGS.get(line.flag, ""))
            rest[label] = []
        else:
            rest[label].append(line.text)
        tiles[label].refs += [n for n in line.refs if n not in tiles[label].refs]
    for label, item in tiles.items():
        item.detail = " · ".join(rest[label])
    return Summary(list(tiles.values()))


def _link(kind: str, value: str) -> Markup:
    if kind == "PMID":
        url = f"https://pubmed.ncbi.nlm.nih.gov/{value}/"
    elif kind == "DOI":
        url = f"https://doi.org/{value}"
    else:
        return Markup('<span class="rid">{} {}</span>').format(kind, value)
    return Markup(
        '<a class="rid" href="{}" rel="noopener noreferrer" target="_blank">{} {}</a>'
    ).format(url, kind, value)


def references_html(data: Any) -> Markup:
    """The report's references (same numbers and anchors) with PMID and DOI as links."""
    items = []
    for ref in data.references:
        links = Markup(" ").join(_link(k, v) for k, v in ref.identifiers)
        items.append(
            Markup('<li id="ref-{}" data-source-id="{}">{} {}</li>').format(
                ref.number, ref.source_id, ref.text, links
            )
        )
    body = Markup("").join(items) if items else Markup("<li>No source cited.</li>")
    return Markup(
        '<section id="references" aria-labelledby="references-h">'
        '<h2 id="references-h">References</h2><ol class="refs">{}</ol></section>'
    ).format(body)


def report_parts(html: str, data: Any) -> tuple[Markup, Markup]:
    """(stylesheet, body) of the report's HTML, references linked."""
    style = _STYLE.search(html)
    body = _BODY.search(html)
    css = style.group(1) if style else ""
    inner = body.group(1) if body else str(escape(html))
    inner = _SUMMARY.sub("", inner, count=1)
    inner = _REFS.sub(lambda _m: str(references_html(data)), inner, count=1)
    return Markup(css), Markup(inner)
