"""Prefetch the CDS client left out, read from its ``fhirServer`` with ``fhirAuthorization``.

CDS Hooks 2.0: a key the client could not prefetch is omitted; the service may then query
the client's FHIR server with the access token the client gave (never stored or logged).
Each query is a prefetch template of the service with the context's tokens filled in
(``gistcds.cdshooks.render_prefetch``); a searchset's ``next`` links are followed on the
same server only. A read that finds nothing (404) is ``null``, as prefetch would have
sent it; any other failure means the service cannot get its data: 412.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from gistcds.api.errors import ApiError

__all__ = ["MAX_PAGES", "fetch_missing"]

MAX_PAGES = 20
TIMEOUT_S = 10.0


def _server(url: Any, allow_http: bool) -> str:
    if not isinstance(url, str):
        raise ApiError(400, "fhirServer must be a URL")
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes or not parts.netloc:
        raise ApiError(400, f"fhirServer must be an {' or '.join(schemes)} URL")
    return url.rstrip("/")


def _headers(authorization: Any) -> dict[str, str]:
    headers = {"Accept": "application/fhir+json"}
    if isinstance(authorization, dict) and authorization.get("access_token"):
        kind = str(authorization.get("token_type") or "Bearer")
        headers["Authorization"] = f"{kind} {authorization['access_token']}"
    return headers


def _same_origin(a: str, b: str) -> bool:
    x, y = urlsplit(a), urlsplit(b)
    return (x.scheme, x.netloc) == (y.scheme, y.netloc)


def _next(page: dict[str, Any]) -> str | None:
    for link in page.get("link") or []:
        if isinstance(link, dict) and link.get("relation") == "next" and link.get("url"):
            return str(link["url"])
    return None


def _get(client: Any, key: str, url: str) -> Any:
    import httpx

    try:
        r = client.get(url)
    except httpx.HTTPError as exc:
        why = type(exc).__name__
        raise ApiError(412, f"prefetch {key!r}: fhirServer unreachable ({why})") from None
    if r.status_code == 404:
        return None
    if r.status_code != 200:
        raise ApiError(412, f"prefetch {key!r}: fhirServer answered {r.status_code}")
    try:
        return r.json()
    except ValueError:
        raise ApiError(412, f"prefetch {key!r}: fhirServer did not answer JSON") from None


def _query(client: Any, server: str, key: str, query: str) -> Any:
    first = _get(client, key, f"{server}/{query}")
    if not isinstance(first, dict) or first.get("resourceType") != "Bundle":
        return first
    entries = list(first.get("entry") or [])
    url, pages = _next(first), 1
    while url and pages < MAX_PAGES:
        if not _same_origin(url, server):
            raise ApiError(412, f"prefetch {key!r}: a next link leaves fhirServer")
        page = _get(client, key, url)
        if not isinstance(page, dict):
            break
        entries += page.get("entry") or []
        url, pages = _next(page), pages + 1
    return {**first, "entry": entries, "link": []}


def fetch_missing(
    server: Any, authorization: Any, queries: dict[str, str], allow_http: bool = False
) -> dict[str, Any]:
    """``{key: resource, searchset Bundle or None}`` for each rendered prefetch query."""
    import httpx

    base = _server(server, allow_http)
    out: dict[str, Any] = {}
    with httpx.Client(
        headers=_headers(authorization), timeout=TIMEOUT_S, follow_redirects=False
    ) as client:
        for key, query in queries.items():
            out[key] = _query(client, base, key, query)
    return out
