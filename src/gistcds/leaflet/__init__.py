"""The patient leaflet: one plain-language page per drug the patient takes or is offered.

It renders ``Assessment.patient_guides`` and ``Assessment.counselling`` (clinical content comes
from the assessment, never from here) as one self-contained HTML file or a PDF.
"""

from gistcds.leaflet.render import (
    LeafletPage,
    build_leaflet,
    leaflet_text,
    render_leaflet,
    write_leaflet,
)

__all__ = ["LeafletPage", "build_leaflet", "leaflet_text", "render_leaflet", "write_leaflet"]
