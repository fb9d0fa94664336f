"""The gistcds service: REST API (FastAPI) over the store, for ``gistcds serve``.

``create_app(settings)`` builds the application; routers share ``deps.caller`` (who is
calling, with which role), ``Caller.audit`` (the audit append), ``errors`` (one error shape,
422 problems worded as the CLI) and ``deid.deidentify_record`` (the researchers' view).
"""

from __future__ import annotations

from gistcds.api.app import ROUTERS, create_app
from gistcds.api.deid import deidentify_record
from gistcds.api.deps import (
    Caller,
    caller,
    get_kb,
    get_settings,
    get_store,
    make_caller,
    principal_for_token,
)
from gistcds.api.errors import ApiError, ErrorBody, documented, error_response, invalid_input
from gistcds.api.settings import Settings

__all__ = [
    "ROUTERS",
    "ApiError",
    "Caller",
    "ErrorBody",
    "Settings",
    "caller",
    "create_app",
    "deidentify_record",
    "documented",
    "error_response",
    "get_kb",
    "get_settings",
    "get_store",
    "invalid_input",
    "make_caller",
    "principal_for_token",
]
