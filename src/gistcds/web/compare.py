"""Two stored assessments of one patient side by side: what changed, and why.

The "what" is the summary strip of each (from the report's view model) and each report's
option list; the "why" is what differs between the two stored inputs (new imaging time
points, new therapy lines, any other field) and between the knowledge-base and program
versions that made them. Nothing is re-assessed: both are read as they were stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from gistcds.store import StoredAssessment
from gistcds.web.view import Summary, SummaryItem


@dataclass
class Change:
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass
class Comparison:
    outcome: list[Change] = field(default_factory=list)  # the summary items, before/after
    options: list[Change] = field(default_factory=list)  # ranked options, before/after
    reasons: list[str] = field(default_factory=list)  # why: input and version differences
    inputs: list[Change] = field(default_factory=list)  # every other changed input field


def _flat(value: Any, path: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(_flat(v, f"{path}.{k}" if path else k))
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for i, v in enumerate(value):
            out.update(_flat(v, f"{path}[{i}]"))
    else:
        out[path] = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return out


def _imaging_reasons(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    before = {tp.get("date") for tp in a.get("imaging") or []}
    after = {tp.get("date") for tp in b.get("imaging") or []}
    out = [f"New imaging time point {d}" for d in sorted(after - before, key=str)]
    out += [f"Imaging time point {d} no longer recorded" for d in sorted(before - after, key=str)]
    return out


def _line_reasons(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    def key(line: dict[str, Any]) -> tuple[str, str]:
        return (str(line.get("drug", "")), str(line.get("start", "")))

    before = [key(x) for x in a.get("therapy_lines") or []]
    after = [key(x) for x in b.get("therapy_lines") or []]
    out = []
    for drug, start in after:
        if (drug, start) not in before:
            out.append(f"New therapy line: {drug}" + (f" from {start}" if start else ""))
    for drug, start in before:
        if (drug, start) not in after:
            out.append(f"Therapy line no longer recorded: {drug}")
    return out


def _shown(item: SummaryItem) -> str:
    return f"{item.value} — {item.detail}" if item.detail else item.value


def _option_rows(a: Any, b: Any) -> list[Change]:
    def text(rec: Any) -> str:
        return f"{rec.title} ({'; '.join(rec.regimen)})" if rec.regimen else rec.title

    n = max(len(a.recommendations), len(b.recommendations))
    rows = []
    for i in range(min(n, 6)):
        before = text(a.recommendations[i]) if i < len(a.recommendations) else "—"
        after = text(b.recommendations[i]) if i < len(b.recommendations) else "—"
        rows.append(Change(f"Option {i + 1}", before, after))
    return rows


def compare(
    older: StoredAssessment,
    newer: StoredAssessment,
    a: Any,
    b: Any,
    sa: Summary,
    sb: Summary,
) -> Comparison:
    """``older`` vs ``newer`` (stored records), ``a``/``b`` their report view models."""
    doc_a, doc_b = json.loads(older.input_json), json.loads(newer.input_json)
    result = Comparison()
    before = {x.label: _shown(x) for x in sa.items}
    after = {y.label: _shown(y) for y in sb.items}
    for label in dict.fromkeys([*before, *after]):  # both strips' topics, in order
        result.outcome.append(Change(label, before.get(label, "—"), after.get(label, "—")))
    result.options = _option_rows(a, b)
    result.reasons = _imaging_reasons(doc_a, doc_b) + _line_reasons(doc_a, doc_b)
    if older.knowledge_base_version != newer.knowledge_base_version:
        result.reasons.append(
            f"New knowledge-base version: {older.knowledge_base_version} → "
            f"{newer.knowledge_base_version}"
        )
    if older.gistcds_version != newer.gistcds_version:
        result.reasons.append(
            f"New gistcds version: {older.gistcds_version} → {newer.gistcds_version}"
        )
    fa, fb = _flat(doc_a), _flat(doc_b)
    skip = ("imaging", "therapy_lines")
    for path in sorted(set(fa) | set(fb)):
        if path.startswith(skip) or fa.get(path) == fb.get(path):
            continue
        result.inputs.append(Change(path, fa.get(path, "—"), fb.get(path, "—")))
    if result.inputs:
        result.reasons.append(f"{len(result.inputs)} other input field(s) changed (listed below)")
    if not result.reasons:
        result.reasons.append("Same input and versions: the outputs should be the same")
    return result
