"""The assessment page's parts, all taken from the report's view model (``ReportData``) and
its HTML renderer: the page never words or decides clinical content of its own.

- ``summary``: the tumour-board strip (risk, genotype class, first option with its dose,
  the most severe caution, the next follow-up), each item read from ``ReportData``;
- ``report_parts``: the report's own HTML (sections, SVG plots) split into its stylesheet and
  its body, with the references list re-rendered with PMID and DOI as links (same numbers,
  same anchors, so the citation links in the text keep working).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

SEVERITY_ORDER = {"critical": 0, "alert": 0, "warning": 1, "warn": 1, "info": 2}
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_BODY = re.compile(r"<body>(.*)</body>", re.S)
_REFS = re.compile(r'<section id="references".*?</section>', re.S)


@dataclass
class SummaryItem:
    label: str
    value: str
    detail: str = ""
    flag: str = ""


@dataclass
class Summary:
    items: list[SummaryItem] = field(default_factory=list)


def _risk(data: Any) -> SummaryItem:
    risk = data.risk
    if risk is None or not risk.rows:
        return SummaryItem("Risk", data.risk_missing)
    first = risk.rows[0].cells
    others = "; ".join(f"{r.cells[0]}: {r.cells[1]}" for r in risk.rows[1:3])
    return SummaryItem("Risk", f"{first[1]}", f"{first[0]}" + (f" · {others}" if others else ""))


def _genotype(data: Any) -> SummaryItem:
    g = data.genotype
    if g is None:
        return SummaryItem("Genotype class", data.genotype_missing)
    return SummaryItem("Genotype class", g.genotype_class.replace("_", " "), g.rationale)


def _option(data: Any) -> SummaryItem:
    if not data.recommendations:
        return SummaryItem("First option", "none: see the report")
    rec = data.recommendations[0]
    dose = "; ".join(rec.regimen)
    return SummaryItem("First option", rec.title, dose, "ok")


def _caution(data: Any) -> SummaryItem:
    if not data.cautions:
        return SummaryItem("Key caution", data.cautions_missing)
    top = min(data.cautions, key=lambda c: SEVERITY_ORDER.get(c.severity, 3))
    flag = "alert" if SEVERITY_ORDER.get(top.severity, 3) == 0 else "warn"
    more = len(data.cautions) - 1
    detail = f"{top.severity}" + (f" · {more} more in the report" if more else "")
    return SummaryItem("Key caution", top.message, detail, flag)


def _followup(data: Any) -> SummaryItem:
    if not data.followup:
        return SummaryItem("Next follow-up", data.followup_missing)
    month, exam = data.followup[0].cells[:2]
    return SummaryItem("Next follow-up", exam, f"month {month}")


def summary(data: Any) -> Summary:
    """The five things a tumour board reads first, from the report's view model."""
    return Summary([_risk(data), _genotype(data), _option(data), _caution(data), _followup(data)])


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
    inner = _REFS.sub(lambda _m: str(references_html(data)), inner, count=1)
    return Markup(css), Markup(inner)
