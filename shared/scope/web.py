"""The FastAPI side of scope: the caller's :class:`Viewer`, from the verified token."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.scope.policy import Viewer
from shared.web.auth import CurrentPrincipal


async def current_viewer(principal: CurrentPrincipal) -> Viewer:
    return Viewer.of(principal.roles, principal.unit)


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]
