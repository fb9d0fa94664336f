"""The prognosis engine's speed-ups change no number.

The band's percentiles come from one sort instead of ``np.percentile`` (same order
statistics, numpy's interpolation formula); the per-arm bands and the sequence runs are
memoised. Each is checked here against the computation it replaces.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from conftest import example
from gistcds.assess import assess
from gistcds.domain.patient import Patient
from gistcds.prognosis import band, sequence
from gistcds.prognosis.band_draws import _BAND_Q, _hazen_band


@pytest.mark.parametrize("n", [1, 2, 3, 7, 39, 40, 41, 400, 401])
@pytest.mark.parametrize("seed", range(5))
def test_hazen_band_is_numpys_percentile(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    draws = rng.random((13, n))
    draws[::3] = np.round(draws[::3], 1)  # ties
    draws[1, : n // 2] = draws[1, 0]
    lo, hi = _hazen_band(draws)
    want_lo, want_hi = np.percentile(draws, _BAND_Q, axis=-1, method="hazen")
    np.testing.assert_array_equal(lo, want_lo)
    np.testing.assert_array_equal(hi, want_hi)
    # one dimension (the median's draws) too
    one_lo, one_hi = _hazen_band(draws[0])
    np.testing.assert_array_equal(
        [one_lo, one_hi], np.percentile(draws[0], _BAND_Q, method="hazen")
    )


def test_hazen_band_keeps_numpys_nan_rule() -> None:
    draws = np.random.default_rng(0).random((4, 400))
    draws[2, 17] = np.nan
    lo, hi = _hazen_band(draws)
    want_lo, want_hi = np.percentile(draws, _BAND_Q, axis=-1, method="hazen")
    np.testing.assert_array_equal(lo, want_lo)
    np.testing.assert_array_equal(hi, want_hi)
    assert np.isnan(lo[2]) and not np.isnan(lo[0])


def _assessed(kb: Any, name: str) -> str:
    return assess(Patient.model_validate(example(name)), kb).model_dump_json()


@pytest.mark.parametrize(
    "name", ["metastatic-kit11-untreated.json", "progression-after-imatinib.json"]
)
def test_memoised_output_equals_a_fresh_computation(kb: Any, name: str) -> None:
    band.band.cache_clear()
    sequence._simulate.cache_clear()
    fresh = _assessed(kb, name)
    assert band.band.cache_info().misses > 0
    assert sequence._simulate.cache_info().misses > 0
    hits = band.band.cache_info().hits, sequence._simulate.cache_info().hits
    again = _assessed(kb, name)
    assert band.band.cache_info().hits > hits[0]
    assert sequence._simulate.cache_info().hits > hits[1]
    assert again == fresh


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 10, 101, 2000])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sequence_percentiles_are_numpys(n: int, seed: int) -> None:
    """The sequence summary's quantiles (issue 19 item 11: without numpy.ma) equal
    ``np.percentile`` bit for bit, ties and repeated values included."""
    from gistcds.prognosis.sequence_run import percentiles

    rng = np.random.default_rng(seed)
    qs = (10, 25, 50, 75, 90)
    for values in (rng.exponential(30.0, n), np.round(rng.exponential(30.0, n)), np.zeros(n)):
        expected = tuple(float(x) for x in np.percentile(values, qs))
        assert percentiles(values, qs) == expected
