"""The ``sql`` transport: the bus is a table (``bus_log``) in a database all services can reach.

Why insert order must equal commit order
----------------------------------------
Consumers remember, per group and partition, the last ``position`` they processed and next ask for
``position > last``. Positions come from an auto-increment, which hands out numbers at *insert*
time, while rows become visible at *commit* time. Two publishers A and B can insert positions 7 and
8, B commits first, a consumer reads 8 and moves its position to 8; then A commits 7 — and the
consumer never sees it. To rule that out every publish transaction serialises on one lock before it
inserts, so rows are numbered in the order they become visible: on PostgreSQL an ``EXCLUSIVE`` table
lock (readers are not blocked), on SQLite the database write lock that ``BEGIN IMMEDIATE`` already
takes. The cost is one publisher at a time, which is what an embedded single machine has anyway;
the ``kafka`` transport is the one that scales out.

(The outbox relay has the same hazard on the services' own tables and solves it differently: it
marks each row published instead of remembering a position. See ``shared/outbox/relay.py``.)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.bus.base import Delivery, Record, partition_for
from shared.bus.schema import bus_log, bus_offsets
from shared.store.db import Database


def _headers_to_json(headers: list[tuple[str, bytes]]) -> list[list[str]]:
    return [[k, v.decode()] for k, v in headers]


def _headers_from_json(raw: Any) -> list[tuple[str, bytes]]:
    if isinstance(raw, str):
        raw = json.loads(raw)
    return [(k, v.encode()) for k, v in raw]


class SqlPublisher:
    def __init__(self, db: Database, *, partitions: int = 3) -> None:
        self.db = db
        self.partitions = partitions

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def publish(self, records: Sequence[Record]) -> None:
        if not records:
            return
        now = datetime.now(UTC)
        async with self.db.transaction() as conn:
            if self.db.is_postgres:
                await conn.execute(text("LOCK TABLE bus_log IN EXCLUSIVE MODE"))
            await conn.execute(
                insert(bus_log),
                [
                    {
                        "topic": r.topic,
                        "partition": partition_for(r.key, self.partitions),
                        "key": r.key,
                        "headers": _headers_to_json(r.headers),
                        "value": r.value,
                        "appended_at": now,
                    }
                    for r in records
                ],
            )


class SqlSubscriber:
    """A consumer group reading every partition of its topics (one member per group)."""

    def __init__(self, db: Database, group_id: str, topics: Sequence[str], *, partitions: int = 3) -> None:
        self.db = db
        self.group_id = group_id
        self.topics = list(topics)
        self.partitions = partitions
        #: in-memory read positions, ahead of the committed ones while records are in flight
        self._fetched: dict[tuple[str, int], int] = {}

    async def start(self) -> None:
        self._fetched = await self._committed()

    async def stop(self) -> None:
        return None

    async def _committed(self) -> dict[tuple[str, int], int]:
        async with self.db.read() as conn:
            rows = (
                await conn.execute(
                    select(bus_offsets.c.topic, bus_offsets.c.partition, bus_offsets.c.position).where(
                        bus_offsets.c.group_id == self.group_id
                    )
                )
            ).all()
        return {(r.topic, r.partition): int(r.position) for r in rows}

    async def poll(self, max_records: int = 100) -> list[Delivery]:
        out: list[Delivery] = []
        async with self.db.read() as conn:
            for topic in self.topics:
                for p in range(self.partitions):
                    after = self._fetched.get((topic, p), 0)
                    rows = (
                        await conn.execute(
                            select(bus_log)
                            .where(and_(bus_log.c.topic == topic, bus_log.c.partition == p, bus_log.c.position > after))
                            .order_by(bus_log.c.position)
                            .limit(max_records)
                        )
                    ).all()
                    for r in rows:
                        rec = Record(r.topic, bytes(r.key), _headers_from_json(r.headers), bytes(r.value))
                        out.append(Delivery(rec, r.partition, int(r.position)))
                    if rows:
                        self._fetched[(topic, p)] = int(rows[-1].position)
        return out

    async def rewind(self) -> None:
        """Forget in-flight reads (after a failure): the next poll starts at the committed position."""
        self._fetched = await self._committed()

    async def commit(self, delivery: Delivery) -> None:
        async with self.db.transaction() as conn:
            await _upsert_offset(conn, self.group_id, delivery.record.topic, delivery.partition, delivery.offset)

    async def lag(self) -> int:
        committed = await self._committed()
        total = 0
        async with self.db.read() as conn:
            for topic in self.topics:
                for p in range(self.partitions):
                    n = await conn.scalar(
                        select(func.count())
                        .select_from(bus_log)
                        .where(
                            and_(
                                bus_log.c.topic == topic,
                                bus_log.c.partition == p,
                                bus_log.c.position > committed.get((topic, p), 0),
                            )
                        )
                    )
                    total += int(n or 0)
        return total


async def _upsert_offset(conn: AsyncConnection, group: str, topic: str, partition: int, position: int) -> None:
    where = and_(bus_offsets.c.group_id == group, bus_offsets.c.topic == topic, bus_offsets.c.partition == partition)
    result = await conn.execute(
        update(bus_offsets).where(where, bus_offsets.c.position < position).values(position=position)
    )
    if result.rowcount == 0:
        exists = await conn.scalar(select(func.count()).select_from(bus_offsets).where(where))
        if not exists:
            await conn.execute(
                insert(bus_offsets).values(group_id=group, topic=topic, partition=partition, position=position)
            )
