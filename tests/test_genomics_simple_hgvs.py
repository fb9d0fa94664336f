"""The simple protein HGVS forms read without the hgvs parser must read exactly as the
hgvs parser reads them (gistcds.genomics.simple_hgvs)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gistcds.genomics.parse import _from_posedit, _parser, parse_protein_change
from gistcds.genomics.simple_hgvs import simple_posedit

from .conftest import EXAMPLES

ONE = "ACDEFGHIKLMNPQRSTVWY"
THREE = [
    "Ala", "Cys", "Asp", "Glu", "Phe", "Gly", "His", "Ile", "Lys", "Leu",
    "Met", "Asn", "Pro", "Gln", "Arg", "Ser", "Thr", "Val", "Trp", "Tyr",
]  # fmt: skip


def _hgvs(token: str) -> Any | None:
    try:
        return _parser().parse_p_posedit(token)
    except Exception:
        return None


def _agree(token: str) -> bool:
    """True when the simple reader read ``token``; then the hgvs parser must read the same."""
    simple = simple_posedit(token)
    if simple is None:
        return False
    reference = _hgvs(token)
    assert reference is not None, f"{token}: read by the simple reader, refused by hgvs"
    assert str(simple) == str(reference), token
    assert _from_posedit(token, simple) == _from_posedit(token, reference), token
    return True


def _tokens() -> list[str]:
    out = []
    for letters in (list(ONE), THREE):
        for a, b in itertools.product(letters, [*letters, "*", "Ter"]):
            out.append(f"{a}816{b}")
        for a, b in itertools.product(letters, letters):
            out += [f"{a}557_{b}558del", f"{a}502_{b}503dup", f"{a}1_{b}3del"]
        out += [f"{a}559{kind}" for a in letters for kind in ("del", "dup")]
    return out


def test_every_simple_form_reads_as_hgvs_reads_it() -> None:
    tokens = _tokens()
    read = sum(_agree(t) for t in tokens)
    # substitutions V816V, and the mixed or "*"/"Ter" styles hgvs may read otherwise,
    # are left to hgvs; everything else here is read by the simple reader
    assert read >= 0.9 * len(tokens)


@pytest.mark.parametrize(
    "token",
    ["V560V", "Val560Val", "V560=", "(V560D)", "W557_K558delWK", "K558_W557del", "V559_V559del",
     "v560d", "Val560D", "V0560D", "D842_I843delinsIV", "V560fs", "B12C", "X12A", "V560X",
     "W557_K558insA", "Trp557_Lys558"],
)  # fmt: skip
def test_other_forms_are_left_to_hgvs(token: str) -> None:
    assert simple_posedit(token) is None


_piece = st.sampled_from(
    [*ONE, *THREE, "*", "Ter", "_", "del", "dup", "ins", "fs", "=", "(", ")", "X", "B", "0"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_piece, st.integers(0, 99999).map(str)), min_size=1, max_size=6))
def test_random_tokens_are_read_alike_or_left_to_hgvs(pieces: list[str]) -> None:
    _agree("".join(pieces))


def test_the_examples_need_no_hgvs_parser(tmp_path: Path) -> None:
    """The bundled examples' variants are simple forms: assessing them imports no hgvs
    (once the knowledge base and its alias table are precompiled)."""
    probe = (
        "import sys, pathlib\n"
        "from gistcds.assess import assess\n"
        "from gistcds.io.patient_json import load_patient\n"
        f"for p in sorted(pathlib.Path({str(EXAMPLES)!r}).glob('*.json')):\n"
        "    assess(load_patient(str(p)))\n"
        "print('hgvs' in sys.modules)\n"
    )
    cmd = [sys.executable, "-c", probe]
    env = {**os.environ, "GISTCDS_CACHE_DIR": str(tmp_path)}
    subprocess.run(cmd, check=True, env=env, capture_output=True)  # fills the cache
    out = subprocess.run(cmd, check=True, env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["False"]
    assert parse_protein_change("p.W557_K558del").posedit == "Trp557_Lys558del"
