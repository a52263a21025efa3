"""HTTP: what units, clerks and supervisors do to a routed case — sign for, return (R13), triage decision
(R9), dispute decision (R13), reassignment. Each answers with the case's assignment after it.

Reading comes before acting: a case outside the caller's scope (P3, P2) answers 404 ``case-not-found``,
as one that does not exist, whatever the action. Within scope, the acting rights are the domain's (only
the unit holding the case signs or returns it, only the bureau holding it decides triage, ...: 403).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from services.routing.api.assignments import assignment_of
from services.routing.api.deps import actor, commands, problem, runtime
from services.routing.api.schemas import Assignment
from services.routing.domain.assignment import Assignment as AssignmentState
from services.routing.domain.assignment import Refused
from services.routing.domain.oversight import oversees
from services.routing.handlers.directory import Current
from services.routing.queries import case_visible, received_by
from shared.scope.web import case_not_found, viewer_of
from shared.web.auth import Principal, require_roles
from shared.web.problems import problem_responses

router = APIRouter(tags=["case actions"])

UnitMember = Annotated[Principal, Depends(require_roles("handler", "unit_head", "clerk"))]
BureauClerk = Annotated[Principal, Depends(require_roles("clerk", "supervisor"))]
Supervisor = Annotated[Principal, Depends(require_roles("supervisor"))]

Placement = Literal["forwarded", "assigned", "diverted", "recorded"]
RESPONSES = problem_responses(401, 403, 404, 409, 422)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReturnBody(_Body):
    reason: str = Field(min_length=1, max_length=2000, description="why the unit is not competent")


class TriageBody(_Body):
    unit_id: str = Field(min_length=1)
    category: str | None = Field(default=None, description="category code or name, when the clerk sets it")
    disposition: Placement
    reason: str = Field(min_length=1, max_length=2000)


class DisputeBody(_Body):
    unit_id: str = Field(min_length=1)
    reason: str = Field(min_length=1, max_length=2000)


class ReassignBody(_Body):
    unit_id: str = Field(min_length=1)
    reason: str = Field(min_length=1, max_length=2000)
    disposition: Placement | None = None


async def _in_scope(case_id: str, request: Request, principal: Principal) -> None:
    """404 for a case the caller may not see (before any acting right is looked at)."""
    if not await case_visible(runtime(request).db, viewer_of(principal), case_id):
        raise case_not_found(case_id)


async def _after(case_id: str, request: Request, principal: Principal) -> Assignment:
    return await assignment_of(case_id, request, viewer_of(principal))


@router.post("/cases/{case_id}/sign", response_model=Assignment, responses=RESPONSES, summary="签收")
async def sign(case_id: str, request: Request, principal: UnitMember) -> Assignment:
    await _in_scope(case_id, request, principal)
    try:
        await commands(request).sign(case_id, actor(principal))
    except Refused as exc:
        raise problem(exc) from exc
    return await _after(case_id, request, principal)


@router.post(
    "/cases/{case_id}/return",
    response_model=Assignment,
    responses=RESPONSES,
    summary="R13 退回: within 5 working days of receiving the case, with a reason",
)
async def return_case(case_id: str, body: ReturnBody, request: Request, principal: UnitMember) -> Assignment:
    await _in_scope(case_id, request, principal)
    try:
        await commands(request).return_case(case_id, actor(principal), body.reason)
    except Refused as exc:
        raise problem(exc) from exc
    return await _after(case_id, request, principal)


@router.post(
    "/cases/{case_id}/triage-decision",
    response_model=Assignment,
    responses=RESPONSES,
    summary="R9: a clerk of the bureau holding the case decides where it goes, with a reason",
)
async def triage_decision(case_id: str, body: TriageBody, request: Request, principal: BureauClerk) -> Assignment:
    await _in_scope(case_id, request, principal)
    try:
        await commands(request).triage(
            case_id,
            actor(principal),
            unit_id=body.unit_id,
            disposition=body.disposition,
            category=body.category,
            reason=body.reason,
        )
    except Refused as exc:
        raise problem(exc) from exc
    return await _after(case_id, request, principal)


@router.post(
    "/cases/{case_id}/dispute-decision",
    response_model=Assignment,
    responses=RESPONSES,
    summary="R13: the binding decision of the bureau one level above the disputed units",
)
async def dispute_decision(case_id: str, body: DisputeBody, request: Request, principal: BureauClerk) -> Assignment:
    await _in_scope(case_id, request, principal)
    try:
        await commands(request).decide_dispute(case_id, actor(principal), unit_id=body.unit_id, reason=body.reason)
    except Refused as exc:
        raise problem(exc) from exc
    return await _after(case_id, request, principal)


@router.post(
    "/cases/{case_id}/reassign",
    response_model=Assignment,
    responses=RESPONSES,
    summary="A supervisor moves the case to another unit, with a reason",
)
async def reassign(case_id: str, body: ReassignBody, request: Request, principal: Supervisor) -> Assignment:
    await _in_scope(case_id, request, principal)
    receiving_unit = await received_by(runtime(request).db, case_id)

    def may_supervise(current: Current, state: AssignmentState) -> bool:
        return oversees(current.directory, principal.unit, [state.unit_id, receiving_unit])

    try:
        await commands(request).reassign(
            case_id,
            actor(principal),
            unit_id=body.unit_id,
            reason=body.reason,
            disposition=body.disposition,
            may_supervise=may_supervise,
        )
    except Refused as exc:
        raise problem(exc) from exc
    return await _after(case_id, request, principal)
