"""Fixtures and helpers of the service tests: one suite, SQLite always, PostgreSQL when asked.

``GISTCDS_TEST_POSTGRES`` set (``.ci/run`` sets it when a server answers on 127.0.0.1:5432)
runs every ``backend``-parametrised test on PostgreSQL too, each test in a schema of its own
inside the database ``gistcds_test`` (created here if missing; no other database is touched).
Test modules import the fixtures they use from here.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "patients"
SHARED_CASES = ROOT.parent / "shared" / "examples" / "cases"
PG_SERVER = os.environ.get("GISTCDS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
PG_DATABASE = "gistcds_test"
BACKENDS = ["sqlite", "postgresql"]


def postgres_wanted() -> bool:
    return bool(os.environ.get("GISTCDS_TEST_POSTGRES"))


def _ensure_pg_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/test", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (PG_DATABASE,)
        ).fetchone()
        if not exists:
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(f"CREATE DATABASE {PG_DATABASE}")


@contextlib.contextmanager
def pg_schema_url() -> Iterator[str]:
    """A URL whose connections live in a fresh schema of ``gistcds_test``; dropped after."""
    import psycopg

    _ensure_pg_database()
    schema = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(f"{PG_SERVER}/{PG_DATABASE}", autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    base = PG_SERVER.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{PG_DATABASE}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(f"{PG_SERVER}/{PG_DATABASE}", autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh empty database: a SQLite file, or a PostgreSQL schema when enabled."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'service.db'}"
        return
    if not postgres_wanted():
        pytest.skip("PostgreSQL tests run when GISTCDS_TEST_POSTGRES is set")
    with pg_schema_url() as url:
        yield url


@pytest.fixture
def store(db_url: str) -> Iterator[Any]:
    from gistcds.store import Store

    s = Store.open(db_url)
    yield s
    s.close()


def make_token(store: Any, name: str, role: str) -> str:
    from gistcds.store import AuditEntry, Principal

    token, _ = store.create_token(
        Principal(name="test", role=None), name, role, AuditEntry(action="token.create")
    )
    return str(token)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@contextlib.contextmanager
def serving(store: Any) -> Iterator[Any]:
    """A TestClient on a service over ``store``, with ``.clinician``/``.researcher``/``.admin``
    header dicts and ``.store``."""
    from fastapi.testclient import TestClient

    from gistcds.api import Settings, create_app

    app = create_app(Settings(db_url=str(store.engine.url)), store=store)
    with TestClient(app, raise_server_exceptions=False) as client:
        client.clinician = bearer(make_token(store, "dr-a", "clinician"))  # type: ignore[attr-defined]
        client.researcher = bearer(make_token(store, "res-b", "researcher"))  # type: ignore[attr-defined]
        client.admin = bearer(make_token(store, "adm-c", "admin"))  # type: ignore[attr-defined]
        client.store = store  # type: ignore[attr-defined]
        yield client


@pytest.fixture
def api(store: Any) -> Iterator[Any]:
    """A service on a fresh database, for tests that count what it stores."""
    with serving(store) as client:
        yield client


@pytest.fixture(scope="module", params=BACKENDS)
def shared(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """One service per module and backend, for tests that only look at answers."""
    from gistcds.store import Store

    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('shared') / 'shared.db'}"
        elif postgres_wanted():
            url = stack.enter_context(pg_schema_url())
        else:
            pytest.skip("PostgreSQL tests run when GISTCDS_TEST_POSTGRES is set")
        s = Store.open(url)
        stack.callback(s.close)
        yield stack.enter_context(serving(s))


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text())
    return data


def example_documents() -> list[dict[str, Any]]:
    """Every bundled example patient and every valid shared case's patient."""
    from gistcds.errors import InputError
    from gistcds.io.patient_json import patient_from_obj

    docs = [json.loads(p.read_text()) for p in sorted(EXAMPLES.glob("*.json"))]
    if SHARED_CASES.is_dir():
        for path in sorted(SHARED_CASES.glob("*.json")):
            case = json.loads(path.read_text())
            if isinstance(case.get("patient"), dict):
                docs.append(case["patient"])
    valid = []
    for doc in docs:
        try:
            patient_from_obj(doc)
        except InputError:
            continue
        valid.append(doc)
    return valid


# --- a real server in a subprocess ---------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``gistcds serve`` in a subprocess on a free loopback port (stderr to ``log``)."""

    def __init__(self, db_url: str, log: Path, workers: int = 1) -> None:
        self.db_url, self.log, self.workers = db_url, log, workers
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Server:
        import httpx

        cmd = [str(Path(sys.executable).parent / "gistcds"), "serve", "--port", str(self.port)]
        cmd += ["--db", self.db_url, "--workers", str(self.workers)]
        with self.log.open("ab") as err:
            self.proc = subprocess.Popen(
                cmd, stdout=err, stderr=err, cwd=self.log.parent, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/ready", timeout=2).status_code == 200:
                    return self
            time.sleep(0.1)
        self.kill()
        raise RuntimeError("server did not become ready")

    def kill(self) -> None:
        """SIGKILL the whole process group (uvicorn workers too), as a crash would."""
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
