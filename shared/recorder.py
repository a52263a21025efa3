"""Turning a decision into history: wrap payloads in envelopes and append them with the outbox.

Use cases call :func:`record` inside the transaction that also updates their read models; consumer
handlers pass the event that caused the decision so correlation and causation ids link the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from shared.events.base import EventData
from shared.events.envelope import CloudEvent, new_event
from shared.runtime import Runtime
from shared.web.correlation import get_correlation_id


@dataclass(frozen=True)
class Actor:
    """Who caused it: a user (``sub`` and unit) or the system."""

    id: str = "system"
    unit: str | None = None


SYSTEM = Actor()


async def record(
    conn: AsyncConnection,
    runtime: Runtime,
    stream_id: str,
    expected_version: int,
    payloads: Sequence[EventData],
    *,
    actor: Actor = SYSTEM,
    cause: CloudEvent | None = None,
    correlation_id: str | None = None,
) -> list[CloudEvent]:
    now = runtime.clock.now()
    envelopes = [
        new_event(
            service=runtime.service,
            payload=p,
            subject=stream_id,
            time=now,
            sequence=expected_version + i,
            correlationid=(cause.correlationid if cause else None) or correlation_id or get_correlation_id(),
            causationid=cause.id if cause else None,
            actor=actor.id,
            actorunit=actor.unit,
        )
        for i, p in enumerate(payloads, start=1)
    ]
    await runtime.store.append(conn, stream_id, expected_version, envelopes, now=now)
    return envelopes
