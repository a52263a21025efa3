"""HTTP: a case's current assignment, why it is there (R14), and every routing step on the way.

Who may read it is P3 scope (``shared/scope``): a case outside the caller's scope answers 404."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from services.routing.api.deps import holder, runtime
from services.routing.api.schemas import Assignment, CaseSummary, HistoryStep
from services.routing.domain.assignment import fold, step_summary
from services.routing.domain.directory import Directory
from services.routing.handlers.projection import entries
from services.routing.queries import case_visible, get_assignment, stream_events
from shared.scope.policy import Viewer
from shared.scope.web import CaseReader, case_not_found, viewer_of
from shared.web.problems import DomainProblem, problem_responses

router = APIRouter(tags=["assignments"])


def summary(row: dict[str, Any], directory: Directory) -> CaseSummary:
    detail = row.get("detail") or {}
    category = directory.category(row["category"]) if row.get("category") else None
    fields: dict[str, Any] = {k: row.get(k) for k in CaseSummary.model_fields if k in row}
    fields.update(
        category_name=category.name if category else None,
        place_name=detail.get("place_name"),
        why=detail.get("why") or [],
    )
    return CaseSummary.model_validate(fields)


@router.get(
    "/cases/{case_id}/assignment",
    response_model=Assignment,
    responses=problem_responses(401, 403, 404),
    summary="The current routing decision, “why here?”, and the history of routing steps",
)
async def case_assignment(case_id: str, request: Request, principal: CaseReader) -> Assignment:
    return await assignment_of(case_id, request, viewer_of(principal))


async def assignment_of(case_id: str, request: Request, viewer: Viewer) -> Assignment:
    """The assignment as ``viewer`` may see it: 404 ``case-not-found`` for a case outside the viewer's scope
    (P3, P2), the same answer as for a case that does not exist."""
    rt = runtime(request)
    if not await case_visible(rt.db, viewer, case_id):
        raise case_not_found(case_id)
    row = await get_assignment(rt.db, case_id, viewer)
    if row is None:
        raise DomainProblem(404, "case-not-routed", "Not routed", f"case {case_id} has no routing decision (yet)")
    async with rt.db.read() as conn:
        current = await holder(request).current(conn, write=False)
    directory = current.directory
    steps = entries(await stream_events(rt.db, case_id))
    state = fold(steps)
    detail = row.get("detail") or {}
    category = directory.category(row["category"]) if row.get("category") else None
    history = [
        HistoryStep(
            sequence=s.sequence,
            at=s.at,
            event=s.name,
            summary=step_summary(s, directory),
            unit_id=s.data.get("unit_id") or s.data.get("bureau_id"),
            disposition=s.data.get("disposition"),
            cause=(s.data.get("detail") or {}).get("cause") if s.name == "case_routed" else None,
            reason=s.data.get("reason") or None,
            actor=s.actor,
            actor_unit=s.actor_unit,
        )
        for s in steps
    ]
    return Assignment(
        case_id=case_id,
        case_no=row.get("case_no"),
        title=row.get("title"),
        received_by=row.get("received_by"),
        category=row["category"],
        category_confidence=row["category_confidence"],
        category_name=category.name if category else None,
        region_code=row["region_code"],
        place_name=detail.get("place_name"),
        unit_id=row["unit_id"],
        unit_name=detail.get("unit_name"),
        disposition=row["disposition"],
        flags=row["flags"],
        explanation=row["explanation"],
        why=detail.get("why") or [],
        evidence=detail.get("evidence") or [],
        excluded_units=detail.get("excluded_units") or [],
        notify=detail.get("notify") or [],
        key_case=bool(detail.get("key_case")),
        directory_version=row["directory_version"],
        vocabulary_version=detail.get("vocabulary_version") or "",
        routed_at=row["routed_at"],
        cause=row.get("cause"),
        signed_at=row.get("signed_at"),
        signed_by=row.get("signed_by"),
        return_deadline=row.get("return_deadline"),
        binding=state.binding,
        is_open=bool(row.get("is_open", True)),
        history=history,
    )
