"""Use cases: start and stop statutory clocks as the case moves (D1, D2).

D1 (dispatch) starts at the real receipt time (D8: a backdated registration runs from when the
petition was received) and is met when routing forwards or assigns the case; D2 (acceptance) then
starts for the competent unit. Lengths come from ``data/clock_policies.yaml``, deadlines from the
statutory calendar (``shared/calendar/periods.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.supervision.domain.policies import PolicySet
from services.supervision.tables import clocks
from shared.calendar.periods import period_end
from shared.calendar.statutory import StatutoryCalendar
from shared.events.catalogue.intake import PetitionRegistered
from shared.events.catalogue.routing import CaseRouted
from shared.events.catalogue.supervision import ClockStarted, ClockStopped
from shared.events.envelope import CloudEvent
from shared.recorder import record
from shared.runtime import Runtime


@dataclass(frozen=True)
class Deadlines:
    """The statutory calendar and the clock policies, loaded once per app."""

    calendar: StatutoryCalendar
    policies: PolicySet

    def started(self, case_id: str, kind: str, at: datetime, unit_id: str | None) -> ClockStarted:
        policy = self.policies.get(kind)
        deadline = period_end(at, policy.length, policy.unit, self.calendar)
        return ClockStarted(
            case_id=case_id,
            kind=kind,
            rule=policy.rule,
            started_at=at,
            due_at=deadline.due_at,
            unit_id=unit_id,
        )


async def _start(conn: AsyncConnection, runtime: Runtime, cause: CloudEvent, started: ClockStarted) -> None:
    """Start a clock; a clock of the same kind still running for another unit is cancelled first
    (a case re-routed after a return, a triage decision or a reassignment: R13, R9)."""
    await _stop(conn, runtime, cause, started.case_id, started.kind, started.started_at, cancel="re-routed")
    version = await runtime.store.version(conn, started.case_id)
    await record(conn, runtime, started.case_id, version, [started], cause=cause)
    await conn.execute(
        delete(clocks).where(clocks.c.case_id == started.case_id, clocks.c.kind == started.kind)
    )
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


async def _stop(
    conn: AsyncConnection,
    runtime: Runtime,
    cause: CloudEvent,
    case_id: str,
    kind: str,
    at: datetime,
    *,
    cancel: str | None = None,
) -> None:
    """Meet a running clock (``met`` / ``met_late``), or cancel it with the reason ``cancel``."""
    row = (
        (await conn.execute(select(clocks).where(clocks.c.case_id == case_id, clocks.c.kind == kind)))
        .mappings()
        .first()
    )
    if row is None or row["state"] not in ("running", "paused"):
        return
    if cancel is not None:
        outcome = "cancelled"
    else:
        outcome = "met" if at <= row["due_at"] else "met_late"
    stopped = ClockStopped(case_id=case_id, kind=kind, stopped_at=at, outcome=outcome, reason=cancel or "")
    version = await runtime.store.version(conn, case_id)
    await record(conn, runtime, case_id, version, [stopped], cause=cause)
    await conn.execute(
        update(clocks)
        .where(clocks.c.case_id == case_id, clocks.c.kind == kind)
        .values(state=outcome, stopped_at=at)
    )


def case_events_handler(runtime: Runtime, deadlines: Deadlines):  # type: ignore[no-untyped-def]
    async def handle(conn: AsyncConnection, event: CloudEvent) -> None:
        payload = event.payload()
        if isinstance(payload, PetitionRegistered):
            started = deadlines.started(payload.case_id, "dispatch", payload.received_at, payload.received_by)
            await _start(conn, runtime, event, started)
        elif isinstance(payload, CaseRouted) and payload.disposition in ("forwarded", "assigned"):
            await _stop(conn, runtime, event, payload.case_id, "dispatch", event.time)
            started = deadlines.started(payload.case_id, "acceptance", event.time, payload.unit_id)
            await _start(conn, runtime, event, started)
        elif isinstance(payload, CaseRouted) and payload.disposition in ("merged", "not_accepted"):
            # R12: a merged repeat is handled under its original; nothing runs for it here
            for kind in ("dispatch", "acceptance"):
                await _stop(
                    conn, runtime, event, payload.case_id, kind, event.time, cancel=payload.disposition
                )

    return handle
