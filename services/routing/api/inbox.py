"""HTTP: a unit's inbox (cases sent to it and still open) and a petition bureau's triage queue (R9).

Both are keyed by a unit: the caller's own (403 for another unit's), or any unit's for supervisors and
admins. Either way the list holds only the cases the caller may see (P3, P2; ``shared/scope``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from services.routing.api.assignments import summary
from services.routing.api.deps import forbidden, holder, runtime
from services.routing.api.schemas import CaseSummary
from services.routing.domain.directory import PETITION_BUREAU
from services.routing.queries import inbox, triage_queue
from shared.scope.web import viewer_of
from shared.web.auth import Principal, require_roles
from shared.web.problems import DomainProblem, problem_responses

router = APIRouter(tags=["inbox"])

#: read any unit's inbox or any bureau's queue
OVERSEERS = ("supervisor", "admin")
InboxReader = Annotated[
    Principal, Depends(require_roles("handler", "unit_head", "clerk", "leader", "supervisor", "admin"))
]
QueueReader = Annotated[Principal, Depends(require_roles("clerk", "supervisor", "admin"))]


@router.get(
    "/units/{unit_id}/inbox",
    response_model=list[CaseSummary],
    responses=problem_responses(401, 403, 404),
    summary="Cases forwarded, assigned, diverted or recorded to a unit and still open (signed or not)",
)
async def unit_inbox(
    unit_id: str,
    request: Request,
    principal: InboxReader,
    signed: Annotated[bool | None, Query(description="only signed (true) or unsigned (false) cases")] = None,
) -> list[CaseSummary]:
    if principal.unit != unit_id and not principal.has_any_role(*OVERSEERS):
        raise forbidden("只能查看本单位的待办 / you may read only your own unit's inbox")
    async with runtime(request).db.read() as conn:
        current = await holder(request).current(conn, write=False)
    if current.directory.unit(unit_id) is None:
        raise DomainProblem(404, "unknown-unit", "Unknown unit", f"unit {unit_id} is not in the directory")
    rows = await inbox(runtime(request).db, unit_id, viewer_of(principal), signed=signed)
    return [summary(r, current.directory) for r in rows]


@router.get(
    "/triage",
    response_model=list[CaseSummary],
    responses=problem_responses(401, 403, 404),
    summary="R9: the triage queue of a petition bureau (default: the caller's own unit)",
)
async def triage(
    request: Request,
    principal: QueueReader,
    bureau: Annotated[str | None, Query(description="the petition bureau's unit id")] = None,
) -> list[CaseSummary]:
    bureau_id = bureau or principal.unit
    if bureau_id != principal.unit and not principal.has_any_role(*OVERSEERS):
        raise forbidden("只能查看本单位的分流队列 / you may read only your own bureau's triage queue")
    async with runtime(request).db.read() as conn:
        current = await holder(request).current(conn, write=False)
    unit = current.directory.unit(bureau_id)
    if unit is None or unit.kind != PETITION_BUREAU:
        raise DomainProblem(404, "unknown-bureau", "Unknown bureau", f"{bureau_id} is not a petition bureau")
    rows = await triage_queue(runtime(request).db, bureau_id, viewer_of(principal))
    return [summary(r, current.directory) for r in rows]
