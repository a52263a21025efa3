"""Read queries on routing's read models."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from services.routing.tables import assignments
from shared.store.db import Database


async def get_assignment(db: Database, case_id: str) -> dict[str, Any] | None:
    async with db.read() as conn:
        row = (await conn.execute(select(assignments).where(assignments.c.case_id == case_id))).mappings().first()
    return dict(row) if row else None
