"""Genotype columns for ``gistcds cohort score``: the genotype engine over a table.

Optional input columns (absent or empty = nothing recorded, as for a patient record
without ``molecular``):

============ ==================================================================
variants     ``GENE:change`` entries separated by ``;``, e.g.
             ``KIT:p.W557_K558del; KIT:V654A`` (any spelling the engine reads)
tested_genes genes tested, separated by ``;`` (e.g. ``KIT;PDGFRA;BRAF``)
sdhb_ihc     retained | lost | unknown
fusions      fusions separated by ``;``, each ``GENE1-GENE2`` (e.g. ``ETV6-NTRK3``)
============ ==================================================================

Output columns: ``genotype_class`` and ``sensitivity_<drug>`` for the five drugs of the
contract. A cohort row has no treatment history, so every variant is read as found
before any TKI (primary); acquired mutations need ``gistcds assess`` with therapy lines.

The scalar engine (one place for every genotype rule) runs once per distinct
combination of these cells, which registries repeat many times over.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import ValidationError

from gistcds.cohort.schema import RowProblem
from gistcds.cohort.validate import text_column
from gistcds.domain.patient import Molecular, Patient
from gistcds.domain.results.genotype import Sensitivity
from gistcds.genomics import canonical_gene_symbols, interpret_genotype
from gistcds.io.validation import problems_from
from gistcds.knowledge import KnowledgeBase

__all__ = ["INPUT_COLUMNS", "OUTPUT_COLUMNS", "genotype_columns", "present"]

INPUT_COLUMNS: tuple[str, ...] = ("variants", "tested_genes", "sdhb_ihc", "fusions")
DRUGS: tuple[str, ...] = tuple(Sensitivity.model_fields)
OUTPUT_COLUMNS: tuple[str, ...] = ("genotype_class", *(f"sensitivity_{d}" for d in DRUGS))


def _split(cell: str, sep: str = ";") -> list[str]:
    return [part.strip() for part in cell.split(sep) if part.strip()]


def _molecular_doc(
    variants: str, tested: str, sdhb: str, fusions: str
) -> dict[str, Any] | tuple[str, str]:
    """The ``molecular`` JSON for one combination of cells, or (column, message) if malformed."""
    doc: dict[str, Any] = {}
    if variants:
        entries = []
        for entry in _split(variants):
            gene, colon, change = entry.partition(":")
            if not colon or not gene.strip() or not change.strip():
                return "variants", f"expected GENE:change, got {entry!r}"
            entries.append({"gene": gene.strip(), "hgvs_p": change.strip(), "source": "tissue"})
        doc["variants"] = entries
    if tested:
        doc["tested_genes"] = _split(tested)
    if sdhb:
        doc["sdhb_ihc"] = sdhb.lower()
    if fusions:
        fusion_list = []
        for entry in _split(fusions):
            genes = [g.strip() for g in entry.split("-")]
            if len(genes) != 2 or not all(genes):
                return "fusions", f"expected GENE1-GENE2, got {entry!r}"
            fusion_list.append({"genes": genes})
        doc["fusions"] = fusion_list
    return doc


def _interpret(key: tuple[str, ...], kb: KnowledgeBase, out: Any) -> tuple[str, str] | None:
    """Fill ``out`` with the genotype columns of one combination; (column, message) if bad."""
    doc = _molecular_doc(*key)
    if isinstance(doc, tuple):
        return doc
    try:
        molecular = Molecular.model_validate(doc) if doc else None
    except ValidationError as exc:
        found = problems_from(exc)
        return found[0].path.split(".", 1)[0].split("[", 1)[0], "; ".join(map(str, found))
    patient = canonical_gene_symbols(Patient(id="cohort-row", molecular=molecular), kb)
    genotype = interpret_genotype(patient, kb)
    if genotype is not None:
        sens = genotype.sensitivity.model_dump()
        out[:] = [genotype.genotype_class, *(sens[d] for d in DRUGS)]
    return None


def present(table: pa.Table) -> bool:
    """Whether the table has any molecular column (otherwise no genotype column is written)."""
    return any(c in table.column_names for c in INPUT_COLUMNS)


def genotype_columns(
    table: pa.Table, kb: KnowledgeBase, first_row: int = 2
) -> tuple[dict[str, pa.Array], list[RowProblem], npt.NDArray[np.bool_]]:
    """The genotype output columns for every row, the problems found and the bad-row mask.

    Rows are grouped by their combination of the four molecular cells (dictionary codes
    combined into one integer key), and the scalar engine runs once per combination.
    """
    n = table.num_rows
    table = table.unify_dictionaries()
    key = np.zeros(n, dtype=np.int64)
    for c in INPUT_COLUMNS:
        enc = pc.dictionary_encode(text_column(table, c))
        key = key * (len(enc.dictionary) + 1) + enc.indices.to_numpy(zero_copy_only=False)
        key = np.unique(key, return_inverse=True)[1].astype(np.int64)  # keep the key small
    combos, first, codes = np.unique(key, return_index=True, return_inverse=True)
    cells = [text_column(table, c).take(pa.array(first)).to_pylist() for c in INPUT_COLUMNS]
    out = np.full((max(len(combos), 1), len(OUTPUT_COLUMNS)), "", dtype=object)
    problems: list[RowProblem] = []
    bad = np.zeros(n, dtype=bool)
    for j, combo in enumerate(zip(*cells, strict=True)):
        issue = _interpret(tuple(str(v) for v in combo), kb, out[j])
        if issue is not None:
            rows = np.flatnonzero(codes == j)
            bad[rows] = True
            problems.extend(RowProblem(int(r) + first_row, issue[0], issue[1]) for r in rows)
    columns: dict[str, pa.Array] = {}
    for k, name in enumerate(OUTPUT_COLUMNS):
        # one dictionary entry per distinct value (pandas needs unique categories); "" = null
        labels, per_combo = np.unique(out[: len(combos), k].astype(str), return_inverse=True)
        row_codes = per_combo[codes].astype(np.int32) if n else np.zeros(0, np.int32)
        empty = labels == ""
        indices = pa.array(row_codes, mask=empty[row_codes] if n else None)
        columns[name] = pa.DictionaryArray.from_arrays(indices, pa.array(labels, pa.string()))
    return columns, problems, bad
