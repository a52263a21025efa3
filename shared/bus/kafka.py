"""The ``kafka`` transport (aiokafka): the production bus.

Producer: ``acks=all``; the idempotent producer is a setting, on for Apache Kafka (brokers that
refuse ``InitProducerId`` — the Tansu broker used in tests — run with it off). Correctness never
rests on it: consumers dedupe by event id. Consumer: manual commits, issued only after the database
transaction holding the effect has committed; ``auto_offset_reset=earliest``; ``fetch_max_wait_ms``
is configurable because some brokers answer a waiting fetch only when it runs out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.bus.base import Delivery, Record


class KafkaPublisher:
    def __init__(self, bootstrap_servers: str, *, idempotent: bool = True) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.idempotent = idempotent
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap_servers,
            acks="all",
            enable_idempotence=self.idempotent,
            linger_ms=0,
            request_timeout_ms=15_000,
        )
        await self._producer.start()

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def publish(self, records: Sequence[Record]) -> None:
        if self._producer is None:
            raise RuntimeError("KafkaPublisher.publish before start()")
        # Sent one after another and each awaited: a record is acknowledged before the next is
        # sent, so a retry inside the client can never reorder two events of one case.
        for r in records:
            await self._producer.send_and_wait(r.topic, value=r.value, key=r.key, headers=r.headers)


class KafkaSubscriber:
    def __init__(
        self,
        bootstrap_servers: str,
        group_id: str,
        topics: Sequence[str],
        *,
        fetch_max_wait_ms: int = 100,
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.group_id = group_id
        self.topics = list(topics)
        self.fetch_max_wait_ms = fetch_max_wait_ms
        self._consumer: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        self._consumer = AIOKafkaConsumer(
            *self.topics,
            bootstrap_servers=self.bootstrap_servers,
            group_id=self.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=self.fetch_max_wait_ms,
            session_timeout_ms=10_000,
            heartbeat_interval_ms=1_000,
            metadata_max_age_ms=5_000,
        )
        await self._consumer.start()

    async def stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None

    async def poll(self, max_records: int = 100) -> list[Delivery]:
        assert self._consumer is not None, "start() first"
        batches = await self._consumer.getmany(timeout_ms=self.fetch_max_wait_ms, max_records=max_records)
        out: list[Delivery] = []
        for tp, messages in batches.items():
            for m in messages:
                rec = Record(tp.topic, m.key or b"", list(m.headers or []), m.value or b"")
                out.append(Delivery(rec, tp.partition, m.offset))
        return out

    async def rewind(self) -> None:
        """Go back to the committed positions (after a failure), so nothing in flight is skipped."""
        assert self._consumer is not None
        for tp in self._consumer.assignment():
            committed = await self._consumer.committed(tp)
            if committed is None:
                await self._consumer.seek_to_beginning(tp)
            else:
                self._consumer.seek(tp, committed)

    async def commit(self, delivery: Delivery) -> None:
        assert self._consumer is not None
        tp = TopicPartition(delivery.record.topic, delivery.partition)
        await self._consumer.commit({tp: delivery.offset + 1})

    async def lag(self) -> int:
        if self._consumer is None:
            return 0
        assignment = list(self._consumer.assignment())
        if not assignment:
            return 0
        ends = await self._consumer.end_offsets(assignment)
        total = 0
        for tp in assignment:
            committed = await self._consumer.committed(tp) or 0
            total += max(0, ends[tp] - committed)
        return total


async def ensure_topics(bootstrap_servers: str, topics: Sequence[str], partitions: int) -> None:
    """Create the topics if missing (embedded and tests; production uses its own topic step)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [NewTopic(t, num_partitions=partitions, replication_factor=1) for t in topics if t not in existing]
        if missing:
            try:
                await admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass
        # wait until the metadata shows them
        for _ in range(50):
            if set(topics) <= set(await admin.list_topics()):
                return
            await asyncio.sleep(0.1)
    finally:
        await admin.close()
