"""HTTP: ``POST /routing/preview`` — the decision the router would make, without storing anything."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from services.routing.api.deps import holder, runtime
from services.routing.api.schemas import Decision
from services.routing.domain.assignment import routed
from services.routing.domain.decision import RoutingInput
from services.routing.domain.errors import RoutingInputError
from services.routing.domain.router import route
from shared.web.auth import Principal, require_roles
from shared.web.problems import DomainProblem, problem_responses

router = APIRouter(tags=["routing"])

Previewer = Annotated[Principal, Depends(require_roles("clerk", "supervisor", "admin", "integration"))]


@router.post(
    "/routing/preview",
    response_model=Decision,
    responses=problem_responses(401, 403, 422),
    summary="Where the router would send a petition, and why (nothing is stored)",
)
async def preview(petition: RoutingInput, request: Request, _principal: Previewer) -> Decision:
    async with runtime(request).db.read() as conn:
        current = await holder(request).current(conn, write=False)
    try:
        decision = route(petition, current.directory, current.classifier)
    except RoutingInputError as exc:
        raise DomainProblem(
            422,
            "validation-error",
            "Request validation failed",
            str(exc),
            errors=[{"field": "received_by", "location": "body", "code": "unknown_unit", "message": str(exc)}],
        ) from exc
    data = routed(decision, current.directory, cause="preview", vocabulary_version=current.vocabulary_version)
    category = current.directory.category(decision.category) if decision.category else None
    return Decision(
        **{k: v for k, v in data.items() if k != "detail"},
        why=data["detail"]["why"],
        unit_name=decision.unit_name,
        category_name=category.name if category else None,
        place_name=decision.place_name,
        evidence=data["detail"]["evidence"],
        excluded_units=data["detail"]["excluded_units"],
        notify=data["detail"]["notify"],
        key_case=decision.key_case,
        vocabulary_version=current.vocabulary_version,
    )
