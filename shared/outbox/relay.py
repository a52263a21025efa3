"""The outbox relay: publishes what the event store wrote, in order, without ever skipping a row.

The classic bug of outbox relays is the *sequence gap*: a relay that remembers "published up to
position N" skips a row numbered below N whose transaction committed after N's. This relay keeps no
position: it asks for rows still marked unpublished, oldest first, publishes them, and marks exactly
those. A row that commits late is simply unpublished at the next pass and goes out then.

Order per case still holds: a stream's next event can only be appended after the transaction that
wrote its previous event committed (the append checks the version), so it always gets a higher
position and is published after it.

Running two relays is safe: each pass holds a lock for its whole select-publish-mark cycle (a
PostgreSQL advisory transaction lock; on SQLite the database write lock), so a second relay waits
rather than publishing the same rows in a different order. A crash between publishing and marking
publishes those rows again on restart; consumers drop the duplicates by event id.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from sqlalchemy import func, select, text, update

from shared.bus.base import Publisher, Record
from shared.events.envelope import CloudEvent
from shared.polling import poll_forever
from shared.store.db import Database
from shared.store.schema import outbox

log = logging.getLogger("xinfang.outbox")

#: arbitrary constant naming the relay's advisory lock on PostgreSQL
RELAY_LOCK_KEY = 7_303_750_001


class Relay:
    def __init__(self, db: Database, publisher: Publisher, *, batch_size: int = 200) -> None:
        self.db = db
        self.publisher = publisher
        self.batch_size = batch_size

    async def backlog(self) -> int:
        async with self.db.read() as conn:
            n = await conn.scalar(select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None)))
        return int(n or 0)

    async def _pending(self) -> bool:
        async with self.db.read() as conn:
            row = await conn.scalar(select(outbox.c.position).where(outbox.c.published_at.is_(None)).limit(1))
        return row is not None

    async def run_once(self) -> int:
        """One pass: publish up to ``batch_size`` unpublished rows; returns how many."""
        if not await self._pending():  # cheap check without the write lock
            return 0
        async with self.db.transaction() as conn:
            if self.db.is_postgres:
                await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": RELAY_LOCK_KEY})
            rows = (
                await conn.execute(
                    select(outbox.c.position, outbox.c.topic, outbox.c.envelope)
                    .where(outbox.c.published_at.is_(None))
                    .order_by(outbox.c.position)
                    .limit(self.batch_size)
                )
            ).all()
            if not rows:
                return 0
            records = [Record.of(r.topic, CloudEvent.model_validate(r.envelope)) for r in rows]
            await self.publisher.publish(records)
            await conn.execute(
                update(outbox)
                .where(outbox.c.position.in_([r.position for r in rows]))
                .values(published_at=datetime.now(UTC))
            )
            return len(rows)

    async def drain(self) -> int:
        total = 0
        while n := await self.run_once():
            total += n
        return total

    async def run_forever(self, interval_s: float = 0.05, stop: asyncio.Event | None = None) -> None:
        await poll_forever(self.run_once, interval_s=interval_s, stop=stop or asyncio.Event(), log=log, what="outbox relay")
