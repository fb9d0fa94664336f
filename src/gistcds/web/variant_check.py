"""The as-you-type HGVS check: one variant read by the genotype engine, nothing stored.

``GET /api/v1/variants/check?gene=KIT&hgvs_p=p.W557_K558del`` (bearer token, any role) answers
JSON; the form's fragment route calls the same ``check_variant``. The reading - valid protein
HGVS or not, exon, region, genotype class - is the genotype engine's (``gistcds.genomics``),
made on a one-variant record, so the form says exactly what the assessment will read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from gistcds.api.deps import Caller, any_role, get_kb
from gistcds.api.errors import documented
from gistcds.domain.results.genotype import GenotypeClass
from gistcds.errors import InputError
from gistcds.knowledge import KnowledgeBase

router = APIRouter(prefix="/api/v1", tags=["variants"])


class VariantCheck(BaseModel):
    """How gistcds reads one reported protein change."""

    gene: str
    input: str
    recognised: bool = Field(description="false: the genotype engine cannot classify it")
    hgvs_p: str | None = Field(None, description="normalised protein HGVS, when given as such")
    exon: int | None = None
    region: str | None = None
    genotype_class: GenotypeClass | None = Field(
        None, description="the class this variant alone gives"
    )
    message: str = Field(description="one line for the person typing")


def check_variant(gene: str, hgvs_p: str, kb: KnowledgeBase) -> VariantCheck:
    """Read ``gene`` + ``hgvs_p`` as the assessment would (validation first, then genomics)."""
    from gistcds.genomics import interpret_genotype
    from gistcds.io.patient_json import patient_from_obj

    gene, text = gene.strip().upper(), hgvs_p.strip()
    doc = {
        "id": "variant-check",
        "molecular": {"tested_genes": [gene], "variants": [{"gene": gene, "hgvs_p": text}]},
    }
    try:
        patient = patient_from_obj(doc)
    except InputError as exc:
        message = "; ".join(p.message for p in exc.problems)
        return VariantCheck(gene=gene, input=text, recognised=False, message=message)
    result = interpret_genotype(patient, kb)
    read = result.variants[0] if result and result.variants else None
    if read is None or not read.classified:
        why = read.reason if read and read.reason else "not recognised"
        return VariantCheck(gene=gene, input=text, recognised=False, message=why)
    where = ", ".join(x for x in (f"exon {read.exon}" if read.exon else "", read.region_label) if x)
    shown = read.hgvs_p or read.input
    return VariantCheck(
        gene=gene,
        input=text,
        recognised=True,
        hgvs_p=read.hgvs_p,
        exon=read.exon,
        region=read.region_label,
        genotype_class=result.genotype_class if result else None,
        message=f"{gene} {shown}" + (f" ({where})" if where else ""),
    )


@router.get(
    "/variants/check",
    response_model=VariantCheck,
    responses=documented(401, 403, 422),
    summary="How gistcds reads one protein change (the form's as-you-type check)",
)
def variant_check(
    _caller: Annotated[Caller, Depends(any_role)],
    kb: Annotated[KnowledgeBase, Depends(get_kb)],
    gene: Annotated[str, Query(min_length=1, max_length=20)],
    hgvs_p: Annotated[str, Query(min_length=1, max_length=200)],
) -> VariantCheck:
    return check_variant(gene, hgvs_p, kb)
