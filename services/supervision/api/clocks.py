"""HTTP: a case's statutory clocks (DESIGN.md §6)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel

from services.supervision.queries import case_clocks
from shared.scope.web import CurrentViewer, case_not_found
from shared.web.problems import problem_responses

router = APIRouter(tags=["clocks"])


class ClockOut(BaseModel):
    kind: str
    rule: str
    unit_id: str | None
    started_at: datetime
    due_at: datetime
    state: str
    paused_ms: int
    stopped_at: datetime | None


@router.get("/cases/{case_id}/clocks", response_model=list[ClockOut], responses=problem_responses(401, 403, 404))
async def get_case_clocks(case_id: str, request: Request, viewer: CurrentViewer) -> list[ClockOut]:
    runtime = request.app.state.runtime
    rows = await case_clocks(runtime.db, case_id, runtime.clock.now(), viewer)
    if rows is None:
        raise case_not_found(case_id)
    return [ClockOut.model_validate(r) for r in rows]
