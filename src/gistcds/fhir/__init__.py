"""FHIR R4 (mCODE 4.0 / Genomics Reporting 2.0) in and out.

In: ``bundle_to_patient(bundle_json) -> (Patient, MappingReport)``. Out:
``patient_to_bundle(patient)`` (the record as FHIR) and ``assessment_to_bundle(assessment,
patient)`` (the assessment as FHIR resources). Outputs only render an ``Assessment``
made by ``gistcds.assess``; nothing clinical is decided here. fhir.resources is imported
only when a Bundle is parsed or validated.
"""

from __future__ import annotations

from gistcds.fhir.mapping import FhirRefs, MapLine, MappingReport
from gistcds.fhir.read import bundle_to_patient

__all__ = ["FhirRefs", "MapLine", "MappingReport", "bundle_to_patient"]
