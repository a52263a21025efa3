"""Read queries on reporting's read models."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from services.reporting.tables import history
from shared.scope.policy import Viewer
from shared.scope.queries import visible
from shared.scope.tables import case_scope
from shared.store.db import Database


async def case_history(db: Database, case_id: str, viewer: Viewer) -> list[dict[str, Any]]:
    """The case's events from every service, oldest first (ties kept in arrival order); nothing when
    the viewer may not see the case (P3)."""
    async with db.read() as conn:
        rows = (
            await conn.execute(
                select(history.c.envelope)
                .where(history.c.case_id == case_id, visible(viewer, history.c.case_id))
                .order_by(history.c.time, history.c.position)
            )
        ).all()
    return [r.envelope for r in rows]


async def visible_case_ids(db: Database, viewer: Viewer, case_ids: set[str]) -> set[str]:
    """Which of ``case_ids`` the viewer may see (P3): other cases an event links to are shown only then."""
    if not case_ids:
        return set()
    async with db.read() as conn:
        rows = await conn.execute(
            select(case_scope.c.case_id).where(
                case_scope.c.case_id.in_(sorted(case_ids)), visible(viewer, case_scope.c.case_id)
            )
        )
        return {r.case_id for r in rows}
