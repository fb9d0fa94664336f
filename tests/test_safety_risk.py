"""Issue 12 item 6 (risk part) and issue 13 item 3: whether the risk systems agree is judged
in ``risk/`` (``risk.concordance``), with the tier equivalence in the KB.

Vignettes name their source and the rule; a property test checks the rule over the whole
input space (site x size x mitoses x rupture x nodes).
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gistcds.risk import RiskInput, score_input

SITES = ["stomach", "duodenum", "jejunum_ileum", "colon", "rectum", "esophagus", "omentum"]


def test_low_low_very_low_is_not_called_a_disagreement(kb: Any) -> None:
    """Resected gastric GIST 4.5 cm, 3 mitoses/5 mm², no rupture, N0: NIH low, modified NIH
    low, AFIP very low (Fletcher 2002, Joensuu 2008, Miettinen 2006 tables).

    Rule: categories one tier apart on the same side of the adjuvant threshold (high risk,
    ESMO 2022 / SEOM-GEIS 2022) are no conflict; "the systems do not agree" was wrong here."""
    inp = RiskInput(site="stomach", size_cm=4.5, mitoses=3, rupture=False, resection="R0")
    c = score_input(inp, kb).concordance
    assert c is not None
    assert [(s.system, s.category) for s in c.systems] == [
        ("nih", "low"),
        ("modified_nih", "low"),
        ("afip", "very_low"),
    ]
    assert c.code == "differ_same_decision"
    assert c.severity == "info"
    assert "disagree" not in c.message


def test_nodal_metastasis_is_the_conflict_that_is_flagged(kb: Any) -> None:
    """Resected gastric GIST 4 cm, 3 mitoses/5 mm², N1 M0: low/very low recurrence risk but
    AJCC 8th stage IV (Amin 2017; reference primary-risk.md test vector S8).

    Rule: nodal disease is a real conflict the recurrence systems cannot see; it is flagged
    as a warning naming AJCC stage IV and the tumour board."""
    inp = RiskInput(site="stomach", size_cm=4, mitoses=3, rupture=False, resection="R0", nodes="N1")
    panel = score_input(inp, kb)
    c = panel.concordance
    assert panel.ajcc8 is not None and panel.ajcc8.stage == "IV"
    assert c is not None
    assert c.code == "nodal_metastasis"
    assert c.severity == "warning"
    assert ("ajcc8", "stage IV") in [(s.system, s.category) for s in c.systems]
    assert "tumour board" in c.message and "amin2017" in c.source_ids


def test_high_against_moderate_is_a_disagreement_on_adjuvant_therapy(kb: Any) -> None:
    """Resected jejunal GIST 6 cm, 3 mitoses/5 mm²: NIH intermediate, modified NIH high, AFIP
    moderate. Rule: a tier split across the high-risk threshold changes the adjuvant decision:
    ``discordant`` (warning), naming the decision."""
    inp = RiskInput(site="jejunum_ileum", size_cm=6, mitoses=3, rupture=False, resection="R0")
    c = score_input(inp, kb).concordance
    assert c is not None
    assert c.code == "discordant" and c.severity == "warning"
    assert c.decision is not None and "adjuvant" in c.decision


def test_no_judgement_when_the_recurrence_systems_are_withheld(kb: Any) -> None:
    """Metastatic disease: the recurrence systems do not apply (risk_scope.yaml), so there is
    nothing to compare."""
    inp = RiskInput(site="stomach", size_cm=8, mitoses=12, resection="R0", metastatic=True)
    assert score_input(inp, kb).concordance is None


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(SITES),
    st.floats(0.5, 25, allow_nan=False),
    st.floats(0, 30, allow_nan=False),
    st.sampled_from([True, False, None]),
    st.sampled_from(["N0", "N1", None]),
)
def test_concordance_rule_over_the_input_space(
    kb: Any, site: str, size: float, mitoses: float, rupture: bool | None, nodes: str | None
) -> None:
    inp = RiskInput(
        site=site, size_cm=size, mitoses=mitoses, rupture=rupture, resection="R0", nodes=nodes
    )
    panel = score_input(inp, kb)
    c = panel.concordance
    tiers = [s.tier for s in c.systems if s.tier] if c else []
    if nodes == "N1" and c is not None:
        assert c.code == "nodal_metastasis"
        return
    if c is None:
        return
    high = {t == "high" for t in tiers}
    if len(set(tiers)) == 1:
        assert c.code == "concordant"
    elif len(high) == 2:
        assert c.code == "discordant"
    else:
        assert c.code == "differ_same_decision"
        assert c.severity == "info"
