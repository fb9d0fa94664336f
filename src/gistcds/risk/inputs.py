"""What the risk systems read from a patient, reduced to a small flat record.

The cohort table has exactly these columns (minus ``resection``/``neoadjuvant``/``age``/
``sdh_deficient``, which a cohort row does not carry: rows are taken as completely resected,
untreated primaries), so the scalar and batch paths share one notion of input.
"""

from __future__ import annotations

from dataclasses import dataclass

from gistcds.domain.patient import Patient, Setting


@dataclass(frozen=True)
class RiskInput:
    """One patient's risk inputs. ``mitoses`` is per 5 mm^2 (= per 50 HPF); None = unknown."""

    site: str | None = None
    size_cm: float | None = None
    mitoses: float | None = None
    rupture: bool | None = None
    nodes: str | None = None  # "N0" | "N1" | "NX" | None
    metastatic: bool = False
    resection: str | None = None  # "none" | "R0" | "R1" | "R2" | None
    neoadjuvant: bool = False
    age_years: float | None = None
    sdh_deficient: bool = False

    @property
    def has_primary(self) -> bool:
        return self.site is not None or self.size_cm is not None or self.mitoses is not None


def inputs_from_patient(patient: Patient) -> RiskInput:
    """The risk inputs of a validated patient (50 HPF and 5 mm^2 counts are equivalent)."""
    p = patient.primary
    neo = any(line.setting is Setting.neoadjuvant for line in patient.therapy_lines)
    sdh = bool(
        patient.molecular
        and patient.molecular.sdhb_ihc
        and patient.molecular.sdhb_ihc.value == "lost"
    )
    if p is None:
        return RiskInput(
            metastatic=patient.is_metastatic,
            neoadjuvant=neo,
            age_years=patient.age_years,
            sdh_deficient=sdh,
        )
    return RiskInput(
        site=p.site.value if p.site else None,
        size_cm=p.size_cm,
        mitoses=p.mitoses.count if p.mitoses else None,
        rupture=p.rupture,
        nodes=p.nodes.value if p.nodes else None,
        metastatic=patient.is_metastatic,
        resection=p.resection.value if p.resection else None,
        neoadjuvant=neo,
        age_years=patient.age_years,
        sdh_deficient=sdh,
    )
