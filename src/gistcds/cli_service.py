"""``gistcds serve``, ``token``, ``db`` and ``audit``: the service's commands (lazy imports).

Registered by ``cli.build_app``; nothing here imports FastAPI, SQLAlchemy or uvicorn until a
command runs, so ``gistcds --help`` stays quick.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gistcds.cli_base import COMMANDS, EXIT_INPUT, EXIT_OK, guarded
from gistcds.cli_common import add_command, new_group

if TYPE_CHECKING:
    from gistcds.store import Principal

Db = Annotated[
    str | None,
    typer.Option(
        "--db", metavar="URL", help="database URL (sqlite:///FILE or postgresql://...); $GISTCDS_DB"
    ),
]


def register(app: typer.Typer) -> None:
    """Attach the service commands to the ``gistcds`` app."""
    add_command(app, "serve", COMMANDS["serve"], serve_cmd)
    token = new_group(COMMANDS["token"])
    add_command(
        token, "create", "Create a token (and its account if new); printed once.", token_create_cmd
    )
    add_command(
        token, "revoke", "Revoke a token by id, or every token of an account.", token_revoke_cmd
    )
    add_command(token, "list", "List tokens (never the tokens themselves).", token_list_cmd)
    app.add_typer(token, name="token")
    db = new_group(COMMANDS["db"])
    add_command(db, "upgrade", "Apply every pending migration.", db_upgrade_cmd)
    add_command(db, "current", "Print the database's revision and this program's.", db_current_cmd)
    app.add_typer(db, name="db")
    audit = new_group(COMMANDS["audit"])
    add_command(
        audit, "export", "Write the audit log as JSON lines, oldest first.", audit_export_cmd
    )
    app.add_typer(audit, name="audit")


def _cli_principal() -> Principal:
    from gistcds.store import Principal

    try:
        user = getpass.getuser()
    except Exception:
        user = "unknown"
    return Principal(name=f"cli:{user}", role=None)


def _url(db: str | None) -> str:
    from gistcds.store import default_url, normalise_url

    try:
        return normalise_url(db or default_url()).render_as_string(hide_password=False)
    except Exception as exc:
        from gistcds.errors import InputError, Problem

        raise InputError([Problem("--db", str(exc))]) from None


def log_config(level: str) -> dict[str, Any]:
    """Logging for uvicorn and the service: one stream, no access log of raw paths."""
    fmt = {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    handler = {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": fmt},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "gistcds": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
        },
    }


def serve_cmd(
    host: Annotated[
        str, typer.Option("--host", metavar="ADDRESS", help="address to bind")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="port to listen on")] = 8000,
    db: Db = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="worker processes")] = 1,
    log_level: Annotated[
        str, typer.Option("--log-level", help="debug, info, warning or error")
    ] = "info",
) -> None:
    def body() -> int:
        import uvicorn

        from gistcds.store import Store, redacted

        url = _url(db)
        os.environ["GISTCDS_DB"] = url
        store = Store.open(url)  # migrate once here, before any worker starts
        store.close()
        print(
            f"gistcds service on http://{host}:{port} - database {redacted(url)}", file=sys.stderr
        )
        uvicorn.run(
            "gistcds.api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=log_config(log_level),
            access_log=False,
            server_header=False,
            timeout_keep_alive=5,
            timeout_graceful_shutdown=10,
        )
        return EXIT_OK

    raise typer.Exit(guarded(body))


def token_create_cmd(
    name: Annotated[str, typer.Option("--name", metavar="NAME", help="account name")],
    role: Annotated[str, typer.Option("--role", help="clinician, researcher or admin")],
    db: Db = None,
) -> None:
    def body() -> int:
        from gistcds.store import AccountError, AuditEntry, Store

        store = Store.open(_url(db))
        try:
            token, info = store.create_token(
                _cli_principal(), name, role, AuditEntry(action="token.create")
            )
        except AccountError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_INPUT
        finally:
            store.close()
        print(token)
        print(f"token {info.id} for {info.account} ({info.role}); shown once", file=sys.stderr)
        return EXIT_OK

    raise typer.Exit(guarded(body))


def token_revoke_cmd(
    token_id: Annotated[int | None, typer.Option("--id", help="token id")] = None,
    name: Annotated[str | None, typer.Option("--name", help="every token of this account")] = None,
    db: Db = None,
) -> None:
    def body() -> int:
        from gistcds.store import AccountError, AuditEntry, Store

        store = Store.open(_url(db))
        try:
            ids = store.revoke_tokens(
                _cli_principal(), AuditEntry(action="token.revoke"), token_id=token_id, name=name
            )
        except AccountError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_INPUT
        finally:
            store.close()
        if not ids:
            print("no live token matched", file=sys.stderr)
            return EXIT_INPUT
        print(f"revoked token(s): {', '.join(map(str, ids))}")
        return EXIT_OK

    raise typer.Exit(guarded(body))


def token_list_cmd(db: Db = None) -> None:
    def body() -> int:
        from gistcds.store import Store

        store = Store.open(_url(db))
        try:
            for info in store.list_tokens():
                print(json.dumps(info.as_dict()))
        finally:
            store.close()
        return EXIT_OK

    raise typer.Exit(guarded(body))


def db_upgrade_cmd(db: Db = None) -> None:
    def body() -> int:
        from gistcds.store import Store, current_revision, redacted

        url = _url(db)
        store = Store.open(url)
        print(f"{redacted(url)}: at revision {current_revision(store.engine)}")
        store.close()
        return EXIT_OK

    raise typer.Exit(guarded(body))


def db_current_cmd(db: Db = None) -> None:
    def body() -> int:
        from gistcds.store import Store, current_revision, head_revision

        store = Store.open(_url(db), migrate=False)
        print(f"database {current_revision(store.engine) or 'empty'}; program {head_revision()}")
        store.close()
        return EXIT_OK

    raise typer.Exit(guarded(body))


def audit_export_cmd(
    out: Annotated[
        Path | None, typer.Option("--out", metavar="FILE", help="file (default: stdout)")
    ] = None,
    after: Annotated[int, typer.Option("--after", min=0, help="only rows after this id")] = 0,
    db: Db = None,
) -> None:
    def body() -> int:
        from gistcds.store import AuditEntry, Store

        store = Store.open(_url(db))
        stream = out.open("w", encoding="utf-8") if out else sys.stdout
        n = 0
        try:
            for row in store.iter_audit(after):
                stream.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
                n += 1
            store.audit(_cli_principal(), AuditEntry(action="audit.export", detail={"rows": n}))
        finally:
            if out:
                stream.close()
            store.close()
        return EXIT_OK

    raise typer.Exit(guarded(body))
