"""Liveness, readiness and the knowledge base (``/health``, ``/ready``, ``/api/v1/kb/*``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from gistcds import __version__
from gistcds.api.deps import Caller, any_role, get_kb, get_store
from gistcds.api.errors import documented
from gistcds.api.schemas import Health, KbSource, KbSources, KbVersion, Ready
from gistcds.domain.assessment import Assessment
from gistcds.knowledge import KnowledgeBase
from gistcds.store import Store

router = APIRouter(tags=["service"])
_NOT_IDS = {"id", "authors", "title", "journal", "year", "note", "url"}


@router.get("/health", response_model=Health, summary="Liveness (no authentication)")
def health() -> Health:
    return Health(status="ok")


@router.get(
    "/ready",
    response_model=Ready,
    responses={503: {"model": Ready, "description": "database unreachable or not migrated"}},
    summary="Readiness: the database answers and is at this version's schema",
)
def ready(store: Annotated[Store, Depends(get_store)]) -> JSONResponse:
    ok = store.ping()
    body = Ready(status="ready" if ok else "unavailable", database=store.backend)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)


@router.get(
    "/api/v1/kb/version",
    response_model=KbVersion,
    responses=documented(401),
    tags=["knowledge base"],
    summary="Versions of the knowledge base, the program and the output schema",
)
def kb_version(
    _caller: Annotated[Caller, Depends(any_role)],
    kb: Annotated[KnowledgeBase, Depends(get_kb)],
) -> KbVersion:
    schema = str(Assessment.model_fields["schema_version"].default)
    return KbVersion(
        knowledge_base_version=kb.version, gistcds_version=__version__, schema_version=schema
    )


@router.get(
    "/api/v1/kb/sources",
    response_model=KbSources,
    responses=documented(401),
    tags=["knowledge base"],
    summary="Every source the knowledge base cites",
)
def kb_sources(
    _caller: Annotated[Caller, Depends(any_role)],
    kb: Annotated[KnowledgeBase, Depends(get_kb)],
) -> KbSources:
    sources = [
        KbSource(
            id=s.id,
            citation=s.citation(),
            pmid=s.pmid,
            doi=s.doi,
            url=s.url,
            identifiers={k: str(v) for k, v in s.model_dump().items() if k not in _NOT_IDS and v},
        )
        for s in sorted(kb.sources.values(), key=lambda s: s.id)
    ]
    return KbSources(knowledge_base_version=kb.version, sources=sources)
