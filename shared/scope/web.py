"""The FastAPI side of scope: who may read cases at all, the caller's :class:`Viewer`, and the one answer
for a case the caller may not see.

A case outside the caller's scope and a case that does not exist get the same 404 (:func:`case_not_found`):
the answer does not reveal that the case exists (P3, P2). Endpoints keyed by a unit (an inbox, a triage
queue) may answer 403 for another unit: the unit's existence is no secret.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.scope.policy import Viewer
from shared.web.auth import Principal, require_roles
from shared.web.problems import DomainProblem

#: Roles that read cases, each within its scope. ``integration`` is not one of them: machine clients push
#: petitions in and read back only what they submitted (Open311), never a staff view of a case.
CASE_READERS: tuple[str, ...] = (
    "clerk",
    "handler",
    "unit_head",
    "supervisor",
    "leader",
    "analyst",
    "auditor",
    "admin",
)

CaseReader = Annotated[Principal, Depends(require_roles(*CASE_READERS))]


def viewer_of(principal: Principal) -> Viewer:
    return Viewer.of(principal.roles, principal.unit)


async def current_viewer(principal: CaseReader) -> Viewer:
    """The scope of a caller holding a case-reading role (401 without a token, 403 without the role)."""
    return viewer_of(principal)


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]


def case_not_found(case_id: str) -> DomainProblem:
    """The answer for a case that does not exist *or* that the caller may not see: the same either way."""
    return DomainProblem(404, "case-not-found", "No such case", f"no case {case_id} in your scope")
