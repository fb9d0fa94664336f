"""The scalar engine: one patient's inputs -> every applicable system, side by side.

Which systems apply (``risk_scope.yaml``): NIH, modified NIH, AFIP and MSKCC estimate
recurrence after complete resection of a localized primary, so they are withheld (null, with
the reason) for metastatic disease, an unresected or R2-resected primary, or after neoadjuvant
therapy. AJCC TNM is reported whenever a primary or metastases are recorded (clinical stage
for an unresected primary, post-therapy stage after neoadjuvant therapy).
"""

from __future__ import annotations

from gistcds.domain.results.risk import AfipResult, NihResult, RiskPanel
from gistcds.risk.afip import afip2006
from gistcds.risk.ajcc8 import ajcc8
from gistcds.risk.concordance import concordance
from gistcds.risk.inputs import RiskInput
from gistcds.risk.modified_nih import modified_nih
from gistcds.risk.mskcc import mskcc2009
from gistcds.risk.nih import nih2002
from gistcds.risk.tables import RiskTables


def _withheld(inp: RiskInput, t: RiskTables) -> tuple[list[str], str] | None:
    s = t.scope
    if not inp.has_primary and not inp.metastatic:
        return s.no_primary.withheld, s.no_primary.reason
    for applies, rule in (
        (inp.metastatic, s.metastatic),
        (not inp.has_primary, s.no_primary),
        (inp.resection == "none", s.unresected),
        (inp.resection == "R2", s.macroscopic_residual),
        (inp.neoadjuvant, s.neoadjuvant),
    ):
        if applies:
            return rule.withheld, rule.reason
    return None


def score(inp: RiskInput, t: RiskTables) -> RiskPanel:
    """Every system for one patient; pure function of the inputs and the compiled tables."""
    s = t.scope
    panel = RiskPanel()
    withheld = _withheld(inp, t)
    skip = set(withheld[0]) if withheld else set()
    if withheld:
        for system in withheld[0]:
            panel.not_reported[system] = withheld[1]

    if "nih" not in skip:
        if inp.size_cm is None or inp.mitoses is None:
            missing = [
                n for n, v in (("size", inp.size_cm), ("mitotic count", inp.mitoses)) if v is None
            ]
            panel.not_reported["nih"] = f"NIH needs {', '.join(missing)}"
        else:
            panel.nih = nih2002(t, inp.size_cm, inp.mitoses)
    if "modified_nih" not in skip:
        mn = modified_nih(t, inp.site, inp.size_cm, inp.mitoses, inp.rupture)
        if isinstance(mn, NihResult):
            panel.modified_nih = mn
        else:
            panel.not_reported["modified_nih"] = mn
    if "afip" not in skip:
        af = afip2006(t, inp.site, inp.size_cm, inp.mitoses)
        if isinstance(af, AfipResult):
            panel.afip = af
        else:
            panel.not_reported["afip"] = af
    if "mskcc" not in skip:
        ms = mskcc2009(t)
        if isinstance(ms, str):
            panel.not_reported["mskcc"] = ms
        else:
            panel.mskcc = ms
    if "ajcc8" not in skip:
        classification = "p"
        if inp.neoadjuvant:
            classification = "yp"
        elif inp.resection == "none":
            classification = "c"
        panel.ajcc8 = ajcc8(
            t, inp.site, inp.size_cm, inp.mitoses, inp.nodes, inp.metastatic, classification
        )
        if classification == "c" and panel.ajcc8.mitotic_rate != "high":
            panel.ajcc8.notes.append(s.unresected_ajcc.note)
        elif classification == "yp":
            panel.ajcc8.notes.append(s.neoadjuvant_ajcc.note)

    if not withheld:
        if inp.resection is None:
            panel.notes.append(s.resection_unknown.note)
        elif inp.resection == "R1":
            panel.notes.append(s.r1.note)
    if inp.age_years is not None and inp.age_years < s.paediatric_age_below:
        panel.notes.append(s.paediatric.note)
    if inp.sdh_deficient:
        panel.notes.append(s.sdh_deficient.note)
    panel.concordance = concordance(panel, t.concordance)
    return panel


def flatten(panel: RiskPanel) -> dict[str, object]:
    """The panel as the cohort's output columns (what the batch path must reproduce)."""
    afip = panel.afip
    a = panel.ajcc8
    return {
        "nih_category": panel.nih.category if panel.nih else None,
        "modified_nih_category": panel.modified_nih.category if panel.modified_nih else None,
        "afip_category": afip.category if afip else None,
        "afip_progression_pct": afip.progression_pct if afip else None,
        "afip_group": afip.group if afip else None,
        "ajcc8_t": a.t if a else None,
        "ajcc8_n": a.n if a else None,
        "ajcc8_m": a.m if a else None,
        "ajcc8_mitotic_rate": a.mitotic_rate if a else None,
        "ajcc8_stage": a.stage if a else None,
        "mskcc_rfs_2y": panel.mskcc.rfs_2y if panel.mskcc else None,
        "mskcc_rfs_5y": panel.mskcc.rfs_5y if panel.mskcc else None,
    }
