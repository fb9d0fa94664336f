"""Plain clinical language in every rendering (issue 19 item 2): no identifiers leak into
the clinical text of the terminal or HTML report.

Every example patient and every shared clinical case is assessed and rendered as text and
HTML; the visible text (HTML: without tags, attributes, styles and figure markup) must not
contain a snake_case token (``very_low``, ``codon_level_result``), an internal rule or arm
id, a pointer into the JSON (``see genotype.sensitivity``) or into the repository's docs.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from html.parser import HTMLParser

import pytest
from rich.console import Console

from conftest import EXAMPLES, SHARED_CASES, TODAY
from gistcds.io.patient_json import validation_context

GENERATED = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)

SNAKE = re.compile(r"\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+\b")
DOTTED_FIELD = re.compile(r"\bsee [a-z_]+\.[a-z_]+", re.IGNORECASE)
DOCS = re.compile(r"\bdocs/[\w.-]+", re.IGNORECASE)
RULE_ID = re.compile(r"\b(?:(?:FU|FP|TX|PR|GX|RK)-[A-Z0-9-]+|[A-Z]{2}-\d{2}[A-Z0-9-]*)\b")
DOUBLE_DOT = re.compile(r"et al\.\.")
QUOTED_SOURCE_ID = re.compile(r"\[[a-z][a-z-]*\d{4}[a-z0-9]*\]")  # [heinrich2008]
DOUBLED_WORD = re.compile(r"\b(?P<w>[A-Za-z]{3,}) (?P=w)\b")  # "status status"
UNITS = re.compile(r"\d ?mm2\b|10\^9|10e9|/5 ?mm")  # one unit style: mm², ×10⁹/L, "per 5 mm²"


def _cases() -> list[tuple[str, dict[str, object]]]:
    out = [
        (p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(EXAMPLES.glob("*.json"))
    ]
    if SHARED_CASES.is_dir():
        for p in sorted(SHARED_CASES.glob("*.json")):
            doc = json.loads(p.read_text(encoding="utf-8"))
            if isinstance(doc, dict) and isinstance(doc.get("patient"), dict):
                out.append((f"shared-{p.stem}", doc["patient"]))
    return out


def _input_cautions() -> tuple[str, dict[str, object]]:
    """A record whose cautions quote the record itself: an unknown drug name and a dose
    above the label maximum (the cautions name the line in words, not its JSON path)."""
    doc = json.loads((EXAMPLES / "progression-after-imatinib.json").read_text(encoding="utf-8"))
    lines = doc["therapy_lines"]
    assert isinstance(lines, list)
    lines[0] = {**lines[0], "dose_mg_per_day": 1000}
    lines.append({"drug": "foo-tinib", "setting": "metastatic", "start": "2025-09-01"})
    return ("input-cautions", doc)


def _breastfeeding() -> tuple[str, dict[str, object]]:
    """A breastfeeding patient: every proposed TKI carries its label's breast-feeding advice
    (option titles and cautions), which must read as plain text too."""
    doc = json.loads((EXAMPLES / "progression-after-imatinib.json").read_text(encoding="utf-8"))
    return ("breastfeeding", {**doc, "sex": "female", "breastfeeding": True})


def _part7() -> list[tuple[str, dict[str, object]]]:
    """Review part 7: a line under way (where the published data end), CTs taken
    before the line started (pre-treatment warning), and a resected SDH-deficient GIST in a
    child (follow-up not set by the adult risk group)."""
    doc = json.loads((EXAMPLES / "metastatic-kit11-untreated.json").read_text(encoding="utf-8"))
    imaging = doc["imaging"]
    assert isinstance(imaging, list) and imaging
    first = imaging[0]
    assert isinstance(first, dict)
    long_line = {
        **doc,
        "therapy_lines": [
            {
                "drug": "imatinib",
                "dose_mg_per_day": 400,
                "setting": "metastatic",
                "start": "2025-03-20",
            }
        ],
    }
    pre_ct = {
        **doc,
        "imaging": [first, {**first, "date": "2025-04-01"}],
        "therapy_lines": [
            {
                "drug": "imatinib",
                "dose_mg_per_day": 400,
                "setting": "metastatic",
                "start": "2025-06-01",
            }
        ],
    }
    child = {
        "schema_version": "1",
        "id": "child-sdh",
        "age_years": 12,
        "sex": "female",
        "molecular": {"tested_genes": ["KIT", "PDGFRA"], "variants": [], "sdhb_ihc": "lost"},
        "primary": {
            "site": "stomach",
            "size_cm": 1.5,
            "mitoses": {"count": 2, "per": "5mm2"},
            "rupture": False,
            "resection": "R0",
            "resection_date": "2026-08-01",
        },
    }
    return [("long-line", long_line), ("ct-before-line", pre_ct), ("child-sdh", child)]


def _part8() -> list[tuple[str, dict[str, object]]]:
    """Review part 8: the side-effect and interaction cautions and warnings (a grade 5 event,
    the label stopping the current drug, an event on a drug no line records, one episode
    recorded twice, a CYP3A4 inducer with an inhibitor, a comedication not in the table)."""
    doc = json.loads((EXAMPLES / "regorafenib-hand-foot.json").read_text(encoding="utf-8"))
    hfs = {
        "term": "Palmar-plantar erythrodysesthesia syndrome",
        "grade": 3,
        "drug": "regorafenib",
        "onset": "2026-10-01",
        "resolved": None,
    }
    lines = doc["therapy_lines"]
    assert isinstance(lines, list) and isinstance(lines[-1], dict)
    low = [*lines[:-1], {**lines[-1], "dose_mg_per_day": 80}]
    stop = {**doc, "therapy_lines": low, "adverse_events": [{**hfs, "recurrence": 3}]}
    odd = {
        **doc,
        "adverse_events": [
            {**hfs, "grade": 5},
            {**hfs, "term": "Diarrhea", "drug": "ripretinib"},
            {**hfs, "term": "Hypertension", "onset": "2026-10-02"},
            {**hfs, "term": "Hypertension", "onset": "2026-10-05"},
        ],
        "comedications": ["Tegretol", "Sporanox", "Nizoral 200 mg"],
    }
    return [("label-stop", stop), ("odd-events", odd)]


CASES = [*_cases(), _input_cautions(), _breastfeeding(), *_part7(), *_part8()]


class _Visible(HTMLParser):
    """The text a reader sees: no tags, attributes, <style>, <title> of the page, or SVG
    internals other than its text elements."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    p = _Visible()
    p.feed(html)
    # a separator between text nodes, so that two figure labels side by side (a title ending
    # "55.9 months" and the axis label "months on the line") do not read as a doubled word
    return " | ".join(p.parts)


HGVS = re.compile(r"^[A-Z][a-z]{0,2}\d+_[A-Z][a-z]{0,2}\d+[A-Za-z0-9]*$|^\d+_\d+[a-z]+")


def leaks(text: str) -> list[str]:
    """Identifiers in ``text``; HGVS ranges (``Trp557_Lys558del``) are clinical notation."""
    found = [t for t in SNAKE.findall(text) if not HGVS.match(t)]
    for rx in (DOTTED_FIELD, DOCS, RULE_ID, DOUBLE_DOT, UNITS, QUOTED_SOURCE_ID):
        found += rx.findall(text)
    found += [m.group(0) for m in DOUBLED_WORD.finditer(text)]
    return sorted(set(found))


def _render(doc: dict[str, object]) -> tuple[str, str]:
    from gistcds.assess import assess
    from gistcds.domain.patient import Patient
    from gistcds.knowledge import load_kb
    from gistcds.report.html import render_html
    from gistcds.report.model import build_report
    from gistcds.report.text import render_text

    kb = load_kb()
    patient = Patient.model_validate(doc, context=validation_context(doc, TODAY))
    data = build_report(assess(patient, kb), kb, GENERATED)
    console = Console(width=100, file=io.StringIO(), color_system=None, record=True)
    render_text(data, console)
    return console.export_text(), visible_text(render_html(data))


@pytest.mark.parametrize("name,doc", CASES, ids=[c[0] for c in CASES])
def test_no_identifier_in_clinical_text(name: str, doc: dict[str, object]) -> None:
    try:
        text, html = _render(doc)
    except Exception as exc:  # an invalid shared case (e.g. invalid-size) is not rendered
        from pydantic import ValidationError

        from gistcds.errors import InputError

        if isinstance(exc, InputError | ValidationError):
            pytest.skip(f"{name}: invalid input by design")
        raise
    assert leaks(text) == [], f"{name} (terminal)"
    assert leaks(html) == [], f"{name} (HTML)"


def _card_texts(doc: dict[str, object]) -> str:
    from gistcds.assess import assess
    from gistcds.cdshooks.cards import deterministic_uuid, patient_view_cards
    from gistcds.domain.patient import Patient

    patient = Patient.model_validate(doc, context=validation_context(doc, TODAY))
    cards = patient_view_cards(assess(patient), "Patient/x", deterministic_uuid("t"), today=TODAY)
    texts = [c["summary"] + "\n" + c["detail"] for c in cards]
    texts += [s["label"] for c in cards for s in c.get("suggestions", [])]
    return "\n".join(texts)


@pytest.mark.parametrize("name,doc", CASES, ids=[c[0] for c in CASES])
def test_no_identifier_in_cds_cards(name: str, doc: dict[str, object]) -> None:
    """The CDS Hooks cards are clinical text too: same plain names as the report."""
    from pydantic import ValidationError

    from gistcds.errors import InputError

    try:
        text = _card_texts(doc)
    except (InputError, ValidationError):
        pytest.skip(f"{name}: invalid input by design")
    assert leaks(text) == [], name


def test_the_scanner_finds_what_it_should() -> None:
    sample = (
        "very_low; see genotype.sensitivity; See docs/prognosis.md; FU-03-04; et al..; (MF-01); "
        "12 mitoses/5 mm2; p.Trp557_Lys558del; median 60 months [heinrich2008]; "
        "registry status status not found"
    )
    assert leaks(sample) == sorted(
        {
            "very_low",
            "see genotype.sensitivity",
            "docs/prognosis.md",
            "FU-03-04",
            "MF-01",
            "et al..",
            "/5 mm",
            "[heinrich2008]",
            "status status",
        }
    )


def test_plain_rewrites_identifiers_and_units() -> None:
    from gistcds.report.format import plain

    text = (
        "No PFS evidence specific to KIT_exon11 (see genotype.sensitivity). See docs/prognosis.md. "
        "Acquired in KIT_ATP_pocket; 12 mitoses/5 mm2; neutrophils 1.2 x10^9/L; Smith J, et al.."
    )
    assert plain(text) == (
        "No PFS evidence specific to KIT exon 11 (see the genotype section). "
        "Acquired in KIT ATP-binding pocket; 12 mitoses per 5 mm²; neutrophils 1.2 ×10⁹/L; "
        "Smith J, et al."
    )
    assert leaks(plain(text)) == []


def test_every_record_site_has_a_plain_name() -> None:
    """Engine prose may quote the patient's own values: every multi-word site reads as words."""
    from gistcds.domain.patient import Site
    from gistcds.report.format import label, plain

    for site in Site:
        assert leaks(plain(f"primary site {site.value}")) == [], site
        assert "_" not in label(site)


def test_every_genotype_class_has_a_plain_name() -> None:
    from gistcds.domain.results.genotype import GENOTYPE_CLASSES
    from gistcds.report.format import GENOTYPE_NAMES

    assert set(GENOTYPE_NAMES) >= GENOTYPE_CLASSES
    assert all("_" not in name for name in GENOTYPE_NAMES.values())


def test_source_ids_quoted_in_prose_become_citation_numbers(kb) -> None:  # type: ignore[no-untyped-def]
    from gistcds.report.citations import Citations

    cites = Citations(kb)
    first = cites.cite(["casali2022"])
    text = cites.mark("median 60 months [heinrich2008]; see [not-a-source]")
    assert text == f"median 60 months [{first[0] + 1}]; see [not-a-source]"
    assert [r.source_id for r in cites.references] == ["casali2022", "heinrich2008"]


def test_a_threshold_per_area_reads_without_a_double_space() -> None:
    """The risk engine's "(> 10 /5 mm2)" once read "(> 10  per 5 mm²)"."""
    from gistcds.report.format import plain

    assert plain("12 mitoses/5 mm2 (> 10 /5 mm2)") == "12 mitoses per 5 mm² (> 10 per 5 mm²)"


def test_label_advice_reads_as_advice_to_the_patient() -> None:
    """A breast-feeding label row is the label's advice to the patient, not a verdict on the
    drug: "sunitinib, label advice: do not breast-feed ...", never "sunitinib: advice. do"."""
    text, html = _render(_breastfeeding()[1])
    for rendered in (text, html):
        flat = " ".join(rendered.replace("|", " ").split())
        assert "sunitinib, label advice: do not breast-feed" in flat
        assert ": advice." not in flat
