"""Canonical URLs: mCODE / Genomics Reporting profiles and gistcds' own extensions.

gistcds has no published implementation guide yet; its local canonical is the placeholder
``http://example.org/gistcds`` used by the shared worked example (../shared/examples/fhir),
changed here in one place when the project publishes one.
"""

from __future__ import annotations

__all__ = ["EXT", "GISTCDS", "GR", "MCODE", "ext", "mcode", "patient_id_system"]

GISTCDS = "http://example.org/gistcds"
EXT = f"{GISTCDS}/StructureDefinition/"
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
GR = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/"
patient_id_system = f"{GISTCDS}/patient-id"
lesion_id_system = f"{GISTCDS}/lesion-id"
CONDITION_RELATED = "http://hl7.org/fhir/StructureDefinition/condition-related"


def mcode(profile: str) -> str:
    return MCODE + profile


def ext(name: str) -> str:
    return EXT + name
