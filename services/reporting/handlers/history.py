"""Projection: every event of every service, kept per case as its history (DESIGN.md §1)."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.reporting.tables import history
from shared.events.envelope import CloudEvent


async def project_history(conn: AsyncConnection, event: CloudEvent) -> None:
    await conn.execute(
        insert(history).values(
            case_id=event.subject,
            event_id=event.id,
            type=event.type,
            time=event.time,
            envelope=event.model_dump(mode="json"),
        )
    )
