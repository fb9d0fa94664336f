"""Words and numbers as the report prints them: labels, percentages, dates, and the
plain-language pass that keeps identifiers out of clinical text (issue 19 item 2).

Nothing here is clinical: it maps the contract's vocabularies (genotype classes, regions)
to the names clinicians use, writes units one way, and does calendar arithmetic.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from gistcds.domain.calendar import add_months  # one calendar for the report and the outputs

__all__ = [
    "GENOTYPE_NAMES",
    "NOT_APPLICABLE",
    "NOT_ASSESSED",
    "RECORD_NAMES",
    "REGION_NAMES",
    "add_months",
    "label",
    "month_text",
    "pct",
    "plain",
    "prob",
]

NOT_ASSESSED = "not assessed"
NOT_APPLICABLE = "not applicable"

# The contract's genotype classes (domain.results.genotype.GenotypeClass), as printed.
GENOTYPE_NAMES: dict[str, str] = {
    "KIT_exon9": "KIT exon 9",
    "KIT_exon11": "KIT exon 11",
    "KIT_exon13": "KIT exon 13",
    "KIT_exon17": "KIT exon 17",
    "KIT_other": "KIT, other",
    "PDGFRA_D842V": "PDGFRA D842V",
    "PDGFRA_exon18_other": "PDGFRA exon 18 (not D842V)",
    "PDGFRA_non_D842V": "PDGFRA other than D842V",
    "PDGFRA_exon12": "PDGFRA exon 12",
    "PDGFRA_exon14": "PDGFRA exon 14",
    "PDGFRA_other": "PDGFRA, other",
    "SDH_deficient": "SDH-deficient",
    "NF1": "NF1",
    "BRAF_V600E": "BRAF V600E",
    "NTRK_fusion": "NTRK fusion",
    "quadruple_wild_type": "quadruple wild-type",
    "not_tested": "not tested",
    "unclassified": "unclassified",
}
# Secondary-mutation regions (domain.results.genotype.SecondaryRegion).
REGION_NAMES: dict[str, str] = {
    "KIT_ATP_pocket": "KIT ATP-binding pocket",
    "KIT_activation_loop": "KIT activation loop",
}

# Patient-record vocabularies with more than one word (domain.patient.Site, VariantSource),
# which engine prose may quote as supplied.
RECORD_NAMES: dict[str, str] = {
    "jejunum_ileum": "jejunum/ileum",
    "small_intestine": "small intestine",
    "ctdna": "ctDNA",
    # a risk category quoted by the risk engines' rationales ("... -> very_low")
    "very_low": "very low",
}

_NAMES = {**GENOTYPE_NAMES, **REGION_NAMES, **RECORD_NAMES}
_TOKEN = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _NAMES), key=len, reverse=True)) + r")\b"
)
# "(see genotype.sensitivity)": a pointer into the JSON; the report has a section for it
_JSON_POINTER = re.compile(r"\(?\bsee ([a-z]+)(?:\.[a-z_]+)+\)?", re.IGNORECASE)
# "See docs/prognosis.md." / "(see docs/prognosis.md)": the repository's docs are not in a report
_DOCS = re.compile(r"\s*(?:\(see docs/[\w.-]+?\)|See docs/[\w.-]+?\.(?=\s|$))", re.IGNORECASE)
_UNITS = [
    (re.compile(r"(?<=\d) ?mm2\b"), " mm²"),
    (re.compile(r" ?/5 mm²"), " per 5 mm²"),
    (re.compile(r"\s?[x×] ?10\^?9 ?/ ?L\b"), " ×10⁹/L"),
    (re.compile(r"\s?[x×] ?10e9 ?/ ?L\b"), " ×10⁹/L"),
    (re.compile(r"et al\.\."), "et al."),
    (re.compile(r" -> "), " → "),
]


# "adverse_events[1]" / "therapy_lines[0]": a record path in a warning -> "adverse event 2"
_RECORD_PATH = re.compile(r"\b(adverse_events|therapy_lines|imaging)\[(\d+)\]")
_RECORD_ITEM = {"adverse_events": "adverse event", "therapy_lines": "therapy line"}


def _record_item(m: re.Match[str]) -> str:
    return f"{_RECORD_ITEM.get(m.group(1), m.group(1))} {int(m.group(2)) + 1}"


def _pointer(m: re.Match[str]) -> str:
    text = f"see the {m.group(1).lower()} section"
    return f"({text})" if m.group(0).startswith("(") else text


def plain(text: str) -> str:
    """Clinical text without identifiers: genotype classes and regions by their names,
    no pointers into the JSON or the repository's docs, one unit style."""
    if not text:
        return text
    out = _TOKEN.sub(lambda m: _NAMES[m.group(1)], text)
    out = _JSON_POINTER.sub(_pointer, out)
    out = _RECORD_PATH.sub(_record_item, out)
    out = _DOCS.sub("", out)
    for rx, repl in _UNITS:
        out = rx.sub(repl, out)
    return out


def label(value: Any) -> str:
    """Human text for an enum-ish value: ``very_low`` -> ``very low``; None -> em dash."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    text = str(getattr(value, "value", value))
    return _NAMES.get(text) or text.replace("_", " ")


def pct(value: float | None, signed: bool = True) -> str:
    if value is None:
        return "—"
    return f"{value:+.1f} %" if signed else f"{value:.1f} %"


def prob(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


def month_text(day: dt.date) -> str:
    """``2028-03``: a date to the month, for the end of a series."""
    return f"{day.year:04d}-{day.month:02d}"
