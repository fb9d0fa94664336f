"""The OpenAPI document: FastAPI's, plus the patient input schema the POST routes accept.

The patient body is read raw and validated by ``gistcds.io`` (for the CLI's messages), so
FastAPI does not see its model; its JSON Schema is added here under ``Patient`` (nested
models as ``PatientInput.<Name>``, which cannot collide with the output's names).
``python -m gistcds.api.openapi`` prints the document committed as ``docs/openapi.json``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from gistcds.domain.patient import Patient

PREFIX = "PatientInput."


def patient_schemas() -> dict[str, Any]:
    """``Patient`` and its nested models as OpenAPI components."""
    schema = Patient.model_json_schema(
        mode="validation", ref_template="#/components/schemas/" + PREFIX + "{model}"
    )
    defs = schema.pop("$defs", {})
    out = {PREFIX + name: body for name, body in defs.items()}
    out["Patient"] = schema
    return out


def openapi_builder(app: FastAPI) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            doc.setdefault("components", {}).setdefault("schemas", {}).update(patient_schemas())
            app.openapi_schema = doc
        return app.openapi_schema

    return build


def document(app: FastAPI) -> str:
    """The OpenAPI document as committed (sorted keys, 2-space indent, final newline)."""
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    """Print the OpenAPI document of a service on a throw-away SQLite database."""
    import tempfile
    from pathlib import Path

    from gistcds.api.app import create_app
    from gistcds.api.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(db_url=f"sqlite:///{Path(tmp) / 'openapi.db'}"))
        sys.stdout.write(document(app))
        app.state.store.close()


if __name__ == "__main__":
    main()
