"""Protein changes of the primary driver in the short form knowledge tables use ("D842V",
"D842_H845del"), read from the genomics engine's normalised 3-letter HGVS (shared by the genomics
engine, which rates variant-level resistance, and the history engine)."""

from __future__ import annotations

import re

from gistcds.domain.results.genotype import GenotypeResult

__all__ = ["primary_alterations", "short_protein_change"]

_AA = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*",
}  # fmt: skip
_THREE = re.compile("|".join(_AA))


def short_protein_change(hgvs_p: str) -> str:
    """'p.Asp842Val' -> 'D842V'; 'p.(Asp842_His845del)' -> 'D842_H845del'."""
    text = hgvs_p.removeprefix("p.").strip("()")
    return _THREE.sub(lambda m: _AA[m.group(0)], text)


def primary_alterations(genotype: GenotypeResult | None) -> list[str]:
    """Short protein changes of the variants the engine read as primary drivers."""
    if genotype is None:
        return []
    return sorted(
        {
            short_protein_change(v.hgvs_p)
            for v in genotype.variants
            if v.role == "primary" and v.hgvs_p
        }
    )
