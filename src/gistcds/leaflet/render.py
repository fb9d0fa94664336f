"""Build the leaflet's pages from an Assessment and render them (Jinja2; PDF via WeasyPrint).

No patient identifier is printed: the leaflet names the medicine, not the patient, and leaves
a blank for the team's telephone number. Rates are said as "about N in 10 people", rounded
from the cited percentage the assessment carries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from gistcds.domain.assessment import Assessment

__all__ = [
    "LeafletPage",
    "build_leaflet",
    "how_often",
    "leaflet_text",
    "render_leaflet",
    "write_leaflet",
]

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Effect:
    what: str
    how_often: str | None
    what_to_do: str


@dataclass(frozen=True)
class LeafletPage:
    name: str
    current: bool
    how_to_take: str
    effects: list[Effect] = field(default_factory=list)
    call_team: list[str] = field(default_factory=list)


def how_often(pct: float | None, severe: float | None = None) -> str | None:
    """A cited percentage in plain words ("about 4 in 10 people"); the severe (grade 3 or
    more) rate only when no all-grade rate was found; None when neither was."""
    if pct is None and severe is None:
        return None
    value = pct if pct is not None else severe
    assert value is not None
    what = "get this" if pct is not None else "get a severe form"
    if value >= 10:
        return f"About {round(value / 10)} in 10 people {what}."
    if value >= 1:
        return f"About {round(value)} in 100 people {what}."
    return f"Fewer than 1 in 100 people {what}."


def build_leaflet(assessment: Assessment) -> list[LeafletPage]:
    """One page per drug with a patient guide, current drugs first."""
    pages = []
    for guide in assessment.patient_guides:
        effects = [
            Effect(c.plain_effect, how_often(c.any_grade_pct, c.grade3plus_pct), c.plain_advice)
            for c in assessment.counselling
            if c.drug == guide.drug
        ]
        pages.append(
            LeafletPage(
                guide.plain_name, guide.current, guide.how_to_take, effects, guide.call_team
            )
        )
    return pages


def render_leaflet(assessment: Assessment) -> str:
    """The leaflet as one self-contained HTML document."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
    )
    css = (TEMPLATES / "leaflet.css").read_text(encoding="utf-8")
    return env.get_template("leaflet.html.j2").render(pages=build_leaflet(assessment), css=css)


def leaflet_text(html: str) -> str:
    """The words a patient reads (tags, style and blanks removed), for readability checks."""
    body = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return " ".join(body.replace("_", " ").split())


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"the leaflet fetches nothing ({url})")


def _pdf(html: str) -> bytes:
    import logging

    from gistcds.report.weasy_import import import_weasyprint

    weasyprint = import_weasyprint()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    try:
        from weasyprint.urls import URLFetcher

        class _Refuse(URLFetcher):  # type: ignore[misc]
            def fetch(self, url: str, headers: Any = None) -> Any:
                return _refuse(url)

        fetcher: Any = _Refuse(allowed_protocols=())
    except ImportError:  # older WeasyPrint: a plain function
        fetcher = _refuse
    pdf = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def write_leaflet(path: str | Path, assessment: Assessment) -> Path:
    """Write ``.html`` or ``.pdf`` (by suffix) and return the path written."""
    out = Path(path)
    html = render_leaflet(assessment)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".pdf":
        out.write_bytes(_pdf(html))
    else:
        out.write_text(html, encoding="utf-8")
    return out
