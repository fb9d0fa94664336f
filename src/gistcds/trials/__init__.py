"""Trial matching: the dated, cited trials table against one patient's facts.

``match_trials(facts_for_trials(facts), table)`` lists the trials whose
encoded eligibility the patient does not contradict, open ones first, each with the
reasons it fits and what could not be checked. ``read_ctgov_export`` and ``merge_export``
refresh the table from a ClinicalTrials.gov API v2 JSON export (``gistcds trials import``);
they are imported on first use, so an assessment does not load the export reader.
"""

from typing import TYPE_CHECKING, Any

from gistcds.trials.match import TrialFacts, TrialMatch, match_trials
from gistcds.trials.options import (
    facts_for_trials,
    pregnancy_trial_cautions,
    trial_options,
    with_trials,
)

__all__ = [
    "TrialFacts",
    "TrialMatch",
    "facts_for_trials",
    "match_trials",
    "merge_export",
    "pregnancy_trial_cautions",
    "read_ctgov_export",
    "trial_options",
    "with_trials",
]

if TYPE_CHECKING:
    from gistcds.trials.ctgov import merge_export, read_ctgov_export


def __getattr__(name: str) -> Any:
    if name in ("merge_export", "read_ctgov_export"):
        from gistcds.trials import ctgov

        return getattr(ctgov, name)
    raise AttributeError(f"module 'gistcds.trials' has no attribute {name!r}")
