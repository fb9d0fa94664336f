"""``POST /api/v1/cohort/score`` (the CLI's scoring, CSV or Parquet both ways), ``/health``,
``/ready`` and the knowledge-base routes."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import text

from gistcds.cohort.score import run
from gistcds.knowledge import load_kb

TABLE = (
    "id,site,size_cm,mitoses,mitoses_per,rupture,nodes,metastatic\n"
    "a,stomach,11,12,5mm2,false,,false\n"
    "b,jejunum_ileum,4,3,50hpf,no,N0,\n"
    "c,colon,4,3,5mm2,no,,no\n"
)
CSV = "text/csv"
PARQUET = "application/vnd.apache.parquet"


def _score(
    api: Any, body: bytes, kind: str = CSV, accept: str = CSV, who: str = "clinician"
) -> Any:
    headers = {**getattr(api, who), "Content-Type": kind, "Accept": accept}
    return api.post("/api/v1/cohort/score", content=body, headers=headers)


def test_cohort_score_is_the_cli_scoring(api: Any, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(TABLE)
    run(src, tmp_path / "out.parquet", kb=load_kb())  # writes the file, returns a summary
    expected = pd.read_parquet(tmp_path / "out.parquet")
    r = _score(api, TABLE.encode(), who="researcher")
    assert r.status_code == 200 and r.headers["content-type"].startswith(CSV)
    run(src, tmp_path / "out.csv", kb=load_kb())  # the CLI's CSV, byte for byte
    assert r.text == (tmp_path / "out.csv").read_text()
    as_parquet = _score(api, TABLE.encode(), accept=PARQUET)
    assert as_parquet.headers["content-type"] == PARQUET
    pd.testing.assert_frame_equal(pd.read_parquet(io.BytesIO(as_parquet.content)), expected)
    buf = io.BytesIO()
    pd.read_csv(io.StringIO(TABLE), dtype=str, keep_default_na=False).to_parquet(buf)
    from_parquet = _score(api, buf.getvalue(), kind=PARQUET, accept=PARQUET)
    assert from_parquet.status_code == 200
    audit = [a for a in api.store.audit_page(0, 100) if a["action"] == "cohort.score"]
    assert [a["detail"]["rows"] for a in audit] == [3, 3, 3]


def test_cohort_score_refuses_bad_tables_like_the_cli(shared: Any) -> None:
    bad = _score(shared, (TABLE + "f,stomack,-1,3,,maybe,N2,perhaps\n").encode())
    assert bad.status_code == 422
    paths = {p["path"] for p in bad.json()["problems"]}
    assert "row 5, column site" in paths  # spreadsheet rows: the header is row 1
    assert _score(shared, b"").status_code == 422
    assert _score(shared, b"\x00\x01garbage", kind=PARQUET).status_code == 422
    assert _score(shared, TABLE.encode(), kind="application/json").status_code == 415
    assert _score(shared, TABLE.encode(), accept="application/xml").status_code == 406


def test_health_needs_nothing_and_ready_checks_the_database(shared: Any) -> None:
    assert shared.get("/health").json() == {"status": "ok"}
    ready = shared.get("/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": shared.store.backend}


def test_ready_is_503_when_the_schema_is_behind(api: Any) -> None:
    api.store.write(lambda c: c.execute(text("UPDATE alembic_version SET version_num = 'old'")))
    r = api.get("/ready")
    assert r.status_code == 503 and r.json()["status"] == "unavailable"


def test_kb_version_and_sources(shared: Any) -> None:
    kb = load_kb()
    version = shared.get("/api/v1/kb/version", headers=shared.researcher).json()
    assert version["knowledge_base_version"] == kb.version
    assert version["schema_version"] == "1"
    sources = shared.get("/api/v1/kb/sources", headers=shared.admin).json()
    assert sources["knowledge_base_version"] == kb.version
    assert {s["id"] for s in sources["sources"]} == set(kb.sources)
    assert all(s["identifiers"] for s in sources["sources"])
    assert all(s["identifiers"].get("pmid") == s["pmid"] for s in sources["sources"])


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_no_interactive_docs_that_would_load_scripts_from_elsewhere(shared: Any, path: str) -> None:
    assert shared.get(path).status_code == 404
