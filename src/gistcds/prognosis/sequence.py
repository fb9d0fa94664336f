"""The sequence simulation for one patient: the genotype's own sequence, from the next line.

``build_sequence`` gives the whole published sequence (line 1 to the last); this module
drops the lines the patient has already had, so that the simulated overall survival
runs from the start of the patient's next line. It runs only where the sequence's step
at that line is the drug the therapy engine recommends; otherwise it says why not
(null with a reason), rather than simulating a sequence the patient is not on.

Small and seeded (``PATIENTS`` draws, one chunk, fixed ``SEED``): the same knowledge
base gives the same numbers on every run and machine, in a few milliseconds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import lru_cache
from typing import NamedTuple

from gistcds.domain.facts import ClinicalFacts
from gistcds.domain.results.genotype import GenotypeClass, KitPdgfraStatus
from gistcds.domain.results.prognosis import SequenceLine, SequenceSimulation
from gistcds.knowledge import KnowledgeBase
from gistcds.knowledge.results import remembered
from gistcds.knowledge.schema.prognosis_arms import Arm
from gistcds.knowledge.schema.prognosis_sequences import Sequence, Step
from gistcds.prognosis.curves import Curve
from gistcds.prognosis.evidence import Evidence, evidence
from gistcds.prognosis.notes import Note, fields
from gistcds.prognosis.spec import SequenceSpec, build_sequence, first_line_os_comparable

# Monte Carlo settings (method, not clinical numbers): 20 000 patients give a Monte Carlo
# standard error of the median OS well under 0.1 month, in a few milliseconds.
PATIENTS = 20_000
SEED = 20261126
LANDMARKS = (12.0, 24.0, 60.0)

CAVEAT = (
    "Population-level simulation: simulated trial-like patients move through the sequence, "
    "each line's time drawn from a published arm and the chance of starting the next line "
    "from published crossover figures; lines are treated as independent. It describes a "
    "group, not this person, and is not a prediction of how long this patient will live."
)
METHOD = (
    f"{PATIENTS:_} simulated patients (seed {SEED}): on each line a time to progression "
    "drawn from the fitted curve of that line's arm; after progression the next line is "
    "started with the published probability; after the last line received, survival drawn "
    "from the post-last-line arm. OS = sum of the times. See docs/prognosis.md."
).replace("_", "\u2009", 1)


def _r(x: float, nd: int = 1) -> float:
    return round(float(x), nd)


@dataclasses.dataclass(frozen=True)
class RunSummary:
    """The figures the output takes from one simulation run (not the arrays)."""

    patients: int
    os_p10_q25_med_q75_p90: tuple[float, float, float, float, float]
    os_survival: tuple[float, ...]  # at LANDMARKS
    # per line: patients who reached it, and (q25, median, q75) of the time on it
    lines: tuple[tuple[int, tuple[float, float, float] | None], ...]


_SIM_CACHE = 256  # distinct simulated sequences kept (a few hundred bytes each)
# the code a stored run depends on (the arguments carry the rest)
_CODE = (
    "gistcds.prognosis.sequence",
    "gistcds.prognosis.sequence_run",
    "gistcds.prognosis.simulate",
    "gistcds.prognosis.spec",
    "gistcds.prognosis.curves",
    "gistcds.prognosis.evidence",
    "numpy",
)


@lru_cache(maxsize=_SIM_CACHE)
def _simulate(
    lines: tuple[tuple[Curve, float], ...],
    proceed: tuple[float, ...],
    post: Curve,
    kb_key: str = "",
) -> RunSummary:
    """The seeded simulation's summary figures: a pure function of the curves, hazard ratios
    and proceed probabilities (all ``run`` reads of the spec), so patients on the same
    sequence under the same hazard ratios share one run, in this process and, under the
    knowledge base's cache key ``kb_key``, on disk (``gistcds.knowledge.results``)."""

    def compute() -> RunSummary:
        from gistcds.prognosis.sequence_run import summarise_run

        return summarise_run(lines, proceed, post)

    return remembered(kb_key, "sequence", (lines, proceed, post), compute, RunSummary, _CODE)


def _start(
    chosen: Sequence | None, lookup: str, line: int, drug: str
) -> tuple[Step | None, Note | None]:
    """The sequence's step at ``line``, or why the simulation cannot start there."""
    if chosen is None:
        return None, Note(
            "no_sequence",
            f"No treatment sequence in the knowledge base covers {lookup}; "
            "the sequence is not simulated.",
        )
    if line > len(chosen.steps):
        return None, Note(
            "beyond_sequence",
            f"The next line ({line}) lies beyond the last line of the published sequence "
            f"({chosen.label}); no evidence to simulate from here.",
        )
    step = chosen.steps[line - 1]
    if step.drug != drug:
        return None, Note(
            "sequence_drug_differs",
            f"The recommended line {line} is {drug}, but line {line} of the published "
            f"sequence ({chosen.label}) is {step.drug}; no sequence evidence starts from this "
            "position.",
        )
    return step, None


class _Trimmed(NamedTuple):
    spec: SequenceSpec
    comparable: bool
    compare_arm: Arm | None
    first_arm: Arm


def _trim(ev: Evidence, full: SequenceSpec, k: int) -> _Trimmed:
    """The sequence from line ``k + 1`` on. The published first-line OS is a fair yardstick
    only for a simulation that starts at line 1 on that OS arm's own genotype group,
    unadjusted: never for a proxy or all-comers first line (an exon 13 patient measured
    against the KIT exon 11 OS)."""
    compare_arm = ev.arms[full.compare_os_arm].arm if full.compare_os_arm else None
    first_arm = ev.arms[full.lines[0].arm_id].arm
    comparable = k == 0 and first_line_os_comparable(ev, full)
    spec = dataclasses.replace(
        full,
        lines=full.lines[k:],
        proceed=full.proceed[k:],
        compare_os_arm=full.compare_os_arm if comparable else None,
        compare_os_median=full.compare_os_median if comparable else None,
    )
    return _Trimmed(spec, comparable, compare_arm, first_arm)


def _lines(ev: Evidence, spec: SequenceSpec, result: RunSummary) -> list[SequenceLine]:
    """Each simulated line: its arm, time on it, the chance of going on, its sources."""
    transitions = {t.after_line: t for t in ev.sequences.transitions}
    out: list[SequenceLine] = []
    for ls, (reached, quantiles) in zip(spec.lines, result.lines, strict=True):
        arm = ev.arms[ls.arm_id].arm
        nxt = transitions.get(ls.line) if ls is not spec.lines[-1] else None
        hr_sources = {sid for fid in ls.adjusted_by for sid in ev.factors[fid].source_ids}
        quart, median = None, None
        if quantiles is not None:
            lo, mid, hi = quantiles
            quart, median = (_r(lo), _r(hi)), _r(mid)
        out.append(
            SequenceLine(
                line=ls.line,
                drug=ls.drug,
                dose_mg_per_day=ls.dose_mg_per_day,
                arm_id=arm.id,
                trial=arm.trial,
                endpoint=arm.endpoint,
                fallback=ls.fallback,
                confidence=arm.confidence,
                reached_fraction=round(reached / result.patients, 3),
                median_months_on_line=median,
                quartiles_months_on_line=quart,
                proceed_probability=nxt.proceed_probability if nxt else None,
                proceed_basis=" ".join(nxt.basis.split()) if nxt else None,
                proceed_confidence=nxt.confidence if nxt else None,
                hazard_ratio=round(ls.hazard_ratio, 4),
                adjusted_by=list(ls.adjusted_by),
                source_ids=sorted(
                    set(arm.source_ids) | hr_sources | set(nxt.source_ids if nxt else [])
                ),
            )
        )
    return out


def _notes(
    full: SequenceSpec,
    t: _Trimmed,
    step: Step,
    line: int,
    dose: float | None,
    ongoing_since: dt.date | None,
) -> list[Note]:
    drug = step.drug
    notes = [n for n in full.notes if int(n.text.split(":", 1)[0].removeprefix("line ")) >= line]
    if dose is not None and step.dose_mg_per_day is not None and dose != step.dose_mg_per_day:
        notes.append(
            Note(
                "sequence_dose_differs",
                f"The recommended {drug} dose ({dose:g} mg/day) differs from the sequence's "
                f"{step.dose_mg_per_day:g} mg/day; line {line} is drawn from the arm at the "
                "sequence dose.",
            )
        )
    if line == 1 and t.compare_arm is not None and not t.comparable:
        hr = full.lines[0].hazard_ratio
        notes.append(
            Note(
                "first_line_os_not_compared",
                f"The published first-line OS of {t.compare_arm.trial} ({t.compare_arm.group}) "
                "is not shown for comparison: this simulation's first line is drawn from other "
                f"evidence ({t.first_arm.group}" + (f" × HR {hr:g}" if hr != 1 else "") + ").",
            )
        )
    if ongoing_since is not None:
        notes.append(
            Note(
                "already_on_drug",
                f"Already on {drug} since {ongoing_since.isoformat()}: the simulated survival "
                "counts from the start of that line, not from today.",
            )
        )
    return notes


def _basis(ev: Evidence, spec: SequenceSpec, patients: int, post_trial: str) -> str:
    """What kind of figure the simulated OS is, and which OS figure to quote."""
    trials = "; ".join(
        dict.fromkeys(f"line {ls.line} {ev.arms[ls.arm_id].arm.trial}" for ls in spec.lines)
    )
    return (
        f"Model, not a trial result: {patients:,} simulated patients move through "
        f"{spec.label} from line {spec.lines[0].line if spec.lines else '?'}, each line's time "
        f"drawn from that line's published PFS arm ({trials}), the chance of starting the next "
        f"line from trial crossover rates, and survival after the last line from {post_trial}; "
        "lines are treated as independent. It shows what the whole sequence adds up to; for "
        "this patient's overall survival quote the published OS arm (prognosis os) where one "
        "is shown."
    )


def patient_sequence(
    kb: KnowledgeBase,
    *,
    genotype_class: GenotypeClass | None,
    line: int,
    drug: str,
    dose: float | None,
    ongoing_since: dt.date | None = None,
    kit_pdgfra_status: KitPdgfraStatus | None = None,
    facts: ClinicalFacts | None = None,
) -> tuple[SequenceSimulation | None, Note | None]:
    """The simulated sequence from ``line`` on, or None and the reason it cannot run.

    With the patient's ``facts`` (and the genotype's ``kit_pdgfra_status``) each line is
    drawn from the curve the prognosis engine would show for that patient: same arm route,
    same published hazard ratios.
    """
    ev = evidence(kb)
    lookup = genotype_class or "not_tested"
    chosen = next((s for s in ev.sequences.sequences if lookup in s.genotype_classes), None)
    step, why = _start(chosen, lookup, line, drug)
    if chosen is None or step is None:
        return None, why
    try:
        full = build_sequence(
            kb,
            genotype_class=genotype_class,
            sequence_id=chosen.id,
            kit_pdgfra_status=kit_pdgfra_status,
            facts=facts,
        )
    except ValueError as exc:
        return None, Note(
            "sequence_failed", f"The sequence {chosen.label} cannot be simulated: {exc}."
        )
    t = _trim(ev, full, line - 1)
    result = _simulate(
        tuple((ls.curve, ls.hazard_ratio) for ls in t.spec.lines),
        t.spec.proceed,
        t.spec.post,
        ev.cache_key,
    )
    p10, q25, med, q75, p90 = result.os_p10_q25_med_q75_p90
    surv = result.os_survival
    lines = _lines(ev, t.spec, result)
    post = ev.sequences.post_last_line
    post_arm = ev.arms[post.arm].arm
    return (
        SequenceSimulation(
            sequence_id=t.spec.sequence_id,
            label=t.spec.label,
            start_line=line,
            drugs=[ls.drug for ls in t.spec.lines],
            patients=result.patients,
            seed=SEED,
            os_median_months=_r(med),
            os_quartiles_months=(_r(q25), _r(q75)),
            os_p10_p90_months=(_r(p10), _r(p90)),
            os_survival_1y=round(surv[0], 3),
            os_survival_2y=round(surv[1], 3),
            os_survival_5y=round(surv[2], 3),
            lines=lines,
            post_last_line_arm=post_arm.id,
            post_last_line_trial=post_arm.trial,
            post_last_line_note=" ".join(post.note.split()),
            post_last_line_confidence=post.confidence,
            compare_os_arm=t.spec.compare_os_arm,
            compare_os_median_months=t.spec.compare_os_median,
            basis=_basis(ev, t.spec, result.patients, post_arm.trial),
            caveat=CAVEAT,
            method=METHOD,
            **fields(_notes(full, t, step, line, dose, ongoing_since)),
            source_ids=_sources(ev, t.spec, lines),
        ),
        None,
    )


def _sources(ev: Evidence, spec: SequenceSpec, lines: list[SequenceLine]) -> list[str]:
    """Every source the simulation draws on: its lines' arms, the post-last-line arm and
    the published OS arm it is compared with."""
    post = ev.sequences.post_last_line
    sources = {sid for ln in lines for sid in ln.source_ids}
    sources |= {*post.source_ids, *ev.arms[post.arm].arm.source_ids}
    if spec.compare_os_arm:
        sources.update(ev.arms[spec.compare_os_arm].arm.source_ids)
    return sorted(sources)
