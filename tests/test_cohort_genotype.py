"""Genotype columns of ``gistcds cohort score``: same answers as ``gistcds assess``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
from typer.testing import CliRunner

from gistcds.assess import assess
from gistcds.cli import build_app
from gistcds.cohort.genotype import OUTPUT_COLUMNS, genotype_columns
from gistcds.cohort.score import score_table
from gistcds.io.patient_json import patient_from_obj
from gistcds.knowledge import load_kb

RISK = "stomach,6,4,5mm2,false,N0,false"
HEADER = (
    "id,site,size_cm,mitoses,mitoses_per,rupture,nodes,metastatic,"
    "variants,tested_genes,sdhb_ihc,fusions\n"
)


def _run(tmp_path: Path, rows: list[str]) -> tuple[int, str, str]:
    src = tmp_path / "in.csv"
    src.write_text(HEADER + "".join(f"{r}\n" for r in rows))
    res = CliRunner().invoke(build_app(), ["cohort", "score", str(src)])
    return res.exit_code, res.stdout, res.stderr


def test_classes_and_sensitivity_match_the_patient_path(tmp_path: Path) -> None:
    rows = {
        "kit11": ("KIT:p.W557_K558del", "KIT;PDGFRA", "", ""),
        "alias": ("c-KIT:p.W557_K558del", "c-KIT;PDGFRA", "", ""),
        "kit9": ("KIT:A502_Y503dup", "KIT;PDGFRA", "", ""),
        "d842v": ("PDGFRA:p.Asp842Val", "KIT;PDGFRA", "", ""),
        "sdh": ("", "KIT;PDGFRA", "lost", ""),
        "ntrk": ("", "KIT;PDGFRA;BRAF;NTRK3", "retained", "ETV6-NTRK3"),
        "none": ("", "", "", ""),
    }
    code, out, err = _run(
        tmp_path, [f"{k},{RISK},{v},{t},{s},{f}" for k, (v, t, s, f) in rows.items()]
    )
    assert code == 0, err
    table = pd.read_csv(pd.io.common.StringIO(out), dtype=str).set_index("id")
    kb = load_kb()
    for key, (variants, tested, sdhb, fusions) in rows.items():
        molecular: dict[str, object] = {}
        if variants:
            gene, change = variants.split(":")
            molecular["variants"] = [{"gene": gene, "hgvs_p": change}]
        if tested:
            molecular["tested_genes"] = tested.split(";")
        if sdhb:
            molecular["sdhb_ihc"] = sdhb
        if fusions:
            molecular["fusions"] = [{"genes": fusions.split("-")}]
        doc = {"id": key, **({"molecular": molecular} if molecular else {})}
        genotype = assess(patient_from_obj(doc), kb).genotype
        assert genotype is not None
        assert table.loc[key, "genotype_class"] == genotype.genotype_class
        for drug, level in genotype.sensitivity.model_dump().items():
            assert table.loc[key, f"sensitivity_{drug}"] == level
    assert table.loc["kit11", "genotype_class"] == "KIT_exon11"
    assert table.loc["alias", "genotype_class"] == "KIT_exon11"
    assert table.loc["d842v", "sensitivity_imatinib"] == "resistant"
    assert table.loc["none", "genotype_class"] == "not_tested"


def test_bad_molecular_cells_are_named_by_row_and_column(tmp_path: Path) -> None:
    code, out, err = _run(
        tmp_path,
        [
            f"a,{RISK},KIT W557,,,",
            f"b,{RISK},,,weak,",
            f"c,{RISK},,k!t,,",
            f"d,{RISK},,,,ETV6",
        ],
    )
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    # rows as a spreadsheet numbers them: the header is row 1
    assert lines[0] == "row 2, column variants: expected GENE:change, got 'KIT W557'"
    assert lines[1].startswith("row 3, column sdhb_ihc: sdhb_ihc: must be one of")
    assert lines[2].startswith(
        "row 4, column tested_genes: tested_genes[0]: gene symbols are upper-case letters"
    )
    assert lines[3] == "row 5, column fusions: expected GENE1-GENE2, got 'ETV6'"


def test_empty_molecular_cells_are_not_tested_and_absent_columns_write_none() -> None:
    empty = pa.table({"variants": ["", ""], "tested_genes": ["", ""]})
    cols, problems, bad = genotype_columns(empty, load_kb())
    assert problems == [] and not bad.any()
    assert list(cols) == list(OUTPUT_COLUMNS)
    assert cols["genotype_class"].to_pylist() == ["not_tested", "not_tested"]
    risk_only = pa.table(
        {"id": ["x"], "site": ["stomach"], "size_cm": ["3"], "mitoses": ["1"],
         "mitoses_per": ["5mm2"], "rupture": [""], "nodes": [""], "metastatic": [""]}
    )  # fmt: skip
    out, _ = score_table(risk_only)
    assert not set(OUTPUT_COLUMNS) & set(out.column_names)
