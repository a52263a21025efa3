"""HTTP: the personal-data access log, for auditors (P3: "reads of personal data are logged").

Intake is where personal data is shown in clear (the staff view of a case), so the log is kept and read
here. Each row says who (``actor``, ``actor_unit``, ``roles``), when (``at``), which case and data
subject, which fields (their names, never their values), why (``purpose``) and through which endpoint.
A masked view reveals nothing and leaves no row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime, BaseModel

from services.intake.api.deps import intake_of
from services.intake.context import Intake
from shared.privacy.access_log import MAX_QUERY_LIMIT, query_access
from shared.web.auth import Principal, require_roles
from shared.web.problems import problem_responses

router = APIRouter(prefix="/audit", tags=["audit"])

IntakeDep = Annotated[Intake, Depends(intake_of)]
Auditor = Annotated[Principal, Depends(require_roles("auditor", "admin"))]


class AccessOut(BaseModel):
    id: int
    at: datetime
    actor: str
    actor_unit: str
    roles: list[str]
    case_id: str
    subject_id: str | None
    fields: list[str]
    purpose: str
    endpoint: str


@router.get(
    "/access-log",
    response_model=list[AccessOut],
    responses=problem_responses(401, 403, 422),
    summary="Who read which personal data in clear, when, for which case and why (newest first)",
)
async def access_log(
    intake: IntakeDep,
    _principal: Auditor,
    case_id: Annotated[str | None, Query(max_length=80)] = None,
    actor: Annotated[str | None, Query(max_length=200, description="the reader's token subject")] = None,
    since: Annotated[AwareDatetime | None, Query(description="from this time (inclusive)")] = None,
    until: Annotated[AwareDatetime | None, Query(description="before this time (exclusive)")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_QUERY_LIMIT)] = 100,
) -> list[dict[str, Any]]:
    return await query_access(
        intake.runtime.db, case_id=case_id, actor=actor, since=since, until=until, limit=limit
    )
