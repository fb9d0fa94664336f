"""Property tests: within a site, a larger tumour or more mitoses never lowers the risk.

Sources: the orderings are those of the published categories (Fletcher 2002, Joensuu 2008,
Miettinen 2006, AJCC 8th); AFIP "insufficient_data" has no rank and is skipped.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gistcds.domain.results.risk import RiskPanel
from gistcds.knowledge import load_kb
from gistcds.risk import RiskInput, score_input
from gistcds.risk.tables import SITES

NIH_RANK = {"very_low": 0, "low": 1, "intermediate": 2, "high": 3}
AFIP_RANK = {"none": 0, "very_low": 1, "low": 2, "moderate": 3, "high": 4}
STAGE_RANK = {"IA": 0, "I": 0, "IB": 1, "II": 2, "IIIA": 3, "IIIB": 4, "IV": 5}

sizes = st.floats(min_value=0.1, max_value=40, allow_nan=False) | st.sampled_from(
    [2.0, 5.0, 10.0, 2.1, 5.1, 10.1]
)
mitoses = st.floats(min_value=0, max_value=100, allow_nan=False) | st.sampled_from(
    [5.0, 10.0, 6.0, 11.0]
)


def _panel(site: str, size: float, mit: float, rupture: bool = False) -> RiskPanel:
    return score_input(
        RiskInput(site=site, size_cm=size, mitoses=mit, rupture=rupture, resection="R0"),
        load_kb(),
    )


def _ranks(p: RiskPanel) -> dict[str, int | None]:
    afip = p.afip.category if p.afip else None
    return {
        "nih": NIH_RANK[p.nih.category] if p.nih else None,
        "modified_nih": NIH_RANK[p.modified_nih.category] if p.modified_nih else None,
        "afip": AFIP_RANK.get(afip) if afip else None,
        "ajcc8": STAGE_RANK[p.ajcc8.stage] if p.ajcc8 and p.ajcc8.stage else None,
    }


def _not_lower(lo: RiskPanel, hi: RiskPanel) -> None:
    a, b = _ranks(lo), _ranks(hi)
    for system, ra in a.items():
        rb = b[system]
        if ra is not None and rb is not None:
            assert rb >= ra, (system, lo, hi)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SITES), sizes, sizes, mitoses)
def test_larger_tumour_never_lowers_risk(site: str, s1: float, s2: float, m: float) -> None:
    lo, hi = sorted((s1, s2))
    _not_lower(_panel(site, lo, m), _panel(site, hi, m))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SITES), sizes, mitoses, mitoses)
def test_more_mitoses_never_lowers_risk(site: str, s: float, m1: float, m2: float) -> None:
    lo, hi = sorted((m1, m2))
    _not_lower(_panel(site, s, lo), _panel(site, s, hi))


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(SITES), sizes, mitoses)
def test_rupture_never_lowers_modified_nih(site: str, s: float, m: float) -> None:
    _not_lower(_panel(site, s, m, rupture=False), _panel(site, s, m, rupture=True))
