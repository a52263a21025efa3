"""Consumers: at-least-once delivery, exactly-once effect.

For each delivered event the runner opens one transaction on the service's database that
(1) records ``(consumer, event_id)`` in ``processed_events`` and (2) applies the handler's effect —
a projection update, or a decision appended to the event store with its outbox rows. Either both
commit or neither does, so a redelivered event finds its id already processed and changes nothing.
Only after that commit is the bus position moved on.

A handler that keeps failing is retried ``max_attempts`` times with backoff; then the event is
written to ``dead_letters`` (visible at ``GET /admin/dead-letters``), marked processed, and the
partition moves on. A poison event never blocks the events behind it for more than those tries.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.bus.base import Delivery, Subscriber
from shared.events.envelope import CloudEvent
from shared.polling import poll_forever
from shared.store.db import Database
from shared.store.schema import dead_letters, processed_events
from shared.web.correlation import correlation_context

log = logging.getLogger("xinfang.consumer")

Handler = Callable[[AsyncConnection, CloudEvent], Awaitable[None]]


@dataclass(frozen=True)
class Consumer:
    """A named consumer (its name is the consumer group) of some topics, with one handler."""

    name: str
    topics: Sequence[str]
    handler: Handler


class ConsumerRunner:
    def __init__(
        self,
        db: Database,
        consumer: Consumer,
        subscriber: Subscriber,
        *,
        max_attempts: int = 5,
        backoff_s: float = 0.05,
    ) -> None:
        self.db = db
        self.consumer = consumer
        self.subscriber = subscriber
        self.max_attempts = max_attempts
        self.backoff_s = backoff_s
        self.processed = 0
        self.dead_lettered = 0

    async def _already_done(self, event_id: str) -> bool:
        async with self.db.read() as conn:
            row = await conn.scalar(
                select(processed_events.c.event_id).where(
                    processed_events.c.consumer == self.consumer.name, processed_events.c.event_id == event_id
                )
            )
        return row is not None

    async def _apply(self, event: CloudEvent) -> bool:
        """Apply once; False when it had been applied before (a redelivery)."""
        try:
            async with self.db.transaction() as conn:
                await conn.execute(
                    insert(processed_events).values(
                        consumer=self.consumer.name, event_id=event.id, processed_at=datetime.now(UTC)
                    )
                )
                await self.consumer.handler(conn, event)
        except IntegrityError:
            if await self._already_done(event.id):
                return False
            raise
        return True

    async def _dead_letter(self, delivery: Delivery, event: CloudEvent | None, error: str, attempts: int) -> None:
        event_id = event.id if event else f"{delivery.record.topic}/{delivery.partition}/{delivery.offset}"
        async with self.db.transaction() as conn:
            exists = await conn.scalar(
                select(dead_letters.c.id).where(
                    dead_letters.c.consumer == self.consumer.name, dead_letters.c.event_id == event_id
                )
            )
            if exists is None:
                await conn.execute(
                    insert(dead_letters).values(
                        consumer=self.consumer.name,
                        event_id=event_id,
                        topic=delivery.record.topic,
                        partition=delivery.partition,
                        offset=delivery.offset,
                        envelope=event.model_dump(mode="json") if event else None,
                        raw=None if event else delivery.record.value.decode(errors="replace"),
                        error=error[-4000:],
                        attempts=attempts,
                        created_at=datetime.now(UTC),
                    )
                )
            if event is not None:
                done = await conn.scalar(
                    select(processed_events.c.event_id).where(
                        processed_events.c.consumer == self.consumer.name, processed_events.c.event_id == event.id
                    )
                )
                if done is None:
                    await conn.execute(
                        insert(processed_events).values(
                            consumer=self.consumer.name, event_id=event.id, processed_at=datetime.now(UTC)
                        )
                    )
        self.dead_lettered += 1
        log.error(
            "dead-lettered event",
            extra={"consumer": self.consumer.name, "event_id": event_id, "attempts": attempts},
        )

    async def handle(self, delivery: Delivery) -> None:
        """Process one delivery to the end: applied, skipped as a duplicate, or dead-lettered."""
        try:
            event = CloudEvent.from_binary(delivery.record.headers, delivery.record.value)
        except Exception:
            await self._dead_letter(delivery, None, traceback.format_exc(), 1)
            return
        if await self._already_done(event.id):
            return
        with correlation_context(event.correlationid or event.id):
            await self._handle_event(delivery, event)

    async def _handle_event(self, delivery: Delivery, event: CloudEvent) -> None:
        attempt = 0
        while True:
            attempt += 1
            try:
                if await self._apply(event):
                    self.processed += 1
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                err = traceback.format_exc()
                if attempt >= self.max_attempts:
                    await self._dead_letter(delivery, event, err, attempt)
                    return
                log.warning(
                    "consumer handler failed; retrying",
                    extra={"consumer": self.consumer.name, "event_id": event.id, "attempt": attempt},
                )
                await asyncio.sleep(self.backoff_s * (2 ** (attempt - 1)))

    async def run_once(self, max_records: int = 100) -> int:
        deliveries = await self.subscriber.poll(max_records)
        for d in deliveries:
            try:
                await self.handle(d)
            except Exception:
                # the database itself failed (not the handler): go back to the committed position
                # and try again later; nothing after this delivery is committed before it
                log.exception("consumer could not record its effect; rewinding")
                await self.subscriber.rewind()
                raise
            await self.subscriber.commit(d)
        return len(deliveries)

    async def run_forever(self, interval_s: float = 0.05, stop: asyncio.Event | None = None) -> None:
        await poll_forever(self.run_once, interval_s=interval_s, stop=stop or asyncio.Event(), log=log, what="consumer")
