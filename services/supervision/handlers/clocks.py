"""Use cases: start and stop statutory clocks as the case moves (D1, D2).

D1 (dispatch) starts at the real receipt time (D8: a backdated registration runs from when the
petition was received) and is met when routing forwards or assigns the case; D2 (acceptance) then
starts for the competent unit.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.supervision.tables import clocks
from shared.events.catalogue.intake import PetitionRegistered
from shared.events.catalogue.routing import CaseRouted
from shared.events.catalogue.supervision import ClockStarted, ClockStopped
from shared.events.envelope import CloudEvent
from shared.recorder import record
from shared.runtime import Runtime

SHANGHAI = ZoneInfo("Asia/Shanghai")


def period_end(start: datetime, days: int) -> datetime:
    """Placeholder for the statutory calendar: N calendar days, ending 24:00 Asia/Shanghai."""
    start_day: date = start.astimezone(SHANGHAI).date()
    last = start_day + timedelta(days=days)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=SHANGHAI)


async def _start(conn: AsyncConnection, runtime: Runtime, cause: CloudEvent, started: ClockStarted) -> None:
    version = await runtime.store.version(conn, started.case_id)
    await record(conn, runtime, started.case_id, version, [started], cause=cause)
    await conn.execute(
        insert(clocks).values(
            case_id=started.case_id,
            kind=started.kind,
            rule=started.rule,
            unit_id=started.unit_id,
            started_at=started.started_at,
            due_at=started.due_at,
            state="running",
            paused_ms=0,
        )
    )


async def _stop(conn: AsyncConnection, runtime: Runtime, cause: CloudEvent, case_id: str, kind: str, at: datetime) -> None:
    row = (
        await conn.execute(select(clocks).where(clocks.c.case_id == case_id, clocks.c.kind == kind))
    ).mappings().first()
    if row is None or row["state"] not in ("running", "paused"):
        return
    outcome = "met" if at <= row["due_at"] else "met_late"
    stopped = ClockStopped(case_id=case_id, kind=kind, stopped_at=at, outcome=outcome)
    version = await runtime.store.version(conn, case_id)
    await record(conn, runtime, case_id, version, [stopped], cause=cause)
    await conn.execute(
        update(clocks).where(clocks.c.case_id == case_id, clocks.c.kind == kind).values(state=outcome, stopped_at=at)
    )


def case_events_handler(runtime: Runtime):  # type: ignore[no-untyped-def]
    async def handle(conn: AsyncConnection, event: CloudEvent) -> None:
        payload = event.payload()
        if isinstance(payload, PetitionRegistered):
            await _start(
                conn,
                runtime,
                event,
                ClockStarted(
                    case_id=payload.case_id,
                    kind="dispatch",
                    rule="D1",
                    started_at=payload.received_at,
                    due_at=period_end(payload.received_at, 15),
                    unit_id=payload.received_by,
                ),
            )
        elif isinstance(payload, CaseRouted) and payload.disposition in ("forwarded", "assigned"):
            await _stop(conn, runtime, event, payload.case_id, "dispatch", event.time)
            await _start(
                conn,
                runtime,
                event,
                ClockStarted(
                    case_id=payload.case_id,
                    kind="acceptance",
                    rule="D2",
                    started_at=event.time,
                    due_at=period_end(event.time, 15),
                    unit_id=payload.unit_id,
                ),
            )

    return handle
