"""Golden tests: every cell of every published table, and every test vector of the reference.

Expected values are typed in from the published tables (as restated in
/work/shared/reference/primary-risk.md), not read from the knowledge base, so a wrong KB cell
fails here. Each test names its source.
"""

from __future__ import annotations

from typing import Any

import pytest

from gistcds.domain.results.risk import RiskPanel
from gistcds.knowledge import load_kb
from gistcds.risk import RiskInput, score_input

# One representative value inside each band (closed upper bounds: 2 | 5 | 10 cm; 5 | 10 mitoses)
SIZE = {"le2": 1.0, "gt2_le5": 3.0, "gt5_le10": 7.0, "gt10": 12.0}
MIT = {"le5": 3.0, "gt5_le10": 8.0, "gt10": 12.0}


def panel(**kw: Any) -> RiskPanel:
    kw.setdefault("resection", "R0")
    return score_input(RiskInput(**kw), load_kb())


SIZES = ["le2", "gt2_le5", "gt5_le10", "gt10"]

# --- NIH 2002 (Fletcher CDM et al., Hum Pathol 2002;33:459, closed bounds per Joensuu 2008) ---
NIH_2002 = {  # size band -> [<=5, 6-10, >10 mitoses]
    "le2": ["very_low", "intermediate", "high"],
    "gt2_le5": ["low", "intermediate", "high"],
    "gt5_le10": ["intermediate", "high", "high"],
    "gt10": ["high", "high", "high"],
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("mit_i,mit", list(enumerate(MIT)))
def test_nih2002_every_cell_fletcher2002(size: str, mit_i: int, mit: str) -> None:
    """Source: Fletcher 2002 consensus table (risk of aggressive behaviour)."""
    for site in ("stomach", "rectum"):  # NIH ignores site
        p = panel(site=site, size_cm=SIZE[size], mitoses=MIT[mit], rupture=False)
        assert p.nih is not None
        assert p.nih.category == NIH_2002[size][mit_i]
        assert p.nih.source_ids[0] == "fletcher2002"


# --- Modified NIH 2008 (Joensuu H, Hum Pathol 2008;39:1411; Table 3 via secondary sources) ---
MNIH_GASTRIC = NIH_2002
MNIH_NON_GASTRIC = {
    "le2": ["very_low", "intermediate", "high"],  # 6-10 cell: abstract reading (see note test)
    "gt2_le5": ["low", "high", "high"],
    "gt5_le10": ["high", "high", "high"],
    "gt10": ["high", "high", "high"],
}
NON_GASTRIC_SITES = [
    "duodenum",
    "jejunum_ileum",
    "small_intestine",
    "colon",
    "rectum",
    "esophagus",
    "omentum",
    "mesentery",
    "peritoneum",
    "other",
]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("mit_i,mit", list(enumerate(MIT)))
def test_modified_nih_every_cell_joensuu2008(size: str, mit_i: int, mit: str) -> None:
    """Source: Joensuu 2008 modified NIH table (gastric vs non-gastric), rupture -> high."""
    g = panel(site="stomach", size_cm=SIZE[size], mitoses=MIT[mit], rupture=False)
    assert g.modified_nih is not None and g.modified_nih.category == MNIH_GASTRIC[size][mit_i]
    for site in NON_GASTRIC_SITES:
        ng = panel(site=site, size_cm=SIZE[size], mitoses=MIT[mit], rupture=False)
        assert ng.modified_nih is not None
        assert ng.modified_nih.category == MNIH_NON_GASTRIC[size][mit_i], site
    for site in ("stomach", "colon"):
        r = panel(site=site, size_cm=SIZE[size], mitoses=MIT[mit], rupture=True)
        assert r.modified_nih is not None and r.modified_nih.category == "high"


# --- AFIP (Miettinen & Lasota, Semin Diagn Pathol 2006;23:70; NCCN 2007 / PDQ reproduction) ---
GROUPS = {  # group -> (size band, mitoses representative)
    "1": ("le2", "le5"),
    "2": ("gt2_le5", "le5"),
    "3a": ("gt5_le10", "le5"),
    "3b": ("gt10", "le5"),
    "4": ("le2", "gt5_le10"),
    "5": ("gt2_le5", "gt5_le10"),
    "6a": ("gt5_le10", "gt5_le10"),
    "6b": ("gt10", "gt5_le10"),
}
AFIP = {
    "stomach": {
        "1": ("none", 0),
        "2": ("very_low", 1.9),
        "3a": ("low", 3.6),
        "3b": ("moderate", 10),
        "4": ("none", 0),
        "5": ("moderate", 16),
        "6a": ("high", 55),
        "6b": ("high", 86),
    },
    # data column A (printed "Duodenum"); jejunum/ileum by default (reference §3.3)
    "jejunum_ileum": {
        "1": ("none", 0),
        "2": ("low", 4.3),
        "3a": ("moderate", 24),
        "3b": ("high", 52),
        "4": ("high", None),
        "5": ("high", 73),
        "6a": ("high", 85),
        "6b": ("high", 90),
    },
    # data column B (printed "Jejunum/Ileum"); duodenum by default
    "duodenum": {
        "1": ("none", 0),
        "2": ("low", 8.3),
        "3a": ("insufficient_data", None),
        "3b": ("high", 34),
        "4": ("insufficient_data", None),
        "5": ("high", 50),
        "6a": ("insufficient_data", None),
        "6b": ("high", 86),
    },
    "rectum": {
        "1": ("none", 0),
        "2": ("low", 8.5),
        "3a": ("insufficient_data", None),
        "3b": ("high", 57),
        "4": ("high", 54),
        "5": ("high", 52),
        "6a": ("insufficient_data", None),
        "6b": ("high", 71),
    },
}


@pytest.mark.parametrize("site", list(AFIP))
@pytest.mark.parametrize("group", list(GROUPS))
def test_afip_every_cell_miettinen2006(site: str, group: str) -> None:
    """Source: Miettinen & Lasota 2006 table as reproduced by NCCN 2007 / NCI PDQ."""
    size, mit = GROUPS[group]
    for mitoses in {MIT[mit], 12.0} if mit != "le5" else {MIT[mit]}:
        p = panel(site=site, size_cm=SIZE[size], mitoses=mitoses, rupture=False)
        assert p.afip is not None
        category, pct = AFIP[site][group]
        assert (p.afip.category, p.afip.progression_pct, p.afip.group) == (category, pct, group)


@pytest.mark.parametrize(
    "site", ["colon", "esophagus", "omentum", "mesentery", "peritoneum", "other", "small_intestine"]
)
def test_afip_sites_not_in_table_have_null_category_with_reason(site: str) -> None:
    """Source: Miettinen 2006 covers gastric, duodenal, jejunal/ileal and rectal GIST only."""
    p = panel(site=site, size_cm=4, mitoses=3, rupture=False)
    assert p.afip is not None and p.afip.category is None and p.afip.progression_pct is None
    assert p.afip.reason


# --- AJCC 8th (Amin 2017, chapter 43; = UICC TNM 9 sheet) ---
AJCC_GASTRIC = {"low": ["IA", "IA", "IB", "II"], "high": ["II", "II", "IIIA", "IIIB"]}
AJCC_NON_GASTRIC = {"low": ["I", "I", "II", "IIIA"], "high": ["IIIA", "IIIB", "IIIB", "IIIB"]}


@pytest.mark.parametrize("t_i,size", list(enumerate(SIZES)))
@pytest.mark.parametrize("rate,mit", [("low", 3.0), ("high", 8.0), ("high", 12.0)])
def test_ajcc8_every_cell_amin2017(t_i: int, size: str, rate: str, mit: float) -> None:
    """Source: AJCC 8th ed. GIST stage groups, gastric/omental and small-intestinal tables."""
    ajcc_sites = [("stomach", AJCC_GASTRIC), ("omentum", AJCC_GASTRIC)]
    ajcc_sites += [
        (s, AJCC_NON_GASTRIC) for s in NON_GASTRIC_SITES if s not in ("omentum", "other")
    ]
    for site, table in ajcc_sites:
        p = panel(site=site, size_cm=SIZE[size], mitoses=mit, rupture=False, nodes="N0")
        a = p.ajcc8
        assert a is not None
        assert (a.t, a.n, a.m, a.mitotic_rate) == (f"T{t_i + 1}", "N0", "M0", rate)
        assert a.stage == table[rate][t_i], site
        n1 = panel(site=site, size_cm=SIZE[size], mitoses=mit, nodes="N1")
        assert n1.ajcc8 is not None and (n1.ajcc8.n, n1.ajcc8.stage) == ("N1", "IV")


# --- Reference test vectors (primary-risk.md §9) ---
@pytest.mark.parametrize(
    "vid,size,mit,rupture,expected",
    [
        ("N1", 1.5, 3, False, "very_low"),
        ("N2", 2.0, 5, False, "very_low"),
        ("N3", 4.0, 4, False, "low"),
        ("N4", 3.0, 8, False, "intermediate"),
        ("N5", 5.0, 6, False, "intermediate"),
        ("N6", 5.1, 6, False, "high"),
        ("N7", 7.0, 3, False, "intermediate"),
        ("N8", 7.0, 6, False, "high"),
        ("N9", 12.0, 1, False, "high"),
        ("N10", 1.0, 12, False, "high"),
        ("N11", 10.0, 5, False, "intermediate"),
        ("N12", 1.5, 3, True, "very_low"),
    ],
)
def test_reference_vectors_nih_fletcher2002(
    vid: str, size: float, mit: float, rupture: bool, expected: str
) -> None:
    """Source: primary-risk.md §9.1 (Fletcher 2002, conventional bounds)."""
    p = panel(site="stomach", size_cm=size, mitoses=mit, rupture=rupture)
    assert p.nih is not None and p.nih.category == expected, vid


@pytest.mark.parametrize(
    "vid,size,mit,site,rupture,expected",
    [
        ("J1", 7.0, 3, "stomach", False, "intermediate"),
        ("J2", 7.0, 3, "jejunum_ileum", False, "high"),
        ("J3", 3.0, 7, "stomach", False, "intermediate"),
        ("J4", 3.0, 7, "rectum", False, "high"),
        ("J5", 1.5, 3, "stomach", True, "high"),
        ("J6", 1.5, 8, "stomach", False, "intermediate"),
        ("J7", 1.5, 8, "duodenum", False, "intermediate"),
        ("J8", 3.0, 12, "stomach", False, "high"),
        ("J9", 4.0, 3, "colon", False, "low"),
        ("J10", 2.0, 5, "rectum", False, "very_low"),
        ("J11", 11.0, 2, "stomach", False, "high"),
        ("J12", 6.0, 6, "stomach", False, "high"),
    ],
)
def test_reference_vectors_modified_nih_joensuu2008(
    vid: str, size: float, mit: float, site: str, rupture: bool, expected: str
) -> None:
    """Source: primary-risk.md §9.2 (Joensuu 2008)."""
    p = panel(site=site, size_cm=size, mitoses=mit, rupture=rupture)
    assert p.modified_nih is not None and p.modified_nih.category == expected, vid


def test_j7_disputed_cell_carries_a_note_joensuu2008() -> None:
    """Source: Joensuu 2008 abstract vs two reproductions (primary-risk.md §2, open point 3)."""
    p = panel(site="duodenum", size_cm=1.5, mitoses=8, rupture=False)
    assert p.modified_nih is not None
    assert any("alternative reading: high" in n for n in p.modified_nih.notes)
    assert not panel(site="duodenum", size_cm=3, mitoses=8, rupture=False).modified_nih.notes  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "vid,size,mit,site,category,pct",
    [
        ("A1", 1.5, 3, "stomach", "none", 0),
        ("A2", 4.0, 3, "stomach", "very_low", 1.9),
        ("A3", 8.0, 3, "stomach", "low", 3.6),
        ("A4", 12.0, 3, "stomach", "moderate", 10),
        ("A5", 1.5, 8, "stomach", "none", 0),
        ("A6", 4.0, 8, "stomach", "moderate", 16),
        ("A7", 8.0, 8, "stomach", "high", 55),
        ("A8", 12.0, 8, "stomach", "high", 86),
        ("A9", 4.0, 3, "rectum", "low", 8.5),
        ("A10", 8.0, 3, "rectum", "insufficient_data", None),
        ("A11", 12.0, 3, "rectum", "high", 57),
        ("A12", 1.5, 8, "rectum", "high", 54),
        ("A13", 4.0, 8, "rectum", "high", 52),
        ("A14", 12.0, 12, "rectum", "high", 71),
        ("A15", 8.0, 3, "jejunum_ileum", "moderate", 24),
        ("A16", 12.0, 3, "jejunum_ileum", "high", 52),
        ("A17", 1.5, 8, "jejunum_ileum", "high", None),
        ("A18", 8.0, 8, "jejunum_ileum", "high", 85),
        ("A19", 12.0, 8, "jejunum_ileum", "high", 90),
        ("A20", 4.0, 3, "duodenum", "low", 8.3),
        ("A21", 8.0, 3, "duodenum", "insufficient_data", None),
        ("A22", 12.0, 3, "duodenum", "high", 34),
        ("A23", 4.0, 8, "duodenum", "high", 50),
        ("A24", 12.0, 8, "duodenum", "high", 86),
        ("A25", 2.0, 5, "stomach", "none", 0),
        ("A26", 5.0, 5, "stomach", "very_low", 1.9),
        ("A27", 10.0, 6, "stomach", "high", 55),
        ("A28", 4.0, 3, "colon", None, None),
    ],
)
def test_reference_vectors_afip_miettinen2006(
    vid: str, size: float, mit: float, site: str, category: str | None, pct: float | None
) -> None:
    """Source: primary-risk.md §9.3 (data column A = jejunum/ileum, B = duodenum by default)."""
    p = panel(site=site, size_cm=size, mitoses=mit, rupture=False)
    assert p.afip is not None
    assert (p.afip.category, p.afip.progression_pct) == (category, pct), vid


def test_afip_open_points_are_shown_as_notes_miettinen2006() -> None:
    """Source: primary-risk.md §3.2-3.3 (column labels; gastric 3b 10 % vs 12 %)."""
    j = panel(site="jejunum_ileum", size_cm=8, mitoses=3, rupture=False).afip
    assert j is not None and any(
        "As printed, this tumour would be insufficient_data" in n for n in j.notes
    )
    assert j.confidence == "unverified"
    d = panel(site="duodenum", size_cm=8, mitoses=3, rupture=False).afip
    assert d is not None and any("moderate (24 %)" in n for n in d.notes)
    g = panel(site="stomach", size_cm=12, mitoses=3, rupture=False).afip
    assert g is not None and any("12 %" in n for n in g.notes)
    assert not panel(site="stomach", size_cm=8, mitoses=3, rupture=False).afip.notes  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "vid,size,mit,site,nodes,metastatic,t,stage",
    [
        ("S1", 4.0, 3, "stomach", "N0", False, "T2", "IA"),
        ("S2", 1.5, 3, "stomach", "N0", False, "T1", "IA"),
        ("S3", 8.0, 3, "stomach", "N0", False, "T3", "IB"),
        ("S4", 1.5, 8, "stomach", "N0", False, "T1", "II"),
        ("S5", 12.0, 3, "stomach", "N0", False, "T4", "II"),
        ("S6", 8.0, 8, "stomach", "N0", False, "T3", "IIIA"),
        ("S7", 12.0, 8, "stomach", "N0", False, "T4", "IIIB"),
        ("S8", 4.0, 3, "stomach", "N1", False, "T2", "IV"),
        ("S9", 4.0, 3, "jejunum_ileum", "N0", False, "T2", "I"),
        ("S10", 8.0, 3, "jejunum_ileum", "N0", False, "T3", "II"),
        ("S11", 1.5, 8, "jejunum_ileum", "N0", False, "T1", "IIIA"),
        ("S12", 12.0, 3, "rectum", "N0", False, "T4", "IIIA"),
        ("S13", 4.0, 8, "duodenum", "N0", False, "T2", "IIIB"),
        ("S14", 12.0, 8, "esophagus", "N0", True, "T4", "IV"),
        ("S15", 5.0, 5, "omentum", "N0", False, "T2", "IA"),
        ("S16", 5.0, 6, "mesentery", "N0", False, "T2", "IIIB"),
    ],
)
def test_reference_vectors_ajcc8_amin2017(
    vid: str, size: float, mit: float, site: str, nodes: str, metastatic: bool, t: str, stage: str
) -> None:
    """Source: primary-risk.md §9.4 (AJCC 8th)."""
    p = panel(site=site, size_cm=size, mitoses=mit, nodes=nodes, metastatic=metastatic)
    assert p.ajcc8 is not None
    assert (p.ajcc8.t, p.ajcc8.stage) == (t, stage), vid
    if metastatic:
        assert p.ajcc8.m == "M1"


@pytest.mark.parametrize(
    "vid,size,t", [("S17", 10.0, "T3"), ("S17", 10.1, "T4"), ("S18", 2.0, "T1"), ("S18", 2.1, "T2")]
)
def test_reference_vectors_ajcc8_t_boundaries_amin2017(vid: str, size: float, t: str) -> None:
    """Source: primary-risk.md §9.4 S17/S18 (T boundaries)."""
    p = panel(site="stomach", size_cm=size, mitoses=3)
    assert p.ajcc8 is not None and p.ajcc8.t == t, vid
