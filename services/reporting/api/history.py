"""HTTP: a case's history, in order (DESIGN.md §6)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from services.reporting.queries import case_history, visible_case_ids
from services.reporting.redaction import linked_case_ids, redact_event, withhold_unseen_links
from shared.events.envelope import CloudEvent
from shared.scope.web import CurrentViewer, case_not_found
from shared.web.problems import problem_responses

router = APIRouter(tags=["history"])


@router.get(
    "/cases/{case_id}/history", response_model=list[CloudEvent], responses=problem_responses(401, 403, 404)
)
async def get_case_history(case_id: str, request: Request, viewer: CurrentViewer) -> list[CloudEvent]:
    db = request.app.state.runtime.db
    events = await case_history(db, case_id, viewer)
    if not events:
        raise case_not_found(case_id)
    linked = set().union(*(linked_case_ids(e) for e in events))
    seen = await visible_case_ids(db, viewer, linked)
    return [CloudEvent.model_validate(redact_event(withhold_unseen_links(e, seen))) for e in events]
