"""The app factory: ``create_app(settings)`` -> the FastAPI application of ``gistcds serve``.

Routers plug in through ``ROUTERS`` (one line each: the web page, FHIR and CDS Hooks add
theirs); every router shares the same settings, store, knowledge base, authentication
(``deps.caller``), audit writer (``Caller.audit``) and error shape (``errors``).
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI

from gistcds import __version__
from gistcds.api.errors import install_handlers
from gistcds.api.middleware import ServiceMiddleware
from gistcds.api.openapi import openapi_builder
from gistcds.api.settings import Settings
from gistcds.knowledge import load_kb
from gistcds.store import Store

# Each module exposes ``router``; order is the order of the OpenAPI paths.
ROUTERS: tuple[str, ...] = (
    "gistcds.api.routes_system",
    "gistcds.api.routes_assessments",
    "gistcds.api.routes_fhir",
    "gistcds.api.routes_research",
    "gistcds.api.routes_cohort",
    "gistcds.api.routes_admin",
    "gistcds.api.routes_cdshooks",
    "gistcds.web.variant_check",
    "gistcds.web.routes_pages",
    "gistcds.web.routes_views",
)

DESCRIPTION = (
    "REST API of gistcds: decision support for gastrointestinal stromal tumour (GIST). "
    "Decision support for qualified clinicians, not a medical device. Every `/api` route "
    "needs `Authorization: Bearer TOKEN` (`gistcds token create`); clinicians read and write "
    "identified assessments, researchers see de-identified data, admins manage tokens. "
    "Every error is an `ErrorBody`; a 500 carries the correlation id found in the server log."
)


def _routers(names: Iterable[str]) -> list[APIRouter]:
    out = []
    for name in names:
        router = importlib.import_module(name).router
        assert isinstance(router, APIRouter), name
        out.append(router)
    return out


WARM_UP_PATIENT = {
    "id": "warm-up",
    "primary": {"site": "stomach", "size_cm": 6, "mitoses": {"count": 6, "per": "5mm2"}},
    "molecular": {
        "tested_genes": ["KIT", "PDGFRA"],
        "variants": [{"gene": "KIT", "hgvs_p": "p.W557_K558del"}],
    },
    "metastatic": {"sites": ["liver"]},
}


def warm_up(kb: Any) -> None:
    """One throw-away assessment at start-up, so the first request does not pay for the
    engines' one-time set-up (the HGVS parser, compiled tables); nothing is stored."""
    from gistcds.assess import assess
    from gistcds.io.patient_json import patient_from_obj

    assess(patient_from_obj(WARM_UP_PATIENT), kb).model_dump_json()


def create_app(
    settings: Settings | None = None,
    store: Store | None = None,
    extra_routers: Iterable[APIRouter] = (),
) -> FastAPI:
    """The service (settings from ``GISTCDS_*`` when not given; ``store`` for tests)."""
    settings = settings or Settings.from_env()
    store = store or Store.open(settings.db_url, migrate=settings.migrate)
    owned = store

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        owned.close()

    app = FastAPI(
        title="gistcds",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.kb = load_kb()
    if settings.warm_up:
        warm_up(app.state.kb)
    for router in [*_routers(ROUTERS), *extra_routers]:
        app.include_router(router)
    install_handlers(app)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(ServiceMiddleware, settings=settings)
    builder: Callable[[], dict[str, Any]] = openapi_builder(app)
    app.openapi = builder  # type: ignore[method-assign]
    return app
