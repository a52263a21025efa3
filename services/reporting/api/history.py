"""HTTP: a case's history, in order (DESIGN.md §6)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from services.reporting.queries import case_history
from services.reporting.redaction import redact_event
from shared.events.envelope import CloudEvent
from shared.scope.web import CurrentViewer, case_not_found
from shared.web.problems import problem_responses

router = APIRouter(tags=["history"])


@router.get(
    "/cases/{case_id}/history", response_model=list[CloudEvent], responses=problem_responses(401, 403, 404)
)
async def get_case_history(case_id: str, request: Request, viewer: CurrentViewer) -> list[CloudEvent]:
    events = await case_history(request.app.state.runtime.db, case_id, viewer)
    if not events:
        raise case_not_found(case_id)
    return [CloudEvent.model_validate(redact_event(e)) for e in events]
