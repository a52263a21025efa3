"""Read queries on the tables every service has (kept out of routers)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from shared.store.db import Database
from shared.store.schema import dead_letters


async def list_dead_letters(db: Database, *, include_resolved: bool = False, limit: int = 200) -> list[dict[str, Any]]:
    q = select(dead_letters).order_by(dead_letters.c.id.desc()).limit(limit)
    if not include_resolved:
        q = q.where(dead_letters.c.resolved_at.is_(None))
    async with db.read() as conn:
        rows = (await conn.execute(q)).mappings().all()
    return [
        {
            "id": r["id"],
            "consumer": r["consumer"],
            "event_id": r["event_id"],
            "topic": r["topic"],
            "partition": r["partition"],
            "offset": r["offset"],
            "type": (r["envelope"] or {}).get("type"),
            "subject": (r["envelope"] or {}).get("subject"),
            "error": r["error"].strip().splitlines()[-1] if r["error"] else "",
            "attempts": r["attempts"],
            "created_at": r["created_at"].isoformat() if r["created_at"] else None,
        }
        for r in rows
    ]
