"""The record summary the report shows (``RecordSummary``), read from the validated record.

Reading only: the values are copied as recorded; ``metastatic`` is the record's own
definition (``Patient.is_metastatic``).
"""

from __future__ import annotations

from gistcds.domain.patient import Labs, Patient, PrimaryTumor
from gistcds.domain.results.record import (
    LabsSummary,
    LineSummary,
    MolecularSummary,
    PrimarySummary,
    RecordSummary,
)
from gistcds.history.record import line_stop

__all__ = ["record_summary"]


def _primary(pr: PrimaryTumor) -> PrimarySummary:
    return PrimarySummary(
        site=pr.site,
        size_cm=pr.size_cm,
        mitoses_count=pr.mitoses.count if pr.mitoses else None,
        mitoses_per=pr.mitoses.per if pr.mitoses else None,
        rupture=pr.rupture,
        resection=pr.resection,
        nodes=pr.nodes,
    )


def _labs(labs: Labs) -> LabsSummary:
    return LabsSummary(
        neutrophils_10e9_per_l=labs.neutrophils_10e9_per_l,
        platelets_10e9_per_l=labs.platelets_10e9_per_l,
        hemoglobin_g_per_dl=labs.hemoglobin_g_per_dl,
        albumin_g_per_l=labs.albumin_g_per_l,
    )


def record_summary(patient: Patient) -> RecordSummary:
    """What the report shows of ``patient``'s record."""
    p, m, mol = patient, patient.metastatic, patient.molecular
    return RecordSummary(
        age_years=p.age_years,
        sex=p.sex,
        ecog=p.ecog,
        primary=_primary(p.primary) if p.primary is not None else None,
        metastatic=p.is_metastatic,
        metastatic_sites=list(m.sites) if m else [],
        metastatic_diagnosed=m.diagnosed if m else None,
        molecular=MolecularSummary(tested_genes=list(mol.tested_genes), sdhb_ihc=mol.sdhb_ihc)
        if mol is not None
        else None,
        labs=_labs(p.labs) if p.labs is not None else None,
        comedications=list(p.comedications),
        therapy_lines=[
            LineSummary(
                drug=t.drug,
                dose_mg_per_day=t.dose_mg_per_day,
                setting=t.setting,
                start=t.start,
                end=t.end,
                best_response=t.best_response,
                stop_reason=t.stop_reason,
                progression=t.progression,
                ongoing=line_stop(t) == "ongoing",
            )
            for t in p.therapy_lines
        ],
        imaging_timepoints=len(p.imaging),
    )
