"""Hypothesis fuzzing: no report text, however odd, makes the parser or the engine raise."""

from __future__ import annotations

import unicodedata
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import TODAY
from gistcds.domain.patient import Patient
from gistcds.genomics import interpret_genotype
from gistcds.genomics.parse import parse_protein_change

AA = ["Ala", "Trp", "Lys", "Val", "Asp", "Ter", "W", "K", "V", "D", "*", "X", "?", "="]
PIECES = [
    *AA, "p.", "(", ")", "_", "del", "dup", "ins", "delins", "fs", "ext", "exon", " ", "-",
    "Δ", "NP_000213.1:", "NM_001093772:", "c.", ">", "557", "558", "0", "999999", "1",
]  # fmt: skip
report_like = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
any_text = st.text(min_size=1, max_size=60)


@settings(max_examples=300, deadline=None)
@given(st.one_of(report_like, any_text))
@example("0_557Δ")  # found by hypothesis: a bare range from codon 0 was read as valid
@example("del0_557")  # found by hypothesis: a codon range from codon 0 was read
def test_parser_never_raises(text: str) -> None:
    ch = parse_protein_change(text)
    assert ch.text == text
    assert ch.ok or ch.reason
    if ch.ok and ch.start is not None:
        assert ch.end is not None and ch.end >= ch.start >= 1


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["KIT", "PDGFRA", "BRAF", "SDHB", "NF1", "TP53"]),
            st.one_of(report_like, any_text).filter(
                lambda s: (
                    0 < len(s.strip()) <= 200
                    and not any(unicodedata.category(c) in ("Cc", "Cf") for c in s)
                )
            ),
        ),
        max_size=4,
    )
)
def test_engine_never_raises(kb: Any, reports: list[tuple[str, str]]) -> None:
    data = {
        "id": "f",
        "molecular": {
            "tested_genes": ["KIT", "PDGFRA"],
            "variants": [{"gene": g, "hgvs_p": t, "date": "2025-01-01"} for g, t in reports],
        },
        "therapy_lines": [{"drug": "imatinib", "start": "2024-01-01"}],
    }
    res = interpret_genotype(Patient.model_validate(data, context={"today": TODAY}), kb)
    assert res is not None
    assert len(res.variants) == len(reports)
    assert set(res.sensitivity_source_ids) == {
        "imatinib",
        "sunitinib",
        "regorafenib",
        "ripretinib",
        "avapritinib",
    }
