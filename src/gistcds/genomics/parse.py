"""Protein-change parsing: HGVS via the biocommons ``hgvs`` parser, plus report shorthand.

``parse_protein_change(text)`` never raises: whatever it cannot read comes back with
``ok=False`` and a reason a clinician can act on. It accepts 1- and 3-letter amino acids,
with or without ``p.``, predicted ``p.(...)``, an accession or gene prefix, and the
free-text forms common in pathology reports ("exon 11 deletion", "KIT exon 9 AY502-503
duplication", "del WK557-558"). The ``hgvs`` package is imported on first use and its
parser built once per process (building it takes about 0.2 s).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal

from gistcds.genomics.simple_hgvs import simple_posedit

Edit = Literal[
    "sub", "del", "dup", "ins", "delins", "fs", "ext", "identity", "no_protein", "unspecified"
]
Level = Literal["codon", "exon", "none"]

_AA3 = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Sec": "U",
    "Pyl": "O", "Ter": "*", "Xaa": "X",
}  # fmt: skip
_AA1 = {v: k for k, v in _AA3.items()}


@dataclass(frozen=True)
class ProteinChange:
    """A reported protein change as understood (positions on the reported numbering)."""

    text: str
    ok: bool
    reason: str | None = None
    level: Level = "none"
    posedit: str | None = None  # 3-letter HGVS without "p.", e.g. "Trp557_Lys558del"
    start: int | None = None
    end: int | None = None
    start_aa: str | None = None  # 1-letter reference residue at start
    end_aa: str | None = None
    alt: str | None = None  # 1-letter alt residue(s); "*" = stop
    edit: Edit = "unspecified"
    uncertain: bool = False
    stated_exon: int | None = None
    accession: str | None = None
    notes: tuple[str, ...] = ()
    nucleotide: str | None = None  # the c./g./n. text when no protein change was given
    cdna_range: tuple[int, int] | None = None  # its coding positions (c. only, exonic)

    @property
    def residues_stated(self) -> bool:
        """False for a bare codon range ("557-558 del", "311_848del"): no residues given."""
        return self.start_aa is not None

    @property
    def hgvs_p(self) -> str | None:
        if self.posedit is None:
            return None
        return f"p.({self.posedit})" if self.uncertain else f"p.{self.posedit}"

    def shifted(self, after: int, by: int) -> ProteinChange:
        """The same change renumbered: positions above ``after`` move by ``by``."""

        def move(p: int | None) -> int | None:
            return p + by if p is not None and p > after else p

        posedit = self.posedit
        if posedit is not None:
            for pos, aa in ((self.start, self.start_aa), (self.end, self.end_aa)):
                new = move(pos)
                if pos is not None and aa and new != pos:
                    three = _AA1.get(aa, aa)
                    posedit = posedit.replace(f"{three}{pos}", f"{three}{new}", 1)
        return replace(self, start=move(self.start), end=move(self.end), posedit=posedit)


@lru_cache(maxsize=1)
def _parser() -> Any:
    import hgvs.parser  # lazy: keeps `gistcds --help` and non-genomic commands fast

    return hgvs.parser.Parser()


_ACCESSION = re.compile(r"\b(N[MP]_\d+(?:\.\d+)?|ENS[TP]\d+(?:\.\d+)?)\s*:?\s*", re.I)
_PDOT = re.compile(r"\bp\.\s*(\(?[A-Za-z0-9_*=?]+\)?)")
# Legacy shorthand found in public variant databases: "V559-", "DIM842-" (deleted residues,
# then a dash), "RD841-842KI" / "DI842-843IM" / "HDSN845-848P" (replaced residues, range, new).
_LEGACY_DEL = re.compile(r"(?:\bp\.\s*)?\(?\b(?P<aa>[A-Z]+)(?P<s>\d{1,4})-\)?(?=\s|$)")
_LEGACY_DELINS = re.compile(
    r"(?:\bp\.\s*)?\b(?P<aa>[A-Z]{2,})(?P<s>\d{1,4})-(?P<e>\d{1,4})(?P<alt>[A-Z]+)\b"
)
_KIND_WORDS = {"DEL", "DUP", "INS", "DELINS", "ITD", "INDEL"}
_EXON = re.compile(r"(?i)\bex(?:on)?[\s\-]*(\d{1,2})\b")
_LEGACY_RESIDUES = re.compile(r"(.*\d(?:del|dup))((?:[A-Z][a-z]{2})+|[A-Z]+)")
# The forms below are rarer (no p. change: nucleotide changes, codon ranges in words, exon-level
# text): kept as pattern text, compiled by ``re`` at first use (and cached there), so a
# reported p. change does not pay for compiling them at every start of the command line.
_NUC = r"(?<![A-Za-z0-9])(?P<kind>[cgnrm])\.\s*(?P<expr>[-*]?\d[^\s,;()\[\]]*)"
_CDS_RANGE = r"^(?P<a>\d+)(?:_(?P<b>\d+))?(?=[A-Za-z>]|$)"
_NEGATIVE = r"(?i)\b(no|not|negative|wild[\s\-]?type|wt|absent|none|normal)\b"
_TOKEN = r"\(?[A-Za-z*][A-Za-z0-9_*=?]*\d[A-Za-z0-9_*=?]*\)?"
_KIND = r"(?i:delins|indel|del(?:etion)?|dup(?:lication)?|ins(?:ertion)?|ITD)"
_RANGE_AFTER = (
    rf"(?P<aa>[A-Z]{{2,}})?\s?(?P<s>\d{{1,4}})\s*[-–_]\s*[A-Z]?(?P<e>\d{{1,4}})\s*(?P<k>{_KIND})\b"
)
_RANGE_BEFORE = (
    rf"\b(?P<k>{_KIND})\s*(?i:of\s+)?(?i:codons?\s*)?(?P<aa>[A-Z]{{2,}})?\s?(?P<s>\d{{1,4}})"
    r"\s*[-–_]\s*[A-Z]?(?P<e>\d{1,4})"
)
_TRUNCATING = [  # checked first: "exon 11 deletion, frameshift" is a frameshift
    ("fs", r"(?i)\b(frame[\s-]?shift|fs)\b"),
    ("nonsense", r"(?i)\b(nonsense|stop[\s-]?gain(?:ed)?|premature\s+stop|truncating)\b"),
]
_EXON_KIND = [
    ("delins", r"(?i)\b(delins|indel|deletion[\s/-]*insertion)\b"),
    ("del", r"(?i)\b(del|deletion|deleted)\b"),
    ("dup", r"(?i)\b(dup|duplication|itd|tandem\s+duplication)\b"),
    ("ins", r"(?i)\b(ins|insertion)\b"),
    ("sub", r"(?i)\b(substitution|point\s+mutation|missense|snv)\b"),
]
_KIND_EDIT: dict[str, Edit] = {
    "delins": "delins", "indel": "delins", "del": "del", "deletion": "del", "dup": "dup",
    "duplication": "dup", "itd": "dup", "ins": "ins", "insertion": "ins",
}  # fmt: skip


def _fail(text: str, reason: str, **kw: Any) -> ProteinChange:
    return ProteinChange(text=text, ok=False, reason=reason, **kw)


def _recase(token: str) -> str:
    """Fix letter case of a protein change typed in the wrong case ("trp557_lys558del")."""
    pattern = r"delins|del|dup|ins|fs|ext|[A-Za-z]{3}(?=\d|_|$|[A-Z*])|[A-Za-z]|."
    parts = re.findall(pattern, token, re.I)
    out = []
    for p in parts:
        low = p.lower()
        if low in ("delins", "del", "dup", "ins", "fs", "ext"):
            out.append(low)
        elif len(p) == 3 and p.isalpha() and p.title() in _AA3:
            out.append(p.title())
        elif len(p) == 1 and p.isalpha():
            out.append(p.upper())
        else:
            out.append(p)
    return "".join(out)


def _legacy_residues_agree(change: str, residues: str) -> bool:
    """Old-style "W557_K558delWK": the repeated residues must start and end like the range."""
    ends = re.findall(r"([A-Z](?:[a-z]{2})?)\d+", change)
    listed = re.findall(r"[A-Z][a-z]{2}", residues) if residues[1:2].islower() else list(residues)
    return bool(ends and listed) and listed[0] == ends[0] and listed[-1] == ends[-1]


def _posedit(token: str) -> Any | None:
    """The hgvs PosEdit for one token, or None when it does not parse."""
    candidates = [token]
    if token.endswith("X") and token[:-1][-1:].isdigit():
        candidates.insert(0, token[:-1] + "*")  # "R634X": X used for a stop codon
    legacy = _LEGACY_RESIDUES.fullmatch(token)
    if legacy and _legacy_residues_agree(legacy.group(1), legacy.group(2)):
        candidates.append(legacy.group(1))  # "W557_K558delWK": deleted residues repeated
    for cand in list(candidates):
        fixed = _recase(cand)
        if fixed != cand:
            candidates.append(fixed)
    for cand in candidates:
        simple = simple_posedit(cand)  # the common forms, without building the hgvs parser
        if simple is not None:
            return simple
        try:
            pe = _parser().parse_p_posedit(cand)
        except Exception:
            continue
        if pe is not None:
            return pe
    return None


def _from_posedit(text: str, pe: Any, **kw: Any) -> ProteinChange:
    pos = getattr(pe, "pos", None)
    edit = getattr(pe, "edit", None)
    uncertain = bool(getattr(pe, "uncertain", False))
    if pos is None:
        s = str(edit)
        if s.startswith("0"):
            return ProteinChange(
                text=text, ok=True, level="none", edit="no_protein", uncertain=uncertain, **kw
            )
        if s == "=":
            return ProteinChange(text=text, ok=True, level="none", edit="identity", **kw)
        return _fail(text, "protein change without a position", **kw)
    etype = str(getattr(edit, "type", ""))
    start = int(pos.start.base)
    end = int(pos.end.base) if pos.end is not None else start
    start_aa = str(pos.start.aa)
    end_aa = str(pos.end.aa) if pos.end is not None else start_aa
    alt = getattr(edit, "alt", None)
    alt = str(alt) if alt else None
    if start < 1 or end < start:
        return _fail(text, f"positions out of order ({start}..{end})", **kw)
    kind: Edit
    if etype == "sub":
        if alt == "?":
            return _fail(text, f"effect at codon {start} unknown (?)", **kw)
        kind = "identity" if alt == start_aa else "sub"
    elif etype in ("del", "dup", "ins", "delins", "fs", "ext", "identity"):
        kind = etype  # type: ignore[assignment]
    else:
        return _fail(text, f"unsupported protein edit {etype!r}", **kw)
    posedit = str(pe)
    if posedit.startswith("(") and posedit.endswith(")"):
        posedit = posedit[1:-1]
    return ProteinChange(
        text=text,
        ok=True,
        level="codon",
        posedit=posedit,
        start=start,
        end=end,
        start_aa=start_aa,
        end_aa=end_aa,
        alt=alt,
        edit=kind,
        uncertain=uncertain,
        **kw,
    )


def _range_shorthand(text: str, body: str, **kw: Any) -> ProteinChange | None:
    """ "AY502-503 duplication", "del WK557-558", "557-558 del" -> codon-level change."""
    m = re.search(_RANGE_AFTER, body) or re.search(_RANGE_BEFORE, body)
    if not m:
        return None
    start, end = int(m["s"]), int(m["e"])
    if start < 1:
        return _fail(text, f"codons are numbered from 1 (got {start})", **kw)
    if end < start:
        return _fail(text, f"codon range reversed ({start}-{end})", **kw)
    kind_word = m["k"].lower()
    kind = _KIND_EDIT.get(kind_word, "del")
    residues = m["aa"]
    notes: list[str] = []
    if residues and len(residues) == end - start + 1:
        if kind == "ins":
            # An insertion copying the named residues is a duplication in HGVS (3' rule).
            kind = "dup"
            notes.append("residue-range insertion read as duplication (HGVS)")
        if kind in ("del", "dup"):
            pe = _posedit(f"{residues[0]}{start}_{residues[-1]}{end}{kind}")
            if pe is not None:
                return replace(_from_posedit(text, pe, **kw), notes=tuple(notes))
    elif residues:
        notes.append(f"residues {residues} do not match codons {start}-{end}; kept codons")
    return ProteinChange(
        text=text, ok=True, level="codon", start=start, end=end, edit=kind, notes=tuple(notes), **kw
    )


@lru_cache(maxsize=8192)
def parse_protein_change(text: str) -> ProteinChange:
    """Read one reported protein change; never raises.

    Cached: the hgvs PEG parser costs about 1 ms a string, and cohorts repeat a few hundred
    spellings many times; ``ProteinChange`` is immutable, so sharing results is safe."""
    try:
        return _parse(text)
    except Exception as exc:  # a parser bug must not crash an assessment
        return _fail(text, f"could not be read ({type(exc).__name__})")


def _legacy(body: str) -> tuple[str, str | None]:
    """Rewrite legacy database shorthand ("V559-", "RD841-842KI") as HGVS, with a note."""
    m = _LEGACY_DELINS.search(body)
    if m and m["alt"] not in _KIND_WORDS:
        aa, start, end = m["aa"], int(m["s"]), int(m["e"])
        if end - start + 1 == len(aa):
            new = f"p.{aa[0]}{start}_{aa[-1]}{end}delins{m['alt']}"
            return body[: m.start()] + new + body[m.end() :], f"{m[0]} (legacy) read as {new}"
    m = _LEGACY_DEL.search(body)
    if m:
        aa, start = m["aa"], int(m["s"])
        end = start + len(aa) - 1
        span = f"{aa}{start}" if len(aa) == 1 else f"{aa[0]}{start}_{aa[-1]}{end}"
        new = f"p.{span}del"
        return body[: m.start()] + new + body[m.end() :], f"{m[0].strip()} (legacy) read as {new}"
    return body, None


def _parse(text: str) -> ProteinChange:
    body = text.replace("Δ", " del ").replace("δ", " del ").replace("–", "-").strip()
    if not body:
        return _fail(text, "empty")
    body, legacy_note = _legacy(body)
    out = _parse_body(text, body)
    if legacy_note is not None and out.ok:
        out = replace(out, notes=(legacy_note, *out.notes))
    return out


def _nucleotide_only(text: str, found: list[re.Match[str]], **kw: Any) -> ProteinChange:
    """A nucleotide change without its protein change: refused, never read as codons."""
    first = found[0]
    shown = f"{first['kind']}.{first['expr']}"
    cdna: tuple[int, int] | None = None
    pos = re.match(_CDS_RANGE, first["expr"])
    if first["kind"] == "c" and pos:
        a = int(pos["a"])
        cdna = (a, int(pos["b"]) if pos["b"] else a)
    return _fail(
        text,
        f"{shown} is a nucleotide change; give the protein change (p.) from the report, "
        "e.g. p.W557_K558del",
        nucleotide=shown,
        cdna_range=cdna,
        **kw,
    )


def _parse_body(raw: str, body: str) -> ProteinChange:
    accession = None
    m = _ACCESSION.search(body)
    if m:
        accession = m.group(1).upper().split(".")[0]
        body = (body[: m.start()] + " " + body[m.end() :]).strip()
    exons = {int(x) for x in _EXON.findall(body)}
    stated_exon = exons.pop() if len(exons) == 1 else None
    kw: dict[str, Any] = {"stated_exon": stated_exon, "accession": accession}
    if len(exons) > 0:  # more than one distinct exon named
        return _fail(raw, "names more than one exon; enter one variant per entry", **kw)

    pdots = list(dict.fromkeys(_PDOT.findall(body)))
    if len(pdots) > 1:
        return _fail(raw, "more than one protein change in one entry; enter each separately", **kw)
    if pdots:
        return _from_pdot(raw, body, pdots[0], **kw)

    nucleotide = list(re.finditer(_NUC, body))
    body = re.sub(_NUC, " ", body)  # c./g. numbers are never read as codons
    found: dict[str, Any] = {}
    for token in re.findall(_TOKEN, body):
        if _EXON.fullmatch(token.strip("()")):
            continue
        pe = _posedit(token)
        if pe is not None and getattr(pe, "pos", None) is not None:
            found[str(pe).strip("()")] = pe
    if len(found) > 1:
        return _fail(raw, "more than one protein change in one entry; enter each separately", **kw)
    if found:
        return _from_posedit(raw, next(iter(found.values())), **kw)

    short = _range_shorthand(raw, body, **kw)
    if short is not None:
        return short
    if nucleotide:  # even beside an exon: a c. change may be synonymous or truncating
        return _nucleotide_only(raw, nucleotide, **kw)
    if re.search(r"(?i)splice", body):
        return _fail(raw, "splice variant: protein effect not stated", **kw)
    if stated_exon is not None:
        return _exon_level(raw, body, **kw)
    return _fail(raw, "not a protein change this parser understands", **kw)


def _from_pdot(raw: str, body: str, token: str, **kw: Any) -> ProteinChange:
    """The one ``p.`` change of an entry."""
    if token in ("?", "(?)"):
        return _fail(raw, "p.? : protein effect unknown", **kw)
    if token.startswith("(") and not token.endswith(")"):
        token = token[1:]
    elif token.endswith(")") and not token.startswith("("):
        token = token[:-1]
    pe = _posedit(token)
    if pe is None:
        short = _range_shorthand(raw, re.sub(_NUC, " ", body), **kw)  # "p.557_558del"
        return short or _fail(raw, f"p.{token} is not valid protein HGVS", **kw)
    return _from_posedit(raw, pe, **kw)


def _exon_level(raw: str, body: str, **kw: Any) -> ProteinChange:
    """ "exon 11 deletion": the exon and the kind of change, no codons."""
    if re.search(_NEGATIVE, body):
        return _fail(raw, "reads as a negative result; list tested genes in tested_genes", **kw)
    for name, rx in _TRUNCATING:
        if re.search(rx, body):
            if name == "fs":
                return ProteinChange(text=raw, ok=True, level="exon", edit="fs", **kw)
            return ProteinChange(text=raw, ok=True, level="exon", edit="sub", alt="*", **kw)
    edit: Edit = "unspecified"
    for name, rx in _EXON_KIND:
        if re.search(rx, body):
            edit = name  # type: ignore[assignment]
            break
    return ProteinChange(text=raw, ok=True, level="exon", edit=edit, **kw)
