"""Match one patient to the trials table: a pure function of (patient facts, table).

The facts are few and explicit (:class:`TrialFacts`): the disease setting, the genotype
class, the drugs already given for advanced disease, their number, ECOG and the secondary
KIT regions. Each trial is checked criterion by criterion; a trial matches when no encoded
criterion fails. A criterion whose fact is missing (e.g. ECOG not recorded) does not exclude
the trial but is listed in ``unchecked``, and so is every trial whose eligibility was not
encoded (imported from a registry export), so that nothing is offered as a sure fit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from gistcds.domain.results.genotype import GenotypeClass, SecondaryRegion
from gistcds.knowledge.schema.trials import Eligibility, Table, Trial

__all__ = ["TrialFacts", "TrialMatch", "match_trials"]

Availability = Literal["open", "closed", "unknown"]


class TrialFacts(NamedTuple):
    """What trial eligibility is checked against."""

    setting: Literal["metastatic", "localized"] | None
    genotype: GenotypeClass | None
    prior_drugs: frozenset[str] = frozenset()
    n_prior_lines: int = 0
    ecog: int | None = None
    secondary_regions: frozenset[SecondaryRegion] = frozenset()


@dataclass(frozen=True)
class TrialMatch:
    """A trial the patient may fit, why, and what could not be checked."""

    trial: Trial
    availability: Availability
    reasons: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)


Check = Callable[[Eligibility, TrialFacts], tuple[bool | None, str]]


def _setting(e: Eligibility, f: TrialFacts) -> tuple[bool | None, str]:
    if f.setting is None:
        return None, "disease setting not recorded"
    return f.setting in e.settings, f"setting {f.setting}"


def _genotype(e: Eligibility, f: TrialFacts) -> tuple[bool | None, str]:
    if not e.genotypes and not e.excluded_genotypes:
        return True, "any genotype"
    if f.genotype in (None, "not_tested", "unclassified"):
        return None, "genotype not established"
    ok = (not e.genotypes or f.genotype in e.genotypes) and f.genotype not in e.excluded_genotypes
    return ok, f"genotype {f.genotype}"


def _lines(e: Eligibility, f: TrialFacts) -> tuple[bool | None, str]:
    n = f.n_prior_lines
    ok = n >= e.min_prior_lines and (e.max_prior_lines is None or n <= e.max_prior_lines)
    return ok, _prior_lines_text(n)


def _prior_lines_text(n: int) -> str:
    """``no prior line``, ``1 prior line``, ``2 prior lines`` (for advanced disease)."""
    if n == 0:
        return "no prior line for advanced disease"
    return f"{n} prior line{'s' if n > 1 else ''} for advanced disease"


def _drugs(e: Eligibility, f: TrialFacts) -> tuple[bool | None, str]:
    missing = [d for d in e.required_prior_drugs if d not in f.prior_drugs]
    given = sorted(d for d in e.excluded_prior_drugs if d in f.prior_drugs)
    if missing:
        return False, "not yet given: " + ", ".join(missing)
    if given:
        return False, "already given: " + ", ".join(given)
    if e.required_prior_drugs:
        return True, "prior " + ", ".join(e.required_prior_drugs)
    return True, "no prior-drug requirement"


def _secondary(e: Eligibility, f: TrialFacts) -> tuple[bool | None, str]:
    if not e.required_secondary and not e.excluded_secondary:
        return True, "no secondary-mutation requirement"
    if not f.secondary_regions:
        return None, "secondary KIT mutations not tested (ctDNA or biopsy)"
    ok = (not e.required_secondary or bool(f.secondary_regions & set(e.required_secondary))) and (
        not f.secondary_regions & set(e.excluded_secondary)
    )
    return ok, "secondary regions " + ", ".join(sorted(f.secondary_regions))


def _ecog(e: Eligibility, f: TrialFacts) -> tuple[bool | None, str]:
    if e.max_ecog is None:
        return True, "no ECOG limit encoded"
    if f.ecog is None:
        return None, f"ECOG not recorded (trial: ECOG 0-{e.max_ecog})"
    return f.ecog <= e.max_ecog, f"ECOG {f.ecog} (trial: 0-{e.max_ecog})"


CHECKS: tuple[Check, ...] = (_setting, _genotype, _lines, _drugs, _secondary, _ecog)


def _availability(trial: Trial, open_statuses: Iterable[str]) -> Availability:
    if trial.status is None:
        return "unknown"
    return "open" if trial.status in set(open_statuses) else "closed"


def match_trials(
    facts: TrialFacts, table: Table, *, include_closed: bool = False
) -> list[TrialMatch]:
    """Trials whose encoded eligibility the facts do not contradict, open ones first.

    Closed trials (a known status outside ``open_statuses``) are left out unless
    ``include_closed``; trials of unknown status are kept and say so.
    """
    out: list[TrialMatch] = []
    for trial in table.trials:
        availability = _availability(trial, table.open_statuses)
        if availability == "closed" and not include_closed:
            continue
        reasons: list[str] = []
        unchecked: list[str] = []
        if not trial.eligibility.parsed:
            if facts.setting not in trial.eligibility.settings:
                continue
            unchecked.append("eligibility not encoded: read the registry text")
            out.append(
                TrialMatch(trial, availability, ["setting " + str(facts.setting)], unchecked)
            )
            continue
        fits = True
        for check in CHECKS:
            ok, why = check(trial.eligibility, facts)
            if ok is False:
                fits = False
                break
            (reasons if ok else unchecked).append(why)
        if fits:
            out.append(TrialMatch(trial, availability, reasons, unchecked))
    order = {"open": 0, "unknown": 1, "closed": 2}
    return sorted(out, key=lambda m: order[m.availability])
