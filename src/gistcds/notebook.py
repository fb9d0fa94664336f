"""The Python API: ``from gistcds import assess_patient`` (docs/api.md).

``assess_patient`` takes a patient as a dict (the JSON of CONTRACT.md), a path to a JSON
file, or a ``Patient``, validates it exactly as the command line does (``InputError`` with
one problem per fault) and returns an :class:`Assessment` -- the documented output model,
plus ``_repr_html_`` so that a notebook shows the clinical report. The report's HTML
renderer (jinja2, matplotlib) is imported only when a notebook asks for it.
"""

from __future__ import annotations

import datetime as dt
import html
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import PrivateAttr

from gistcds.domain.assessment import Assessment as _Assessment
from gistcds.domain.patient import Patient

if TYPE_CHECKING:
    from gistcds.knowledge import KnowledgeBase

__all__ = ["Assessment", "assess_patient"]


class Assessment(_Assessment):
    """An assessment that remembers its knowledge base, so that it can render the clinical
    report (``_repr_html_`` in Jupyter, :meth:`report_html`). Everything else is the output
    model of CONTRACT.md: ``to_json()``, ``prognosis.pfs.to_frame()``..."""

    _kb: Any = PrivateAttr(default=None)

    def report_html(self, generated: dt.datetime | None = None) -> str:
        """The clinical report as one self-contained HTML document."""
        from gistcds.report.html import render_html
        from gistcds.report.model import build_report

        if self._kb is None:
            raise ValueError("the knowledge base is not known: use gistcds.assess_patient()")
        return render_html(build_report(self, self._kb, generated))

    def _repr_html_(self) -> str:
        """The report in an isolated frame, so its styles leave the notebook alone."""
        doc = html.escape(self.report_html(), quote=True)
        return (
            f'<iframe srcdoc="{doc}" title="gistcds report {html.escape(self.patient_id)}" '
            'style="width:100%;height:720px;border:1px solid #ccc" sandbox></iframe>'
        )


def assess_patient(
    patient: dict[str, Any] | str | PathLike[str] | Patient,
    *,
    kb: KnowledgeBase | None = None,
    today: dt.date | None = None,
) -> Assessment:
    """Assess one patient: a dict (CONTRACT.md JSON), a JSON file path, or a ``Patient``.

    Raises ``gistcds.errors.InputError`` (``.problems``: one ``path: message`` each) for
    invalid input, as the command line exits 2.
    """
    from gistcds.assess import assess
    from gistcds.io.patient_json import load_patient, patient_from_obj
    from gistcds.knowledge import load_kb

    kb = kb or load_kb()
    if isinstance(patient, Patient):
        record = patient
    elif isinstance(patient, dict):
        record = patient_from_obj(patient, today, kb)
    else:
        record = load_patient(str(Path(patient)), today, kb)
    plain = assess(record, kb)
    result = Assessment.model_construct(
        _fields_set=plain.model_fields_set,
        **{name: getattr(plain, name) for name in type(plain).model_fields},
    )
    result._kb = kb
    return result
