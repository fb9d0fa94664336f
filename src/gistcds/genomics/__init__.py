"""Genotype: HGVS variants -> exon, region, genotype class, drug sensitivity."""

from __future__ import annotations

from gistcds.domain.patient import Patient
from gistcds.domain.results.genotype import GenotypeResult
from gistcds.knowledge import KnowledgeBase

__all__ = ["canonical_gene_symbols", "interpret_genotype"]


def interpret_genotype(patient: Patient, kb: KnowledgeBase) -> GenotypeResult | None:
    """The patient's genotype class, acquired mutations and drug sensitivity.

    Always returns a result (``not_tested`` when nothing was tested), so the therapy engine
    can ask for testing; the ``hgvs`` parser is loaded only when a variant is read.
    """
    from gistcds.genomics.engine import interpret

    return interpret(patient, kb)


def _key(name: str) -> str:
    return "".join(ch for ch in name.upper() if ch.isalnum())


def canonical_gene_symbols(patient: Patient, kb: KnowledgeBase) -> Patient:
    """The patient with gene aliases of reports ("c-KIT", "CD117") replaced by the HGNC
    symbol in variants, tested genes and fusions (``genomics_genes.yaml`` symbol_aliases),
    so every engine agrees on which genes were tested and mutated."""
    from gistcds.knowledge.schema.genomics_genes import Table

    table = kb.get(Table)
    names = {_key(a.alias): a.symbol for a in table.symbol_aliases}
    mol = patient.molecular
    if mol is None or not names:
        return patient

    def sym(g: str) -> str:
        return names.get(_key(g), g)

    changed = (
        any(sym(v.gene) != v.gene for v in mol.variants)
        or any(sym(g) != g for g in mol.tested_genes)
        or any(sym(g) != g for f in mol.fusions for g in f.genes)
    )
    if not changed:
        return patient
    new_mol = mol.model_copy(
        update={
            "variants": [v.model_copy(update={"gene": sym(v.gene)}) for v in mol.variants],
            "tested_genes": list(dict.fromkeys(sym(g) for g in mol.tested_genes)),
            "fusions": [
                f.model_copy(update={"genes": [sym(g) for g in f.genes]}) for f in mol.fusions
            ],
        }
    )
    return patient.model_copy(update={"molecular": new_mol})
