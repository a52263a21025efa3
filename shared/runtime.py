"""What a running service holds: its database, event store, bus, outbox relay and consumers.

Built once per app by the service's ``create_app`` (the composition root), started and stopped by
the app's lifespan. Background work (relay, consumers) runs as tasks in the API process; several
replicas are safe (the relay locks, Kafka consumer groups share partitions).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from shared.bus.base import Publisher, Subscriber
from shared.clock import Clock, SystemClock
from shared.consumers.runner import Consumer, ConsumerRunner
from shared.outbox.relay import Relay
from shared.settings import SERVICES, Settings
from shared.store.db import Database
from shared.store.event_store import EventStore
from shared.store.migrate import BUS, CORE, migrate

log = logging.getLogger("xinfang.runtime")


def make_publisher(settings: Settings, bus_db: Database | None) -> Publisher:
    if settings.transport == "kafka":
        from shared.bus.kafka import KafkaPublisher

        return KafkaPublisher(settings.kafka_bootstrap_servers, idempotent=settings.kafka_idempotent_producer)
    from shared.bus.sql import SqlPublisher

    assert bus_db is not None
    return SqlPublisher(bus_db, partitions=settings.partitions)


def make_subscriber(settings: Settings, bus_db: Database | None, group: str, topics: Sequence[str]) -> Subscriber:
    if settings.transport == "kafka":
        from shared.bus.kafka import KafkaSubscriber

        return KafkaSubscriber(
            settings.kafka_bootstrap_servers, group, topics, fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms
        )
    from shared.bus.sql import SqlSubscriber

    assert bus_db is not None
    return SqlSubscriber(bus_db, group, topics, partitions=settings.partitions)


@dataclass
class Runtime:
    service: str
    settings: Settings
    histories: list[tuple[str, str]]
    clock: Clock = field(default_factory=SystemClock)
    consumers: list[Consumer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.db = Database(self.settings.database_url(self.service))
        self.bus_db = Database(self.settings.resolved_bus_url()) if self.settings.transport == "sql" else None
        self.store = EventStore(self.settings.topic(self.service))
        self.publisher = make_publisher(self.settings, self.bus_db)
        self.relay = Relay(self.db, self.publisher)
        self.runners: list[ConsumerRunner] = []
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def topic(self, service: str) -> str:
        return self.settings.topic(service)

    def all_topics(self) -> list[str]:
        return [self.settings.topic(s) for s in SERVICES]

    async def migrate(self) -> None:
        await migrate(self.db, [CORE, *self.histories])
        if self.bus_db is not None:
            await migrate(self.bus_db, [BUS])

    async def start(self, *, background: bool = True) -> None:
        if self.settings.migrate_on_start:
            await self.migrate()
        if self.settings.transport == "kafka":
            from shared.bus.kafka import ensure_topics

            await ensure_topics(self.settings.kafka_bootstrap_servers, self.all_topics(), self.settings.partitions)
        await self.publisher.start()
        subscribers = [
            make_subscriber(
                self.settings, self.bus_db, f"{self.settings.topic_prefix}.{self.service}.{c.name}", c.topics
            )
            for c in self.consumers
        ]
        # joined together: each join of a Kafka consumer group can take seconds
        await asyncio.gather(*(sub.start() for sub in subscribers))
        for consumer, sub in zip(self.consumers, subscribers, strict=True):
            self.runners.append(
                ConsumerRunner(self.db, consumer, sub, max_attempts=self.settings.consumer_max_attempts)
            )
        if background:
            interval = self.settings.relay_interval_ms / 1000
            self._tasks.append(asyncio.create_task(self.relay.run_forever(interval, self._stop)))
            for runner in self.runners:
                poll = self.settings.poll_interval_ms / 1000
                self._tasks.append(asyncio.create_task(runner.run_forever(poll, self._stop)))

    async def stop(self) -> None:
        self._stop.set()
        for task in self._tasks:
            try:
                await asyncio.wait_for(task, timeout=10)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
            except Exception:
                log.exception("background task failed while stopping")
        for runner in self.runners:
            await runner.subscriber.stop()
        await self.publisher.stop()
        await self.db.dispose()
        if self.bus_db is not None:
            await self.bus_db.dispose()

    async def ready(self) -> None:
        """Readiness: the database and the bus answer."""
        await self.db.ping()
        if self.bus_db is not None:
            await self.bus_db.ping()
