"""``POST /api/v1/cohort/score``: a registry table in (CSV or Parquet), scored table out.

The scoring is ``gistcds.cohort.score.score_bytes``, in memory, the function behind
``gistcds cohort score``, so the columns, the validation and the messages are the CLI's.
The body limit is ``Settings.max_cohort_bytes`` (20 MB by default, about 150,000 rows
of CSV).
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from gistcds.api.deps import Caller, caller, get_kb
from gistcds.api.errors import ApiError, documented
from gistcds.api.service import run_blocking
from gistcds.errors import InputError, Problem
from gistcds.knowledge import KnowledgeBase

router = APIRouter(prefix="/api/v1", tags=["cohort"])

CSV = "text/csv"
PARQUET = "application/vnd.apache.parquet"
_IN_TYPES = {CSV: ".csv", PARQUET: ".parquet", "application/x-parquet": ".parquet"}
TABLE_BODY = {
    "requestBody": {
        "required": True,
        "description": "the registry table (columns as `gistcds cohort score`), at most 20 MB",
        "content": {
            CSV: {"schema": {"type": "string"}},
            PARQUET: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


def _output_type(accept: str) -> str:
    """Parquet when asked for; CSV for ``text/csv``, ``*/*`` or no Accept; else 406."""
    kinds = [part.split(";")[0].strip().lower() for part in accept.split(",") if part.strip()]
    if not kinds:
        return CSV
    for kind in kinds:
        if kind in (PARQUET, "application/x-parquet"):
            return PARQUET
        if kind in (CSV, "text/*", "*/*"):
            return CSV
    raise ApiError(406, f"answers are {CSV} or {PARQUET}")


def score_bytes(data: bytes, suffix: str, kb: KnowledgeBase, out_type: str) -> tuple[bytes, int]:
    """Score a table given as bytes, in memory; the answer's bytes and its number of rows."""
    import io

    from gistcds.cohort.score import score_bytes as score_table_bytes
    from gistcds.cohort.tableio import write_table

    table, _summary = score_table_bytes(data, suffix.lstrip("."), kb)
    sink = io.BytesIO()
    write_table(table, sink, "parquet" if out_type == PARQUET else "csv")
    return sink.getvalue(), table.num_rows


@router.post(
    "/cohort/score",
    response_class=Response,
    openapi_extra=TABLE_BODY,
    responses={
        200: {
            "content": {CSV: {}, PARQUET: {}},
            "description": "one row per patient: id, risk and genotype columns",
        },
        **documented(401, 403, 406, 413, 415, 422),
    },
    summary="Score a registry table (risk and genotype columns), as `gistcds cohort score`",
)
async def cohort_score(
    request: Request,
    who: Annotated[Caller, Depends(caller("clinician", "researcher"))],
    kb: Annotated[KnowledgeBase, Depends(get_kb)],
) -> Response:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in _IN_TYPES:
        raise ApiError(415, f"send the table as {CSV} or {PARQUET}, not {kind or 'nothing'}")
    out_type = _output_type(request.headers.get("accept", ""))
    data = await request.body()
    if not data:
        raise InputError([Problem("body", "empty table")])
    body, rows = await run_blocking(score_bytes, data, _IN_TYPES[kind], kb, out_type)
    digest = hashlib.sha256(data).hexdigest()
    await run_blocking(lambda: who.audit("cohort.score", rows=rows, input_sha256=digest))
    return Response(body, media_type=out_type)
