"""HTTP: registering petitions. Routers translate HTTP to use cases; no SQL here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response

from services.intake.api.schemas import PetitionCreated, PetitionIn
from services.intake.handlers.register import register_petition
from shared.recorder import Actor
from shared.runtime import Runtime
from shared.web.auth import Principal, require_roles
from shared.web.problems import problem_responses

router = APIRouter(tags=["petitions"])


def runtime_of(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


@router.post(
    "/petitions",
    status_code=201,
    response_model=PetitionCreated,
    responses=problem_responses(401, 403, 422),
    summary="Register a petition from any channel",
)
async def post_petition(
    body: PetitionIn,
    response: Response,
    runtime: Annotated[Runtime, Depends(runtime_of)],
    principal: Annotated[Principal, Depends(require_roles("clerk", "integration", "admin"))],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> PetitionCreated:
    result = await register_petition(
        runtime, body, actor=Actor(principal.sub, principal.unit), idempotency_key=idempotency_key
    )
    if not result.created:
        response.status_code = 200
    response.headers["Location"] = f"/petitions/{result.case_id}"
    return PetitionCreated(
        case_id=result.case_id,
        case_no=result.case_no,
        query_code=result.query_code,
        status=result.status,
        flags=result.flags,
    )
