"""The three simplest protein HGVS forms, read without building the ``hgvs`` parser.

Substitutions (``V560D``, ``Val560Asp``, ``R634*``), deletions and duplications
(``W557_K558del``, ``Ala502_Tyr503dup``) of the twenty standard amino acids are most of
what reports contain. Importing ``hgvs`` and building its PEG parser costs tens of
milliseconds at every start of the command line, so these forms are read here, into
objects with the attributes of ``hgvs``'s own ``PosEdit`` that ``parse._from_posedit``
uses, formatted as ``hgvs`` formats them (``str()``, three-letter codes). Anything
else (parentheses, insertions, frameshifts, identity, mixed letter styles, unusual
residues) returns None and goes to the ``hgvs`` parser as before.
``tests/test_genomics_simple_hgvs.py`` checks that both readings agree.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["SimplePosEdit", "simple_posedit"]

_THREE = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val",
}  # fmt: skip
_ONE = {v: k for k, v in _THREE.items()}
_A1 = "[" + "".join(_THREE) + "]"
_A3 = "(?:" + "|".join(_ONE) + ")"
_POS = "[1-9][0-9]{0,5}"
_FORMS = [
    (re.compile(rf"({_A1})({_POS})({_A1}|\*)"), "sub", False),
    (re.compile(rf"({_A3})({_POS})({_A3}|Ter)"), "sub", True),
    (re.compile(rf"({_A1})({_POS})(?:_({_A1})({_POS}))?(del|dup)"), "range", False),
    (re.compile(rf"({_A3})({_POS})(?:_({_A3})({_POS}))?(del|dup)"), "range", True),
]


# Named tuples, not frozen dataclasses: the same attributes for ``parse._from_posedit`` at
# a seventh of the cost of creating the classes at every start (they are read, never compared
# or unpacked).
class _Position(NamedTuple):
    aa: str  # one-letter code, as hgvs keeps it
    base: int


class _Interval(NamedTuple):
    start: _Position
    end: _Position


class _Edit(NamedTuple):
    type: str
    alt: str | None


class SimplePosEdit(NamedTuple):
    """What ``hgvs.parser.Parser().parse_p_posedit`` returns, for the simple forms."""

    pos: _Interval
    edit: _Edit
    text: str
    uncertain: bool = False

    def __str__(self) -> str:
        return self.text


def _aa(code: str, three: bool) -> str:
    return _ONE[code] if three else code


def simple_posedit(token: str) -> SimplePosEdit | None:
    """The change ``token`` (without ``p.``) in one of the simple forms, else None."""
    for rx, kind, three in _FORMS:
        m = rx.fullmatch(token)
        if m is None:
            continue
        start = _Position(_aa(m[1], three), int(m[2]))
        if kind == "sub":
            alt = "*" if m[3] in ("*", "Ter") else _aa(m[3], three)
            if alt == start.aa:
                return None  # "V560V": hgvs decides between identity and substitution
            end, edit = start, _Edit("sub", alt)
            text = f"{_THREE[start.aa]}{start.base}{'Ter' if alt == '*' else _THREE[alt]}"
        else:
            end = start if m[3] is None else _Position(_aa(m[3], three), int(m[4]))
            if m[3] is not None and end.base <= start.base:
                return None  # reversed or one-codon range: hgvs's reading and its message
            edit = _Edit(m[5], None)
            span = f"{_THREE[start.aa]}{start.base}"
            if end is not start:
                span += f"_{_THREE[end.aa]}{end.base}"
            text = f"{span}{m[5]}"
        return SimplePosEdit(_Interval(start, end), edit, text)
    return None
