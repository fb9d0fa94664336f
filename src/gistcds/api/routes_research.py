"""``/api/v1/research/assessments``: the de-identified listing, for researchers only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from gistcds.api.deid import deidentify_record
from gistcds.api.deps import Caller, researcher
from gistcds.api.errors import documented
from gistcds.api.schemas import DeidentifiedPage, DeidentifiedRecord

router = APIRouter(prefix="/api/v1", tags=["research"])
DEID_SECRET = "deidentification"


@router.get(
    "/research/assessments",
    response_model=DeidentifiedPage,
    responses=documented(401, 403, 422),
    summary="Every stored assessment, de-identified, newest first",
)
def research_assessments(
    caller: Annotated[Caller, Depends(researcher)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(pattern=r"^[0-9]{1,18}$")] = None,
) -> DeidentifiedPage:
    before = int(cursor) if cursor else None
    records = caller.store.all_assessments(limit + 1, before)
    page, more = records[:limit], len(records) > limit
    secret = caller.store.secret(DEID_SECRET)
    caller.audit("research.list", count=len(page))
    items = [DeidentifiedRecord.model_validate(deidentify_record(r, secret)) for r in page]
    return DeidentifiedPage(items=items, next_cursor=str(page[-1].seq) if more else None)
