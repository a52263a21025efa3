"""HTTP: a case's current assignment and why it is there (R14)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from services.routing.queries import get_assignment
from shared.web.auth import Principal, current_principal
from shared.web.problems import DomainProblem, problem_responses

router = APIRouter(tags=["assignments"])


class Assignment(BaseModel):
    case_id: str
    category: str | None
    category_confidence: float
    region_code: str | None
    unit_id: str | None
    disposition: str
    flags: list[str]
    explanation: list[str]
    directory_version: str


@router.get("/cases/{case_id}/assignment", response_model=Assignment, responses=problem_responses(401, 404))
async def case_assignment(
    case_id: str, request: Request, _principal: Annotated[Principal, Depends(current_principal)]
) -> Assignment:
    row = await get_assignment(request.app.state.runtime.db, case_id)
    if row is None:
        raise DomainProblem(404, "case-not-routed", "Not routed", f"case {case_id} has no routing decision (yet)")
    return Assignment.model_validate(row)
