"""The event store: append-only streams with per-stream optimistic concurrency.

``append`` writes the events *and* their outbox rows in the caller's transaction, so an event is
published if and only if it was stored (never "commit, then publish"). A concurrent append at the
same expected version fails on the unique ``(stream_id, version)`` and raises
:class:`ConcurrencyError`; the handler reloads, decides again and retries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.events.envelope import CloudEvent
from shared.store.schema import events, outbox


class ConcurrencyError(Exception):
    """Another writer appended to the stream first: reload and decide again."""

    def __init__(self, stream_id: str, expected: int, actual: int | None = None) -> None:
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual
        super().__init__(f"stream {stream_id}: expected version {expected}, found {actual}")


@dataclass(frozen=True)
class Stream:
    stream_id: str
    version: int  # 0 for a new stream
    events: list[CloudEvent]


class EventStore:
    """Stateless: every method works inside the connection (transaction) it is given."""

    def __init__(self, topic: str) -> None:
        self.topic = topic  # where this service's outbox publishes

    async def load(self, conn: AsyncConnection, stream_id: str) -> Stream:
        rows = (
            await conn.execute(
                select(events.c.version, events.c.envelope)
                .where(events.c.stream_id == stream_id)
                .order_by(events.c.version)
            )
        ).all()
        loaded = [CloudEvent.model_validate(r.envelope) for r in rows]
        return Stream(stream_id, rows[-1].version if rows else 0, loaded)

    async def version(self, conn: AsyncConnection, stream_id: str) -> int:
        v = await conn.scalar(select(func.max(events.c.version)).where(events.c.stream_id == stream_id))
        return int(v or 0)

    async def append(
        self,
        conn: AsyncConnection,
        stream_id: str,
        expected_version: int,
        new_events: Sequence[CloudEvent],
        *,
        now: datetime,
    ) -> int:
        """Append events at ``expected_version + 1 ...``; returns the new version.

        The envelopes' ``sequence`` must already be ``expected_version + i`` (see ``new_event``);
        the store checks it so a caller cannot write a history with holes.
        """
        if not new_events:
            return expected_version
        current = await self.version(conn, stream_id)
        if current != expected_version:
            raise ConcurrencyError(stream_id, expected_version, current)
        event_rows = []
        outbox_rows = []
        for i, ev in enumerate(new_events, start=1):
            version = expected_version + i
            if ev.sequence is not None and int(ev.sequence) != version:
                raise ValueError(f"event {ev.id} has sequence {ev.sequence}, expected {version}")
            env = ev.model_dump(mode="json")
            event_rows.append(
                {
                    "event_id": ev.id,
                    "stream_id": stream_id,
                    "version": version,
                    "type": ev.type,
                    "envelope": env,
                    "recorded_at": now,
                }
            )
            outbox_rows.append(
                {"event_id": ev.id, "topic": self.topic, "key": ev.subject, "envelope": env, "created_at": now}
            )
        try:
            # a savepoint, so a lost race leaves the caller's transaction usable for a retry
            async with conn.begin_nested():
                await conn.execute(insert(events), event_rows)
                await conn.execute(insert(outbox), outbox_rows)
        except IntegrityError as exc:
            raise ConcurrencyError(stream_id, expected_version) from exc
        return expected_version + len(new_events)

    async def read_all(self, conn: AsyncConnection, *, after: int = 0, limit: int = 1000) -> list[CloudEvent]:
        rows = (
            await conn.execute(
                select(events.c.envelope).where(events.c.position > after).order_by(events.c.position).limit(limit)
            )
        ).all()
        return [CloudEvent.model_validate(r.envelope) for r in rows]
