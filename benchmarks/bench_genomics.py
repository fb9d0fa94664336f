"""Genotype engine speed: parsing report strings and interpreting whole patients.

Prints per-call microseconds and ratios against a baseline measured in the same run:
the bare biocommons ``hgvs`` parser on the same strings (what parsing would cost without
our pre-processing, alias and exon lookups). Also the one-off cost of building the hgvs
parser and the KB indexes, which every process pays once.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

STRINGS = [
    "W557_K558del",
    "Trp557_Lys558del",
    "D842V",
    "A502_Y503dup",
    "(Val654Ala)",
    "N822K",
    "K558delinsNP",
    "T670I",
    "D816V",
    "P577Lfs*5",
]
REPORTS = [*STRINGS, "exon 11 deletion", "KIT exon 9 AY502-503 duplication", "del WK557-558"]


def per_call_us(fn: Callable[[str], Any], items: list[str], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for s in items:
            fn(s)
        times.append((time.perf_counter() - t0) / len(items))
    return statistics.median(times) * 1e6


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    t0 = time.perf_counter()
    import hgvs.parser

    raw = hgvs.parser.Parser()
    build_ms = (time.perf_counter() - t0) * 1e3

    from gistcds.domain.patient import Patient
    from gistcds.genomics import interpret_genotype
    from gistcds.genomics.parse import _parser, parse_protein_change
    from gistcds.genomics.tables import tables
    from gistcds.knowledge import load_kb

    kb = load_kb()
    _parser()
    t0 = time.perf_counter()
    tables(kb)
    tables_ms = (time.perf_counter() - t0) * 1e3

    def cold(text: str) -> Any:
        parse_protein_change.cache_clear()
        return parse_protein_change(text)

    base = per_call_us(raw.parse_p_posedit, STRINGS, rounds)
    ours = per_call_us(cold, STRINGS, rounds)
    ours_all = per_call_us(cold, REPORTS, rounds)
    warm = per_call_us(parse_protein_change, REPORTS, rounds)

    patient = Patient.model_validate(
        {
            "id": "b",
            "molecular": {
                "tested_genes": ["KIT", "PDGFRA"],
                "variants": [
                    {"gene": "KIT", "hgvs_p": "p.W557_K558del", "date": "2023-01-01"},
                    {"gene": "KIT", "hgvs_p": "p.V654A", "source": "ctdna", "date": "2025-01-01"},
                ],
            },
            "therapy_lines": [{"drug": "imatinib", "start": "2023-02-01"}],
        }
    )
    whole = per_call_us(lambda _: interpret_genotype(patient, kb), ["x"] * 50, rounds)

    print(f"one-off: hgvs Parser() {build_ms:.0f} ms; genomics KB indexes {tables_ms:.1f} ms")
    rows = [
        ("baseline: hgvs parse_p_posedit", base),
        ("parse_protein_change (cold, same HGVS strings)", ours),
        ("parse_protein_change (cold, incl. shorthand)", ours_all),
        ("parse_protein_change (repeated, cached)", warm),
        ("interpret_genotype (2 variants, 1 TKI line)", whole),
    ]
    print(f"{'case':48} {'us/call':>9} {'x baseline':>10}")
    for name, us in rows:
        print(f"{name:48} {us:9.1f} {us / base:10.3f}")


if __name__ == "__main__":
    main()
