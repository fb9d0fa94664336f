"""Where the report's template and stylesheet live (no imports beyond pathlib, so the PDF
worker can read the stylesheet without loading the report model)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["TEMPLATES", "report_css"]

TEMPLATES = Path(__file__).parent / "templates"


def report_css() -> str:
    """The report's stylesheet, as the HTML embeds it."""
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")
