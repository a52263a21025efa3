"""Read queries on supervision's read models."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from services.supervision.tables import clocks
from shared.scope.policy import Viewer
from shared.scope.queries import can_see_case
from shared.store.db import Database

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _aware(value: datetime | None) -> datetime | None:
    return value.astimezone(SHANGHAI) if value is not None else None


async def case_clocks(
    db: Database, case_id: str, now: datetime, viewer: Viewer
) -> list[dict[str, Any]] | None:
    """The case's clocks, or None when the viewer may not see the case (P3)."""
    async with db.read() as conn:
        if not await can_see_case(conn, viewer, case_id):
            return None
        query = select(clocks).where(clocks.c.case_id == case_id).order_by(clocks.c.started_at)
        rows = (await conn.execute(query)).mappings().all()
    out = []
    for r in rows:
        due = _aware(r["due_at"])
        state = r["state"]
        if state == "running" and due is not None and now > due:
            state = "overdue"  # S1: a running clock past its deadline
        out.append(
            {
                "kind": r["kind"],
                "rule": r["rule"],
                "unit_id": r["unit_id"],
                "started_at": _aware(r["started_at"]),
                "due_at": due,
                "state": state,
                "paused_ms": r["paused_ms"],
                "stopped_at": _aware(r["stopped_at"]),
            }
        )
    return out
