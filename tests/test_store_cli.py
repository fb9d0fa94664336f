"""``gistcds token create|revoke|list``, ``db upgrade|current``, ``audit export``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from gistcds.cli import build_app, fast_help
from gistcds.store import Store


def _run(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(build_app(), list(args))
    return res.exit_code, res.stdout, res.stderr


def test_token_lifecycle_and_audit_export(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    code, out, err = _run("token", "create", "--name", "dr-x", "--role", "clinician", "--db", db)
    assert code == 0, err
    token = out.strip()
    assert token.startswith("gcds_") and "shown once" in err
    store = Store.open(db)
    principal = store.authenticate(token)
    assert principal is not None and (principal.name, principal.role) == ("dr-x", "clinician")
    listed = [json.loads(line) for line in _run("token", "list", "--db", db)[1].splitlines()]
    assert [(t["account"], t["revoked"]) for t in listed] == [("dr-x", None)]
    assert token not in json.dumps(listed)
    code, _, err = _run("token", "create", "--name", "dr-x", "--role", "admin", "--db", db)
    assert code == 2 and "exists with role clinician" in err
    code, _, err = _run("token", "create", "--name", "x", "--role", "boss", "--db", db)
    assert code == 2 and "role must be one of" in err
    assert _run("token", "revoke", "--name", "dr-x", "--db", db)[0] == 0
    assert store.authenticate(token) is None
    assert _run("token", "revoke", "--id", "99", "--db", db)[0] == 2
    out_file = tmp_path / "audit.jsonl"
    assert _run("audit", "export", "--out", str(out_file), "--db", db)[0] == 0
    rows = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert [(r["action"], r["actor"].startswith("cli:")) for r in rows] == [
        ("token.create", True),
        ("token.revoke", True),
    ]
    assert {"id", "at", "actor", "action", "outcome", "record_id", "client"} <= set(rows[0])
    again = _run("audit", "export", "--db", db)[1].splitlines()
    assert json.loads(again[-1])["action"] == "audit.export"
    store.close()


def test_db_upgrade_and_current(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert "database empty" in _run("db", "current", "--db", db)[1]
    code, out, _ = _run("db", "upgrade", "--db", db)
    assert code == 0 and "at revision 0002" in out
    assert "database 0002; program 0002" in _run("db", "current", "--db", db)[1]
    code, _, err = _run("db", "upgrade", "--db", "mysql://nowhere/x")
    assert code == 2 and "--db: unsupported database 'mysql'" in err


def test_service_commands_are_in_the_quick_help() -> None:
    text = fast_help()
    for name in ("serve", "token", "db", "audit"):
        assert f"\n│ {name} " in text
