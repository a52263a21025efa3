"""Projection: what routing and supervision report about a case, kept for the petitioner's progress page
and for Open311 (the unit responsible, the deadlines). Runs in the consumer's transaction; the runner
records the event id in the same transaction, so a redelivered event changes nothing.

Kept: ``case_routed`` (the unit and the disposition, each decision), ``case_signed`` (签收),
``clock_started`` and ``clock_stopped`` (kind, due date, outcome). Returns and disputes between units
are not the petitioner's business; the decision that follows them is a ``case_routed``. Nothing personal and no handler names: only unit ids, kinds and times.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.tables import case_progress
from shared.consumers.runner import Handler
from shared.events.base import UnknownEventType
from shared.events.catalogue.routing import CaseRouted, CaseSigned
from shared.events.catalogue.supervision import ClockStarted, ClockStopped
from shared.events.envelope import CloudEvent


def _row(event: CloudEvent) -> dict[str, Any] | None:
    try:
        payload = event.payload()
    except UnknownEventType:
        return None  # a newer event type this version does not know: nothing to show yet
    base = {"event_id": event.id, "case_id": event.subject, "type": event.type, "at": event.time}
    if event.subject in ("directory", "vocabulary"):
        return None
    match payload:
        case CaseRouted():
            return base | {
                "unit_id": payload.unit_id,
                "detail": {"disposition": payload.disposition, "category": payload.category},
            }
        case CaseSigned():
            return base | {"unit_id": payload.unit_id, "detail": {"signed_at": payload.signed_at.isoformat()}}
        case ClockStarted():
            return base | {
                "unit_id": payload.unit_id,
                "detail": {
                    "kind": payload.kind,
                    "rule": payload.rule,
                    "started_at": payload.started_at.isoformat(),
                    "due_at": payload.due_at.isoformat(),
                },
            }
        case ClockStopped():
            return base | {
                "unit_id": None,
                "detail": {"kind": payload.kind, "outcome": payload.outcome, "stopped_at": payload.stopped_at.isoformat()},
            }
    return None


def progress_handler() -> Handler:
    async def handle(conn: AsyncConnection, event: CloudEvent) -> None:
        row = _row(event)
        if row is None:
            return
        exists = await conn.scalar(select(case_progress.c.event_id).where(case_progress.c.event_id == event.id))
        if exists is None:
            await conn.execute(insert(case_progress).values(**row))

    return handle
