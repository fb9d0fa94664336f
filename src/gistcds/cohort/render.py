"""Text and HTML renderings of the registry analyses (no computation here).

HTML pages are self-contained (inline CSS and SVG, no script, no external link) and use
the single-patient report's stylesheet, read from the report package's public resources
when it is there.
"""

from __future__ import annotations

import datetime as dt
import html
from importlib import resources

from gistcds.cohort import plots
from gistcds.cohort.calibrate import CalibrationResult
from gistcds.cohort.cox import CoxResult
from gistcds.cohort.survival import SurvivalResult

__all__ = [
    "calibration_html",
    "calibration_section",
    "calibration_text",
    "cox_html",
    "cox_section",
    "cox_text",
    "page",
    "survival_html",
    "survival_section",
    "survival_text",
]

DISCLAIMER = (
    "Registry analytics for research and quality work, not for one patient's care. "
    "gistcds is decision support for qualified clinicians, not a medical device."
)
_FALLBACK_CSS = (
    "html{font-family:'DejaVu Sans',Arial,sans-serif;font-size:10pt;color:#1f2933}"
    "body{margin:0 auto;max-width:60rem;padding:1.5rem}h1,h2{color:#0b4f6c}"
    "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25rem .45rem;"
    "border-bottom:1px solid #d9dee3}svg.plot{max-width:100%;height:auto}"
)
_EXTRA_CSS = "svg.plot{max-width:100%;height:auto} .note{color:#5b6670;font-size:.85rem}"


def _css() -> str:
    try:
        ref = resources.files("gistcds.report").joinpath("templates/report.css")
        return ref.read_text(encoding="utf-8") + _EXTRA_CSS
    except (FileNotFoundError, ModuleNotFoundError, OSError):  # pragma: no cover
        return _FALLBACK_CSS + _EXTRA_CSS


def _e(x: object) -> str:
    return html.escape("" if x is None else str(x))


def _f(x: float | None, nd: int = 1) -> str:
    return "–" if x is None else f"{x:.{nd}f}"


def _p(x: float | None) -> str:
    return "–" if x is None else ("< 0.001" if x < 0.001 else f"{x:.3f}")


def page(title: str, sections: list[str], subtitle: str = "") -> str:
    """A whole, self-contained HTML document."""
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}</title>"
        f"<style>{_css()}</style></head><body><header class='masthead'><div>"
        f"<p class='kicker'>gistcds · registry analytics</p><h1>{_e(title)}</h1>"
        f"<p class='lead'>{_e(subtitle)}</p></div>"
        f"<dl class='meta'><dt>generated</dt><dd>{when}</dd></dl>"
        f"</header><p class='disclaimer'>{_e(DISCLAIMER)}</p><main>{''.join(sections)}</main>"
        "</body></html>\n"
    )


def _table(head: list[str], rows: list[list[str]], caption: str = "", cls: str = "num") -> str:
    th = "".join(f"<th scope='col'>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    return f"<table class='{cls}'>{cap}<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _median(g: object) -> str:
    """``136.8 (111.6–NR)``: a confidence limit the curve never crosses is not reached (NR),
    as oncology tables write it; a dash there read as a doubled range dash."""
    m, (lo, hi) = getattr(g, "median"), getattr(g, "median_ci")  # noqa: B009
    if m is None:
        return "not reached"
    lower, upper = ("NR" if x is None else f"{x:.1f}" for x in (lo, hi))
    return f"{m:.1f} ({lower}–{upper})"


def survival_text(res: SurvivalResult) -> str:
    lines = [
        f"Kaplan–Meier: {res.time} / {res.event}" + (f" by {', '.join(res.by)}" if res.by else "")
    ]
    lm = list(res.groups[0].landmarks) if res.groups else []
    lines.append(
        f"{'group':24} {'n':>8} {'events':>8}  {'median (95% CI)':22} "
        + " ".join(f"{m + ' mo':>8}" for m in lm)
    )
    for g in res.groups:
        rates = " ".join(
            f"{_f(None if v['survival'] is None else 100 * v['survival']):>8}"
            for v in g.landmarks.values()
        )
        lines.append(f"{g.group[:24]:24} {g.n:>8} {g.events:>8}  {_median(g):22} {rates}")
    if res.logrank:
        lines.append(
            f"log-rank (overall): chi2 {_f(res.logrank['statistic'], 2)}, "
            f"df {res.logrank['df']}, p {_p(res.logrank['p'])}"
        )
    for pw in res.pairwise:
        lines.append(f"  {pw['a']} vs {pw['b']}: chi2 {_f(pw['statistic'], 2)}, p {_p(pw['p'])}")
    for arm in res.overlays:
        lines.append(f"published {arm['id']}: median {arm['median_months']} months (n={arm['n']})")
    return "\n".join(lines) + "\n"


def survival_section(res: SurvivalResult, heading: str = "Survival", name: str = "km") -> str:
    lm = list(res.groups[0].landmarks) if res.groups else []
    rows = [
        [_e(g.group), str(g.n), str(g.events), _median(g)]
        + [_f(None if v["survival"] is None else 100 * v["survival"]) for v in g.landmarks.values()]
        for g in res.groups
    ]
    parts = [f"<section><h2>{_e(heading)}</h2>", plots.km_plot(res, name, heading)]
    parts.append(
        _table(
            ["group", "n", "events", "median, months (95% CI)", *(f"{m} mo, %" for m in lm)],
            rows,
            "Kaplan–Meier estimates (95% CI, exponential Greenwood)",
        )
    )
    if res.logrank:
        pw = [[_e(p["a"]), _e(p["b"]), _f(p["statistic"], 2), _p(p["p"])] for p in res.pairwise]
        parts.append(
            f"<p>Log-rank test over all groups: χ² {_f(res.logrank['statistic'], 2)}, "
            f"df {res.logrank['df']}, p {_p(res.logrank['p'])}.</p>"
        )
        parts.append(
            _table(["group", "versus", "χ²", "p"], pw, "Pairwise log-rank tests (unadjusted)")
        )
    for arm in res.overlays:
        parts.append(
            f"<p class='note'>Published arm shown as points: {_e(arm['trial'])}, {_e(arm['drug'])} "
            f"{_e(arm['dose_mg_per_day'])} mg/day, {_e(arm['endpoint'])}, n={_e(arm['n'])}, median "
            f"{_e(arm['median_months'])} months. {_e('; '.join(arm['citations']))}. "
            "A trial population "
            "is selected; differences from a registry are not a comparison of treatments.</p>"
        )
    return "".join(parts) + "</section>"


def survival_html(res: SurvivalResult) -> str:
    return page("Kaplan–Meier", [survival_section(res)], f"{res.time} / {res.event}")


def cox_text(res: CoxResult) -> str:
    lines = [
        f"Cox proportional hazards: n {res.n}, events {res.events}, "
        f"concordance {res.concordance:.3f}"
    ]
    if res.sampled_from:
        lines.append(f"(fitted on a deterministic sample of {res.n} of {res.sampled_from} rows)")
    lines.append(f"{'covariate':32} {'HR':>8} {'95% CI':>18} {'p':>8}")
    for r in res.coefficients:
        lines.append(
            f"{r['covariate'][:32]:32} {r['hr']:>8.3f} "
            f"{r['lower']:>8.3f}–{r['upper']:<8.3f} {_p(r['p']):>8}"
        )
    lines.append("reference levels: " + ", ".join(f"{k}={v}" for k, v in res.references.items()))
    lines.append(
        "proportional hazards (Schoenfeld, rank time): "
        + ", ".join(f"{c['covariate']} p {_p(c['p'])}" for c in res.ph_checks)
    )
    lines.extend(res.notes)
    return "\n".join(lines) + "\n"


def cox_section(res: CoxResult) -> str:
    rows = [
        [_e(r["covariate"]), f"{r['hr']:.3f}", f"{r['lower']:.3f}–{r['upper']:.3f}", _p(r["p"])]
        for r in res.coefficients
    ]
    ph = [
        [
            _e(c["covariate"]),
            _f(c["statistic"], 2),
            _p(c["p"]),
            "yes" if c["holds"] else "questionable",
        ]
        for c in res.ph_checks
    ]
    refs = ", ".join(f"{_e(k)} = {_e(v)}" for k, v in res.references.items()) or "none"
    sample = (
        f" Fitted on a deterministic sample of {res.n} of {res.sampled_from} rows."
        if res.sampled_from
        else ""
    )
    notes = "".join(f"<p class='note'>{_e(n)}</p>" for n in res.notes)
    return (
        "<section><h2>Cox proportional hazards</h2>"
        f"<p>n {res.n}, events {res.events}, "
        f"excluded for a missing covariate {res.excluded_incomplete}, "
        f"concordance {res.concordance:.3f}.{sample} Reference levels: {refs}.</p>"
        + plots.forest_plot(res)
        + _table(
            ["covariate", "HR", "95% CI", "p"],
            rows,
            "Hazard ratios (lifelines CoxPHFitter, Efron ties)",
        )
        + _table(
            ["covariate", "χ²", "p", "proportional hazards"],
            ph,
            "Proportional-hazards checks (Schoenfeld residuals, rank-transformed time)",
        )
        + notes
        + "</section>"
    )


def cox_html(res: CoxResult) -> str:
    return page("Cox proportional hazards", [cox_section(res)])


def calibration_text(res: CalibrationResult) -> str:
    auc = ", ".join(f"{k} mo {_f(v, 3)}" for k, v in res.auc.items())
    lines = [
        f"{res.system}: n {res.n}, events {res.events}, "
        f"Harrell's C {_f(res.c_index, 3)}, AUC {auc}, "
        f"Brier {_f(res.brier, 4)} (horizon {res.horizon_months:g} months)"
    ]
    lines.append(
        f"{'category':18} {'n':>8} {'events':>8} {'expected %':>11} {'observed % (95% CI)':>24}"
    )
    for c in res.categories:
        obs = f"{_f(c['observed_pct'])} ({_f(c['lower'])}–{_f(c['upper'])})"
        lines.append(
            f"{c['category']:18} {c['n']:>8} {c['events']:>8} {_f(c['expected_pct']):>11} {obs:>24}"
        )
    lines.extend(res.notes)
    return "\n".join(lines) + "\n"


def calibration_section(res: CalibrationResult) -> str:
    rows = [
        [
            _e(c["category"]),
            str(c["n"]),
            str(c["events"]),
            _f(c["expected_pct"]),
            f"{_f(c['observed_pct'])} ({_f(c['lower'])}–{_f(c['upper'])})",
        ]
        for c in res.categories
    ]
    auc = ", ".join(f"{k} months {_f(v, 3)}" for k, v in res.auc.items())
    plot = plots.calibration_plot(res, f"cal-{res.system}") or ""
    notes = "".join(f"<p class='note'>{_e(n)}</p>" for n in res.notes)
    if res.excluded:
        left = ", ".join(f"{_e(k)}: {v}" for k, v in res.excluded.items())
        notes += (
            f"<p class='note'>Rows without a {_e(res.system)} category were left out ({left}): "
            "the system does not apply to them or an input it needs is missing.</p>"
        )
    return (
        f"<section><h2>Calibration: {_e(res.system)}</h2>"
        f"<p>n {res.n}, events {res.events}. Harrell's C {_f(res.c_index, 3)}; "
        f"time-dependent AUC {auc}; "
        f"Brier score at {res.horizon_months:g} months {_f(res.brier, 4)}.</p>"
        + plot
        + _table(
            ["category", "n", "events", "expected %", "observed % (95% CI)"],
            rows,
            f"Observed (1 − Kaplan–Meier at {res.horizon_months:g} months) against expected",
        )
        + notes
        + "</section>"
    )


def calibration_html(res: CalibrationResult) -> str:
    return page(f"Calibration of {res.system}", [calibration_section(res)])
