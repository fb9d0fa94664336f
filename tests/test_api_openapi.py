"""The OpenAPI document: committed in sync, and fuzzed with schemathesis (no 5xx, 4xx as
documented)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from gistcds.api import Settings, create_app
from gistcds.api.openapi import document
from service_helpers import ROOT, bearer, make_token

COMMITTED = ROOT / "docs" / "openapi.json"
REGENERATE = "make openapi (writes docs/openapi.json)"


def test_committed_openapi_is_in_sync(tmp_path: Path) -> None:
    app = create_app(Settings(db_url=f"sqlite:///{tmp_path / 'o.db'}"))
    try:
        assert json.loads(COMMITTED.read_text()) == json.loads(document(app)), REGENERATE
    finally:
        app.state.store.close()


def test_every_route_documents_its_errors_as_error_body() -> None:
    doc = json.loads(COMMITTED.read_text())
    for path, item in doc["paths"].items():
        for method, op in item.items():
            for status, answer in op["responses"].items():
                if status.startswith("4"):
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (path, method)
            if path.startswith("/api/"):
                assert "401" in op["responses"], (path, method)
                assert op.get("security") == [{"bearer": []}], (path, method)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str]]]:
    db = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    app = create_app(Settings(db_url=f"sqlite:///{db}"))
    headers = bearer(make_token(app.state.store, "fuzzer", "clinician"))
    yield app, headers
    app.state.store.close()


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 4}


def _operations(app: Any) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", list(EXAMPLES))
def test_fuzz_no_5xx_and_documented_4xx(
    fuzzed: tuple[Any, dict[str, str]], mode: GenerationMode
) -> None:
    """Every operation, with data that fits the schema and data that does not: never a 5xx,
    every answer documented, every 4xx an ErrorBody; invalid data is refused."""
    app, headers = fuzzed
    skipped: list[str] = []
    for operation in _operations(app):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES[mode],
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Unsatisfiable:  # nothing to make invalid (no parameter, no body)
            assert mode is GenerationMode.NEGATIVE
            skipped.append(operation.label)
    assert len(skipped) <= 6, skipped
