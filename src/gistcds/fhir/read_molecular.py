"""Genomics Reporting observations -> ``molecular`` (variants, fusions, genes tested, SDHB)."""

from __future__ import annotations

from typing import Any

from gistcds.fhir.bundle import Entry, first_date
from gistcds.fhir.read_context import Ctx
from gistcds.fhir.terminology import concept_of

__all__ = ["gene_symbol", "read_region", "read_sdhb", "read_specimen_use", "read_variant"]

_HGNC_SYSTEMS = ("http://www.genenames.org/geneId", "http://www.genenames.org")


def gene_symbol(cc: Any) -> str | None:
    """HGNC symbol from a gene-studied value: known HGNC id, coding display, or text."""
    if not isinstance(cc, dict):
        return None
    key = concept_of(cc)
    if key and key.startswith("gene_"):
        return key.removeprefix("gene_")
    for cd in cc.get("coding") or []:
        if cd.get("system") in _HGNC_SYSTEMS and cd.get("display"):
            return str(cd["display"]).strip().upper()
    text = cc.get("text")
    return text.strip().upper() if isinstance(text, str) and text.strip() else None


def _components(r: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    return [
        (i, c) for i, c in enumerate(r.get("component") or []) if concept_of(c.get("code")) == key
    ]


def _value_text(cc: Any) -> str | None:
    if not isinstance(cc, dict):
        return None
    for cd in cc.get("coding") or []:
        if cd.get("code"):
            return str(cd["code"]).strip()
    text = cc.get("text")
    return text.strip() if isinstance(text, str) and text.strip() else None


def read_variant(ctx: Ctx, e: Entry) -> None:
    """One variant (or fusion: two genes, no protein change) observation."""
    r = e.resource
    ctx.consume(e, "code", "subject", "valueCodeableConcept", "method", "category")
    presence = concept_of(r.get("valueCodeableConcept"))
    if presence == "absent":
        ctx.line("ignored", e, "valueCodeableConcept", "variant reported absent")
        ctx.consume(e, "component", "specimen", "effectiveDateTime")
        return
    genes = [
        (i, gene_symbol(c.get("valueCodeableConcept"))) for i, c in _components(r, "gene_studied")
    ]
    known = [(i, g) for i, g in genes if g]
    protein = [
        (i, _value_text(c.get("valueCodeableConcept"))) for i, c in _components(r, "protein_hgvs")
    ]
    cdna = [
        (i, _value_text(c.get("valueCodeableConcept"))) for i, c in _components(r, "coding_hgvs")
    ]
    if not known:
        ctx.line(
            "unmapped", e, "component", "variant without a gene-studied component gistcds reads"
        )
        return
    ctx.consume(e, "component")
    if len(known) >= 2 and not protein:
        ctx.append(
            "molecular.fusions",
            {"genes": [g for _, g in known[:2]]},
            e,
            f"component[{known[0][0]}]",
        )
        ctx.report.refs.variants.append(e.ref)
        return
    gene = known[0][1]
    change = next(((i, p) for i, p in protein if p), None)
    status, reason = "mapped", "protein change (HGVS p.)"
    if change is None:
        change = next(((i, c) for i, c in cdna if c), None)
        status = "assumed"
        reason = "no protein change given: the cDNA change is passed on as reported"
    if change is None:
        ctx.line(
            "unmapped", e, "component", "variant without an HGVS change: gistcds cannot classify it"
        )
        return
    variant: dict[str, Any] = {"gene": gene, "hgvs_p": change[1]}
    when = first_date(r, "effectiveDateTime", "effectivePeriod", "issued")
    if when is not None:
        variant["date"] = when.isoformat()
    source = _source(ctx, e)
    if source:
        variant["source"] = source
    i = ctx.append("molecular.variants", variant, e, f"component[{change[0]}]", reason)
    if status == "assumed":
        ctx.line("assumed", e, f"component[{change[0]}]", reason, f"molecular.variants[{i}]")
    for j, c in _components(r, "genomic_source"):
        if concept_of(c.get("valueCodeableConcept")) == "germline":
            ctx.line("assumed", e, f"component[{j}]", "germline origin is not kept by gistcds")
    ctx.report.refs.variants.append(e.ref)


def _source(ctx: Ctx, e: Entry) -> str | None:
    spec = ctx.index.resolve(e.resource.get("specimen"))
    ctx.consume(e, "specimen", "effectiveDateTime")
    if spec is None:
        return None
    kind = concept_of(spec.resource.get("type"))
    if kind == "specimen_ctdna":
        return "ctdna"
    if kind == "specimen_tissue":
        return "tissue"
    text = str((spec.resource.get("type") or {}).get("text", "")).lower()
    if any(word in text for word in ("plasma", "ctdna", "cfdna", "cell-free")):
        ctx.line("assumed", e, "specimen", f"specimen type {text!r} read as ctDNA")
        return "ctdna"
    ctx.line("assumed", e, "specimen", "specimen type not known to gistcds; tissue assumed")
    return None


def read_region(ctx: Ctx, e: Entry) -> None:
    """Genes studied -> ``molecular.tested_genes`` (needed before calling wild type)."""
    ctx.consume(e, "code", "subject", "effectiveDateTime", "category")
    tested = ctx.doc.setdefault("molecular", {}).setdefault("tested_genes", [])
    found = False
    for i, c in _components(e.resource, "gene_studied"):
        gene = gene_symbol(c.get("valueCodeableConcept"))
        if gene is None:
            ctx.line("unmapped", e, f"component[{i}]", "gene studied without an HGNC id or symbol")
        elif gene not in tested:
            ctx.append("molecular.tested_genes", gene, e, f"component[{i}]")
            found = True
        else:
            ctx.line(
                "mapped", e, f"component[{i}]", "gene already listed", "molecular.tested_genes"
            )
            ctx.consume(e, "component")
    if found:
        ctx.report.refs.regions_studied.append(e.ref)
    other = [
        i
        for i, c in enumerate(e.resource.get("component") or [])
        if concept_of(c.get("code")) != "gene_studied"
    ]
    for i in other:
        ctx.line("ignored", e, f"component[{i}]", "region detail; gistcds uses the genes studied")


_SDHB_VALUES = {"ihc_positive": "retained", "ihc_negative": "lost", "ihc_unknown": "unknown"}


def read_sdhb(ctx: Ctx, e: Entry) -> None:
    r = e.resource
    ctx.consume(e, "code", "subject", "effectiveDateTime", "category", "focus")
    cc = r.get("valueCodeableConcept")
    value = _SDHB_VALUES.get(concept_of(cc) or "")
    if value is None and isinstance(cc, dict):
        text = str(cc.get("text", "")).strip().lower()
        value = text if text in ("retained", "lost", "unknown") else None
    if value is None:
        ctx.line(
            "unmapped", e, "value", "SDHB IHC must be positive/retained, negative/lost or unknown"
        )
        return
    when = first_date(r, "effectiveDateTime", "issued")
    ctx.offer("molecular.sdhb_ihc", value, e, "valueCodeableConcept", when)


def read_specimen_use(ctx: Ctx, e: Entry, used_by_variant: bool) -> None:
    if used_by_variant:
        ctx.line("mapped", e, "type", "specimen type read as the variants' source (tissue/ctDNA)")
        ctx.consume(e, "type", "subject", "status")
    else:
        ctx.line("ignored", e, "", "specimen not referenced by a variant")
