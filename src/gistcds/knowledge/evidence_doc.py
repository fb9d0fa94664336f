"""``docs/evidence.md``, generated from the knowledge base: what is verified against what.

Run ``python -m gistcds.knowledge.evidence_doc [--out docs/evidence.md]``. The page is never
edited by hand; ``tests/test_evidence_doc.py`` fails when it differs from a fresh rendering.
Sections: the per-table counts (as ``gistcds kb stats``), the guideline and trial texts
read, every therapy rule with its readings, the rules whose verification changed their
content, the levels of evidence, the trials table, every unverified record, and the open
questions (``evidence_gaps.yaml``).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

from gistcds.knowledge import KnowledgeBase, load_kb
from gistcds.knowledge.schema import evidence_gaps, evidence_levels, therapy_rules, trials
from gistcds.knowledge.stats import iter_records, kb_stats

__all__ = ["render"]

DOC = Path("docs/evidence.md")


def _cell(text: object) -> str:
    return str(text).replace("|", "/").replace("\n", " ")


def _table(header: list[str], rows: Iterable[list[object]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _counts(kb: KnowledgeBase) -> list[str]:
    stats = kb_stats(kb)
    rows: list[list[object]] = [
        [f"`{n}`", s.records, s.unverified, f"{s.unverified_fraction:.1%}"]
        for n, s in stats.items()
    ]
    total = sum(s.records for s in stats.values())
    unv = sum(s.unverified for s in stats.values())
    rows.append(["**total**", total, unv, f"{unv / total:.1%}" if total else "-"])
    return [
        "## Verified and unverified records per table",
        "",
        "A record is every cited fact and every attributed guideline position (a model with a "
        "`confidence`); `unverified` means it was not checked against any text read. Same "
        "figures as `gistcds kb stats`.",
        "",
        *_table(["table", "records", "unverified", "share"], rows),
        "",
    ]


def _sources_read(kb: KnowledgeBase, ids: list[str]) -> list[str]:
    rows: list[list[object]] = [
        [f"`{i}`", kb.sources[i].citation(), kb.sources[i].note or ""] for i in ids
    ]
    return [
        "## Texts read for the guideline rules",
        "",
        "Guideline documents first; the rest are the trial and review texts the readings cite.",
        "",
        *_table(["source", "citation", "what was read"], rows),
        "",
    ]


def _rules(table: therapy_rules.Table) -> list[str]:
    rows: list[list[object]] = []
    for rule in [*table.rules, *table.post_cautions]:
        reads = "; ".join(
            f"{r.source_ids[0]} ({r.section}): {r.strength} [{r.agrees}]" for r in rule.readings
        )
        rows.append([f"`{rule.id}`", rule.title, rule.confidence, reads or "none"])
    for ex in table.exclusions:
        reads = "; ".join(f"{r.source_ids[0]}: {r.strength} [{r.agrees}]" for r in ex.readings)
        rows.append([f"`{ex.id}`", "exclusion: " + ", ".join(ex.drugs), ex.confidence, reads])
    return [
        "## Therapy rules: the texts each was verified against",
        "",
        "Readings give the text, its section, the wording's strength as the text gives it, "
        "and whether the rule agrees (`yes`, `partly`, `no`).",
        "",
        *_table(["rule", "title", "confidence", "readings"], rows),
        "",
    ]


def _all_rules(
    table: therapy_rules.Table,
) -> list[therapy_rules.Rule | therapy_rules.Exclusion]:
    return [*table.rules, *table.post_cautions, *table.exclusions]


def _changed(table: therapy_rules.Table) -> list[str]:
    rows: list[list[object]] = [
        [f"`{rule.id}`", r.source_ids[0], r.changed]
        for rule in _all_rules(table)
        for r in rule.readings
        if r.changed
    ]
    return [
        "## Rules whose verification changed their content",
        "",
        *_table(["rule", "text read", "what changed"], rows),
        "",
    ]


def _level(level: evidence_levels.Level | None) -> str:
    if level is None:
        return evidence_levels.NOT_CAPTURED
    ctx = f" ({level.context})" if level.context else ""
    return f"{level.value}{ctx} [{', '.join(level.source_ids)}]"


def _levels(table: evidence_levels.Table) -> list[str]:
    rows: list[list[object]] = [
        [
            ", ".join(c.genotypes),
            c.drug + (f" ({', '.join(c.alterations)} only)" if c.alterations else ""),
            _level(c.esmo),
            _level(c.nccn),
            _level(c.variant_level),
        ]
        for c in table.cells
    ]
    return [
        "## Levels of evidence per genotype and drug",
        "",
        *(f"- **{k}**: {v}" for k, v in table.systems.items()),
        "",
        *_table(["genotypes", "drug", "ESMO", "NCCN", "variant level"], rows),
        "",
    ]


def _trials(table: trials.Table) -> list[str]:
    rows: list[list[object]] = [
        [
            f"`{t.registry_id}`",
            t.name or "",
            " + ".join(t.regimen),
            t.phase,
            t.line,
            f"{t.status or 'not found'} ({t.status_date or 'undated'})",
        ]
        for t in table.trials
    ]
    return [
        f"## Trials table (statuses as of {table.as_of})",
        "",
        *_table(["registry id", "name", "regimen", "phase", "line", "status (date)"], rows),
        "",
    ]


def _unverified(kb: KnowledgeBase) -> list[str]:
    rows: list[list[object]] = []
    for name in sorted(kb.tables):
        for path, rec in iter_records(kb.tables[name]):
            if getattr(rec, "confidence", None) != "unverified":
                continue
            label = next(
                (
                    str(getattr(rec, a))
                    for a in ("id", "guideline", "code", "name", "inn", "drug")
                    if getattr(rec, a, None)
                ),
                "",
            )
            what = next(
                (
                    str(getattr(rec, a))
                    for a in ("statement", "title", "text", "test")
                    if getattr(rec, a, None)
                ),
                "",
            )
            rows.append([f"`{name}`", f"`{path}`", label, what])
    return [
        "## Unverified records",
        "",
        *_table(["table", "record", "id", "statement"], rows),
        "",
    ]


def _gaps(table: evidence_gaps.Table) -> list[str]:
    out = ["## Open questions", ""]
    for g in table.gaps:
        out += [
            f"### {g.id}: {g.topic} ({g.kind.replace('_', ' ')})",
            "",
            f"- Question: {g.question}",
            f"- Why open: {g.why}",
            f"- Meanwhile: {g.effect}",
            f"- Sources: {', '.join(g.source_ids) or '-'}",
            "",
        ]
    return out


def render(kb: KnowledgeBase) -> str:
    """The whole page for this knowledge base."""
    rules = kb.get(therapy_rules.Table)
    read_ids = sorted(
        {r.source_ids[0] for rule in _all_rules(rules) for r in rule.readings},
        key=lambda i: (not kb.sources[i].document_id, i),
    )
    lines = [
        "# Evidence: what the knowledge base is verified against",
        "",
        f"Generated by `python -m gistcds.knowledge.evidence_doc` from knowledge base "
        f"`{kb.version}`. Do not edit by hand.",
        "",
        *_counts(kb),
        *_sources_read(kb, read_ids),
        *_rules(rules),
        *_changed(rules),
        *_levels(kb.get(evidence_levels.Table)),
        *_trials(kb.get(trials.Table)),
        *_unverified(kb),
        *_gaps(kb.get(evidence_gaps.Table)),
    ]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DOC)
    args = parser.parse_args(argv)
    args.out.write_text(render(load_kb()), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
