"""Projection: the current assignment of a case (inboxes and triage queues read it), kept in the same
transaction as the events it reflects; the case's routing stream is the truth, this row a view of it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.domain.assignment import RETURNABLE, Entry
from services.routing.domain.working_days import return_deadline
from services.routing.queries import assignment_row
from services.routing.tables import assignments
from shared.calendar.statutory import StatutoryCalendar
from shared.events.catalogue.routing import CaseRouted, CaseSigned
from shared.events.envelope import CloudEvent

#: dispositions that close the case for routing (nothing to sign, return or decide)
CLOSED = frozenset({"merged", "not_accepted"})


def entries(events: Sequence[CloudEvent]) -> list[Entry]:
    """A case's routing events as the domain folds them."""
    return [
        Entry(e.name, e.payload().model_dump(mode="json"), e.time, e.actor, e.actorunit, int(e.sequence or 0))
        for e in events
    ]


async def project(
    conn: AsyncConnection,
    case_id: str,
    envelopes: Sequence[CloudEvent],
    calendar: StatutoryCalendar,
    *,
    petition: dict[str, Any] | None = None,
) -> None:
    """Apply newly recorded events of one case to its assignment row. ``petition`` (case_no, title,
    received_by, petition_received_at) is given when the case is first routed."""
    row = await assignment_row(conn, case_id)
    values: dict[str, Any] = {}
    was_open = bool(row["is_open"]) if row else True
    for env in envelopes:
        payload = env.payload()
        values["version"] = int(env.sequence or 0)
        if isinstance(payload, CaseRouted):
            values.update(
                category=payload.category,
                category_confidence=payload.category_confidence,
                region_code=payload.region_code,
                unit_id=payload.unit_id,
                disposition=payload.disposition,
                flags=list(payload.flags),
                explanation=list(payload.explanation),
                directory_version=payload.directory_version,
                routed_at=env.time,
                signed_at=None,
                signed_by=None,
                return_deadline=_deadline(payload.disposition, env.time, calendar),
                cause=payload.detail.get("cause"),
                detail=dict(payload.detail),
                is_open=was_open and payload.disposition not in CLOSED,
            )
        elif isinstance(payload, CaseSigned):
            values.update(signed_at=payload.signed_at, signed_by=env.actor)
    if not values:
        return
    if row is None:
        if "disposition" not in values:
            return  # nothing routed yet: no row to show
        await conn.execute(insert(assignments).values(case_id=case_id, **(petition or {}), **values))
    else:
        await conn.execute(update(assignments).where(assignments.c.case_id == case_id).values(**values))


def _deadline(disposition: str, at: datetime, calendar: StatutoryCalendar) -> datetime | None:
    return return_deadline(at, calendar) if disposition in RETURNABLE else None


async def close(conn: AsyncConnection, case_id: str) -> None:
    """The petition was withdrawn: it leaves inboxes and queues (its history stays)."""
    await conn.execute(update(assignments).where(assignments.c.case_id == case_id).values(is_open=False))
