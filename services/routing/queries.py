"""Read queries on routing's read models and on its own event store (kept out of routers)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.domain.assignment import SIGNABLE
from services.routing.tables import assignments, petition_inputs
from shared.events.envelope import CloudEvent
from shared.scope.policy import Viewer
from shared.scope.queries import can_see_case, visible
from shared.store.db import Database
from shared.store.schema import events


async def case_visible(db: Database, viewer: Viewer, case_id: str) -> bool:
    """Whether the viewer may see the case at all (P3, P2)."""
    async with db.read() as conn:
        return await can_see_case(conn, viewer, case_id)


async def get_assignment(db: Database, case_id: str, viewer: Viewer) -> dict[str, Any] | None:
    """The case's assignment, if it has one and the viewer may see the case."""
    async with db.read() as conn:
        row = (
            await conn.execute(
                select(assignments).where(assignments.c.case_id == case_id, visible(viewer, assignments.c.case_id))
            )
        ).mappings().first()
    return dict(row) if row else None


async def received_by(db: Database, case_id: str) -> str | None:
    """The unit that received the case (for acting rights; reading rights are checked before)."""
    async with db.read() as conn:
        value = await conn.scalar(select(assignments.c.received_by).where(assignments.c.case_id == case_id))
    return str(value) if value else None


async def assignment_row(conn: AsyncConnection, case_id: str) -> dict[str, Any] | None:
    row = (await conn.execute(select(assignments).where(assignments.c.case_id == case_id))).mappings().first()
    return dict(row) if row else None


async def inbox(
    db: Database, unit_id: str, viewer: Viewer, *, signed: bool | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Open cases with ``unit_id`` that it signs for (forwarded, assigned, diverted, recorded), oldest
    first; only those the viewer may see."""
    q = (
        select(assignments)
        .where(
            assignments.c.unit_id == unit_id,
            assignments.c.is_open.is_(True),
            assignments.c.disposition.in_(sorted(SIGNABLE)),
            visible(viewer, assignments.c.case_id),
        )
        .order_by(assignments.c.routed_at, assignments.c.case_id)
        .limit(limit)
    )
    if signed is True:
        q = q.where(assignments.c.signed_at.is_not(None))
    elif signed is False:
        q = q.where(assignments.c.signed_at.is_(None))
    async with db.read() as conn:
        rows = (await conn.execute(q)).mappings().all()
    return [dict(r) for r in rows]


async def triage_queue(db: Database, bureau_id: str, viewer: Viewer, *, limit: int = 200) -> list[dict[str, Any]]:
    """R9: open cases waiting for a clerk of ``bureau_id`` to decide where they go, oldest first; only
    those the viewer may see."""
    q = (
        select(assignments)
        .where(
            assignments.c.unit_id == bureau_id,
            assignments.c.is_open.is_(True),
            assignments.c.disposition == "triage",
            visible(viewer, assignments.c.case_id),
        )
        .order_by(assignments.c.routed_at, assignments.c.case_id)
        .limit(limit)
    )
    async with db.read() as conn:
        rows = (await conn.execute(q)).mappings().all()
    return [dict(r) for r in rows]


async def petition_input(conn: AsyncConnection, case_id: str) -> dict[str, Any] | None:
    row = (
        await conn.execute(select(petition_inputs.c.input).where(petition_inputs.c.case_id == case_id))
    ).first()
    return dict(row.input) if row else None


async def stream_versions(conn: AsyncConnection, stream_ids: Sequence[str]) -> dict[str, int]:
    """The current version of each stream (0 when it has no event yet), in one query."""
    rows = (
        await conn.execute(
            select(events.c.stream_id, func.max(events.c.version))
            .where(events.c.stream_id.in_(list(stream_ids)))
            .group_by(events.c.stream_id)
        )
    ).all()
    found = {str(r[0]): int(r[1] or 0) for r in rows}
    return {s: found.get(s, 0) for s in stream_ids}


async def latest_event(conn: AsyncConnection, stream_id: str) -> CloudEvent | None:
    row = (
        await conn.execute(
            select(events.c.envelope)
            .where(events.c.stream_id == stream_id)
            .order_by(events.c.version.desc())
            .limit(1)
        )
    ).first()
    return CloudEvent.model_validate(row.envelope) if row else None


async def stream_events(db: Database, stream_id: str) -> list[CloudEvent]:
    """Every event of a stream, oldest first (a case's routing history, or the directory's versions)."""
    async with db.read() as conn:
        rows = (
            await conn.execute(
                select(events.c.envelope).where(events.c.stream_id == stream_id).order_by(events.c.version)
            )
        ).all()
    return [CloudEvent.model_validate(r.envelope) for r in rows]
