"""The cohort input table: its columns, their allowed values, and a row problem.

``COLUMN_DOCS`` is the one description of the columns: ``gistcds cohort score --help`` and
``gistcds cohort columns`` print it, and docs/cohort.md reproduces it. Allowed values come
from the patient model, so a cohort row and a patient JSON accept the same values.

Rows are taken as completely resected primaries without neoadjuvant therapy (the columns
carry no resection or treatment status). Every other column of the input is kept in the
output, untouched, before the scored columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from gistcds.domain.patient import MitosesUnit, NodalStatus, SdhbIhc, Site

__all__ = ["COLUMNS", "COLUMN_DOCS", "FALSE", "TRUE", "RowProblem", "columns_text"]

COLUMNS: tuple[str, ...] = (
    "id",
    "site",
    "size_cm",
    "mitoses",
    "mitoses_per",
    "rupture",
    "nodes",
    "metastatic",
)
TRUE = frozenset({"true", "t", "yes", "y", "1", "1.0"})
FALSE = frozenset({"false", "f", "no", "n", "0", "0.0"})
_BOOL = "true | false (also yes/no, y/n, 1/0; any case)"

# (column, required?, allowed values / meaning)
COLUMN_DOCS: tuple[tuple[str, str, str], ...] = (
    ("id", "required", "patient identifier, unique in the table"),
    ("site", "optional", " | ".join(s.value for s in Site) + " (empty = unknown)"),
    ("size_cm", "optional", "largest tumour dimension in cm, > 0 and <= 100 (empty = unknown)"),
    ("mitoses", "optional", "mitotic count, >= 0 and <= 1000 (empty = unknown)"),
    (
        "mitoses_per",
        "with mitoses",
        " | ".join(u.value for u in MitosesUnit) + " (equivalent, AJCC 8th)",
    ),
    ("rupture", "optional", f"{_BOOL}; empty = unknown"),
    (
        "nodes",
        "optional",
        " | ".join(n.value for n in NodalStatus) + " (empty or NX = not assessed: read as N0)",
    ),
    ("metastatic", "optional", f"{_BOOL}; empty = false"),
    (
        "variants",
        "molecular",
        "GENE:change entries separated by ';' (KIT:p.W557_K558del; KIT:V654A)",
    ),
    ("tested_genes", "molecular", "genes tested, separated by ';' (KIT;PDGFRA;BRAF)"),
    ("sdhb_ihc", "molecular", " | ".join(s.value for s in SdhbIhc)),
    ("fusions", "molecular", "fusions separated by ';', each GENE1-GENE2 (ETV6-NTRK3)"),
)


@dataclass(frozen=True)
class RowProblem:
    row: int  # as a spreadsheet numbers it: the header is row 1, the first patient row 2
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


def columns_text() -> str:
    """The input columns as a plain-text table (for --help and ``cohort columns``)."""
    width = max(len(c) for c, _, _ in COLUMN_DOCS)
    lines = [f"{c.ljust(width)}  {req.ljust(12)}  {doc}" for c, req, doc in COLUMN_DOCS]
    lines.append("")
    lines.append(
        "Site, mitoses_per, nodes and sdhb_ihc values are spelled as in a patient record "
        "(gistcds assess). Other columns are kept in the output as they are."
    )
    return "\n".join(lines)
