"""What the routes do with a patient document: parse, assess, store, answer - outputs only.

Parsing and validation are ``gistcds.io`` (the CLI's messages), the clinical content is
``gistcds.assess.assess``, rendering is ``gistcds.report``; this module only moves documents
between them and the store. The FHIR route (``POST /api/v1/fhir/assess``) and the web page
call ``store_assessment`` with their own document, so every way in is stored and audited
alike.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread

from gistcds import __version__
from gistcds.api.deps import Caller
from gistcds.api.errors import ApiError
from gistcds.domain.assessment import Assessment
from gistcds.domain.patient import Patient
from gistcds.knowledge import KnowledgeBase
from gistcds.store import StoredAssessment, iso

T = TypeVar("T")


async def run_blocking(fn: Callable[..., T], *args: Any) -> T:
    """Run CPU- or IO-bound work off the event loop; a request deadline stops the wait."""
    return await anyio.to_thread.run_sync(functools.partial(fn, *args), abandon_on_cancel=True)


def canonical_json(document: Any) -> str:
    """The stored form of an input: sorted keys, no spaces, UTF-8 (what ``input_sha256`` hashes)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def parse_patient(data: bytes) -> tuple[dict[str, Any], Patient]:
    """The request body as a document and a validated Patient, or ``InputError`` (422)."""
    from gistcds.io.patient_json import parse_json, patient_from_obj

    document = parse_json(data, "request body")
    patient = patient_from_obj(document)
    assert isinstance(document, dict)
    return document, patient


def store_assessment(
    caller: Caller,
    kb: KnowledgeBase,
    document: dict[str, Any],
    patient: Patient,
    action: str = "assessment.create",
) -> StoredAssessment:
    """Assess ``patient``, then store the document and the output with an audit row."""
    from gistcds.assess import assess

    assessment = assess(patient, kb)
    return caller.store.add_assessment(
        caller.principal,
        patient_id=patient.id,
        input_json=canonical_json(document),
        output_json=assessment.model_dump_json(),
        knowledge_base_version=assessment.knowledge_base_version,
        gistcds_version=__version__,
        audit=caller.entry(action),
    )


def record_json(record: StoredAssessment) -> bytes:
    """The ``AssessmentRecord`` body, with the stored output spliced in as it was stored."""
    head = json.dumps(
        {
            "id": record.id,
            "created": iso(record.created),
            "patient_id": record.patient_id,
            "input_sha256": record.input_sha256,
            "knowledge_base_version": record.knowledge_base_version,
            "gistcds_version": record.gistcds_version,
        },
        ensure_ascii=False,
    )
    return (head[:-1] + ', "assessment": ' + record.output_json + "}").encode("utf-8")


def stored_inputs(record: StoredAssessment) -> tuple[Patient, Assessment]:
    """The stored patient and assessment as models, for the report renderers. An assessment
    stored before ``Assessment.record`` existed gets it from the stored input, so its report
    shows the patient section as it did."""
    from pydantic import ValidationError

    from gistcds.errors import InputError
    from gistcds.history import record_summary
    from gistcds.io.patient_json import patient_from_obj

    try:
        patient = patient_from_obj(json.loads(record.input_json), today=record.created.date())
        assessment = Assessment.model_validate_json(record.output_json)
    except (InputError, ValidationError):
        raise ApiError(
            409,
            f"this assessment was stored by gistcds {record.gistcds_version} and cannot be "
            f"rendered by {__version__}; its JSON is unchanged at /api/v1/assessments/{record.id}",
        ) from None
    if assessment.record is None:
        assessment = assessment.model_copy(update={"record": record_summary(patient)})
    return patient, assessment


def render_report(record: StoredAssessment, kb: KnowledgeBase, pdf: bool) -> bytes:
    """The clinical report of a stored assessment (HTML or PDF), dated when it was stored."""
    from gistcds.report.html import html_to_pdf, render_html
    from gistcds.report.model import build_report

    _, assessment = stored_inputs(record)
    generated = record.created.astimezone(dt.UTC).replace(microsecond=0)
    html = render_html(build_report(assessment, kb, generated), for_pdf=pdf)
    return html_to_pdf(html) if pdf else html.encode("utf-8")
