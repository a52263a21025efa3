"""HTTP: a case's history, in order (DESIGN.md §6)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from services.reporting.queries import case_history
from shared.events.envelope import CloudEvent
from shared.web.auth import Principal, current_principal
from shared.web.problems import DomainProblem, problem_responses

router = APIRouter(tags=["history"])


@router.get("/cases/{case_id}/history", response_model=list[CloudEvent], responses=problem_responses(401, 404))
async def get_case_history(
    case_id: str, request: Request, _principal: Annotated[Principal, Depends(current_principal)]
) -> list[CloudEvent]:
    events = await case_history(request.app.state.runtime.db, case_id)
    if not events:
        raise DomainProblem(404, "case-not-found", "No such case", f"no events recorded for case {case_id}")
    return [CloudEvent.model_validate(e) for e in events]
