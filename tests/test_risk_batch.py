"""The vectorised batch path gives exactly the scalar answers.

Proof by (1) the full grid of every table cell x every site x rupture/nodes/metastatic
x missing values, with the boundary values 2.0/5.0/10.0 cm and 5/10 mitoses and their
nearest neighbours, and (2) 100 000 seeded random patients drawn with extra weight on the
boundaries. Both paths index the same compiled KB tables (``risk.tables``).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gistcds.knowledge import load_kb
from gistcds.risk import RiskInput
from gistcds.risk.bands import band, bands
from gistcds.risk.batch import (
    OUTPUT_COLUMNS,
    Codes,
    Encoded,
    Factor,
    Factored,
    encode,
    score_codes,
    score_factored,
    score_frame,
)
from gistcds.risk.panel import flatten, score
from gistcds.risk.tables import SITES, risk_tables

SITE_VALUES: list[str | None] = [*SITES, None]
BOUNDARY_SIZES = [2.0, 5.0, 10.0]
BOUNDARY_MITOSES = [5.0, 10.0]


def _near(x: float) -> list[float]:
    return [np.nextafter(x, -math.inf), x, np.nextafter(x, math.inf)]


GRID_SIZES = sorted(
    {0.1, 1.0, 3.0, 7.0, 12.0, 2.1, 5.1, 10.1, *(v for b in BOUNDARY_SIZES for v in _near(b))}
)
GRID_MITOSES = sorted(
    {0.0, 3.0, 6.0, 8.0, 12.0, 5.5, 10.5, *(v for b in BOUNDARY_MITOSES for v in _near(b))}
)


def _frame(rows: list[RiskInput]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [str(i) for i in range(len(rows))],
            "site": pd.Categorical([r.site for r in rows], categories=list(SITES)),
            "size_cm": [np.nan if r.size_cm is None else r.size_cm for r in rows],
            "mitoses": [np.nan if r.mitoses is None else r.mitoses for r in rows],
            "rupture": [np.nan if r.rupture is None else float(r.rupture) for r in rows],
            "nodes": pd.Categorical([r.nodes for r in rows], categories=["N0", "N1", "NX"]),
            "metastatic": [r.metastatic for r in rows],
        }
    )


def _normal(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return v


def assert_same(rows: list[RiskInput]) -> None:
    kb = load_kb()
    t = risk_tables(kb)
    batch = score_frame(_frame(rows), t)
    assert list(batch.columns) == list(OUTPUT_COLUMNS)
    expected = pd.DataFrame([flatten(score(r, t)) for r in rows])
    for col in OUTPUT_COLUMNS:
        got = [_normal(v) for v in batch[col].astype(object).tolist()]
        want = [_normal(v) for v in expected[col].astype(object).tolist()]
        if got != want:
            bad = next(i for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w)
            pytest.fail(f"{col}: row {bad} {rows[bad]}: batch {got[bad]!r} != scalar {want[bad]!r}")


def _factored(x: Encoded) -> Factored:
    """Each column as codes into its distinct values (as cohort validation hands them over)."""

    def factor(values: Any) -> Factor:
        uniq, codes = np.unique(values, return_inverse=True)
        return Factor(codes.astype(np.int32), uniq)

    return Factored(
        factor(x.site),
        factor(x.size_cm),
        factor(x.mitoses),
        factor(x.rupture),
        factor(x.nodes),
        factor(x.metastatic),
    )


def assert_factored_same(x: Encoded) -> None:
    """Scoring each combination of bands once gives every row what ``score_codes`` gives it."""
    t = risk_tables(load_kb())
    want = score_codes(x, t)
    key, grid = score_factored(_factored(x), t)
    for name in Codes.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(grid, name)[key], getattr(want, name), name)


def test_band_scalar_and_vector_agree_on_boundaries() -> None:
    t = risk_tables(load_kb())
    for bounds, values in ((t.size_bounds, GRID_SIZES), (t.mitosis_bounds, GRID_MITOSES)):
        vec = bands(np.asarray(values), np.asarray(bounds))
        assert [band(v, bounds) for v in values] == vec.tolist()
    assert band(2.0, t.size_bounds) == 0 and band(np.nextafter(2.0, 3), t.size_bounds) == 1


def test_batch_equals_scalar_on_the_full_grid() -> None:
    """Every table cell x site x rupture x nodes x metastatic x missing values."""
    rows = [
        RiskInput(site=s, size_cm=z, mitoses=m, rupture=r, nodes=n, metastatic=meta)
        for s, z, m, r, n, meta in itertools.product(
            SITE_VALUES,
            [None, *GRID_SIZES],
            [None, *GRID_MITOSES],
            [None, False, True],
            [None, "N0", "N1"],
            [False, True],
        )
    ]
    assert len(rows) > 50_000
    assert_same(rows)
    assert_factored_same(encode(_frame(rows)))


def _random_rows(n: int, seed: int) -> list[RiskInput]:
    rng = np.random.default_rng(seed)
    decimals = rng.integers(0, 3, n)
    size = np.round(rng.uniform(0.1, 30.0, n) * 10.0**decimals) / 10.0**decimals
    pick = rng.random(n) < 0.3
    size[pick] = rng.choice(np.array([v for b in BOUNDARY_SIZES for v in _near(b)]), pick.sum())
    mit = rng.integers(0, 40, n).astype(float)
    frac = rng.random(n) < 0.2
    mit[frac] = rng.uniform(0, 40, frac.sum())
    pick = rng.random(n) < 0.3
    mit[pick] = rng.choice(np.array([v for b in BOUNDARY_MITOSES for v in _near(b)]), pick.sum())
    site_i = rng.integers(0, len(SITE_VALUES), n)
    size_missing = rng.random(n) < 0.05
    mit_missing = rng.random(n) < 0.05
    rupture = rng.choice(np.array([-1, 0, 1]), n, p=[0.2, 0.7, 0.1])
    nodes = rng.choice(np.array([-1, 0, 1]), n, p=[0.5, 0.45, 0.05])
    meta = rng.random(n) < 0.1
    return [
        RiskInput(
            site=SITE_VALUES[site_i[i]],
            size_cm=None if size_missing[i] else float(size[i]),
            mitoses=None if mit_missing[i] else float(mit[i]),
            rupture=None if rupture[i] < 0 else bool(rupture[i]),
            nodes=None if nodes[i] < 0 else ("N0", "N1")[nodes[i]],
            metastatic=bool(meta[i]),
        )
        for i in range(n)
    ]


def test_batch_equals_scalar_on_100k_seeded_random_patients() -> None:
    rows = _random_rows(100_000, seed=20261126)
    assert_same(rows)
    assert_factored_same(encode(_frame(rows)))


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 400), st.integers(0, 2**32 - 1))
def test_factored_equals_row_by_row_on_random_cohorts(n: int, seed: int) -> None:
    assert_factored_same(encode(_frame(_random_rows(n, seed))))


def test_batch_path_reads_the_kb_tables(tmp_path: Any) -> None:
    """Editing a KB cell changes both paths the same way (no rule copied into the batch code)."""
    import shutil

    from gistcds.knowledge import build_kb

    src = load_kb().directory
    kb_dir = tmp_path / "kb"
    shutil.copytree(src, kb_dir, ignore=shutil.ignore_patterns("schema", "__pycache__", "*.py"))
    text = (kb_dir / "risk_afip.yaml").read_text()
    (kb_dir / "risk_afip.yaml").write_text(
        text.replace("progression_pct: 55}", "progression_pct: 56}")
    )
    kb = build_kb(kb_dir)
    t = risk_tables(kb)
    row = RiskInput(site="stomach", size_cm=8, mitoses=8, rupture=False)
    assert flatten(score(row, t))["afip_progression_pct"] == 56
    assert score_frame(_frame([row]), t)["afip_progression_pct"].iloc[0] == 56
