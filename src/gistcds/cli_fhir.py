"""FHIR commands: ``assess-fhir BUNDLE`` and ``export-fhir PATIENT.json``, and the FHIR
output of ``assess --format fhir``. Imported only when one of them runs (fhir.resources is
imported later still, when a Bundle is parsed or validated)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gistcds.cli_base import EXIT_OK, guarded, output_problems, write_output
from gistcds.cli_common import add_command

if TYPE_CHECKING:
    from gistcds.domain.assessment import Assessment
    from gistcds.domain.patient import Patient
    from gistcds.fhir.mapping import FhirRefs
    from gistcds.knowledge import KnowledgeBase

__all__ = ["FhirFormat", "register", "write_fhir_assessment"]

HELP = {
    "assess-fhir": "Assess one patient from a FHIR R4 Bundle (mCODE), or - for stdin.",
    "export-fhir": "Write a patient JSON as a FHIR R4 Bundle (mCODE profiles).",
}


class FhirFormat(StrEnum):
    text = "text"
    json = "json"
    fhir = "fhir"


def register(app: typer.Typer) -> None:
    add_command(app, "assess-fhir", HELP["assess-fhir"], assess_fhir_cmd)
    add_command(app, "export-fhir", HELP["export-fhir"], export_fhir_cmd)


def write_fhir_assessment(
    assessment: Assessment,
    patient: Patient,
    kb: KnowledgeBase,
    refs: FhirRefs | None = None,
) -> None:
    """Print the assessment as a FHIR Bundle, checked by ``gistcds.fhir.validate`` first."""
    from gistcds.fhir.validate import check_bundle
    from gistcds.fhir.write_assessment import assessment_to_bundle

    bundle = assessment_to_bundle(assessment, patient, refs, kb)
    problems = check_bundle(bundle)
    if problems:  # a defect of gistcds, not of the input
        raise RuntimeError("FHIR output failed validation: " + "; ".join(problems[:5]))
    sys.stdout.write(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n")


def assess_fhir_cmd(
    bundle: Annotated[str, typer.Argument(help="FHIR R4 Bundle (JSON), or - for stdin")],
    fmt: Annotated[
        FhirFormat, typer.Option("--format", help="text (default), json or fhir")
    ] = FhirFormat.text,
    report: Annotated[
        list[str] | None,
        typer.Option(
            "--report", metavar="OUT", help="also write the clinical report: OUT.html or OUT.pdf"
        ),
    ] = None,
    mkdir: Annotated[
        bool, typer.Option("--mkdir", help="create the folder of --report if missing")
    ] = False,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping", metavar="FILE", help="write the full mapping report (JSON) to this file"
        ),
    ] = None,
) -> None:
    def body() -> int:
        from gistcds.assess import assess
        from gistcds.errors import InputError
        from gistcds.fhir import bundle_to_patient
        from gistcds.io.patient_json import parse_json, read_source
        from gistcds.knowledge import load_kb

        bad = output_problems("--report", report or [], mkdir)
        if bad:
            raise InputError(bad)
        data, name = read_source(bundle)
        kb = load_kb()
        patient, mapped = bundle_to_patient(parse_json(data, name), kb)
        if mapping is not None:
            mapping.write_text(mapped.model_dump_json(indent=2) + "\n", encoding="utf-8")
        for line in mapped.notice_lines():
            if not line.startswith("ignored:"):
                print(line, file=sys.stderr)
        assessment = assess(patient, kb)
        _emit(fmt, assessment, patient, kb, report, mapped.refs)
        return EXIT_OK

    raise typer.Exit(guarded(body))


def _emit(
    fmt: FhirFormat,
    assessment: Assessment,
    patient: Patient,
    kb: KnowledgeBase,
    report: list[str] | None,
    refs: FhirRefs | None,
) -> None:
    generated = dt.datetime.now(dt.UTC).replace(microsecond=0)
    if fmt is FhirFormat.json:
        sys.stdout.write(assessment.model_dump_json(indent=2) + "\n")
    elif fmt is FhirFormat.fhir:
        write_fhir_assessment(assessment, patient, kb, refs)
    else:
        from gistcds.report.text import print_report

        print_report(assessment, kb, generated=generated)
    if report:
        from gistcds.report.html import write_report

        stream = sys.stdout if fmt is FhirFormat.text else sys.stderr
        for out in report:
            written = write_output(
                "--report", out, partial(write_report, out, assessment, kb, generated)
            )
            print(f"report written: {written}", file=stream)


def export_fhir_cmd(
    file: Annotated[str, typer.Argument(help="patient JSON file, or - for stdin")],
) -> None:
    def body() -> int:
        from gistcds.fhir.validate import check_bundle
        from gistcds.fhir.write_patient import patient_to_bundle
        from gistcds.io.patient_json import load_patient

        bundle: dict[str, Any] = patient_to_bundle(load_patient(file))
        problems = check_bundle(bundle)
        if problems:
            raise RuntimeError("FHIR output failed validation: " + "; ".join(problems[:5]))
        sys.stdout.write(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK

    raise typer.Exit(guarded(body))
