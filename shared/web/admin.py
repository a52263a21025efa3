"""Operator endpoints every service has: dead letters and the outbox backlog."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from shared.web.auth import Principal, require_roles


def admin_router() -> APIRouter:
    router = APIRouter(prefix="/admin", tags=["admin"])

    @router.get("/dead-letters", summary="Events a consumer gave up on, newest first")
    async def dead_letters(
        request: Request,
        _principal: Annotated[Principal, Depends(require_roles("admin"))],
        include_resolved: bool = False,
    ) -> list[dict[str, Any]]:
        from shared.store.queries import list_dead_letters

        return await list_dead_letters(request.app.state.runtime.db, include_resolved=include_resolved)

    @router.get("/outbox", summary="How many recorded events are not yet on the bus")
    async def outbox(
        request: Request,
        _principal: Annotated[Principal, Depends(require_roles("admin"))],
    ) -> dict[str, int]:
        return {"backlog": await request.app.state.runtime.relay.backlog()}

    return router
