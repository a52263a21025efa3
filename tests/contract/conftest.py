"""One contract suite, every backend: {SQLite, PostgreSQL} store × {sql, kafka} transport.

Each test receives a :class:`Backend` and never asks which one it is; the test id names it
(``[sqlite-sql]``, ``[postgres-kafka]``, ...).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from shared.bus.base import Publisher, Subscriber
from shared.bus.kafka import KafkaPublisher, KafkaSubscriber, ensure_topics
from shared.bus.sql import SqlPublisher, SqlSubscriber
from shared.store.db import Database
from shared.store.migrate import BUS, CORE, migrate

PARTITIONS = 3
COMBINATIONS = ["sqlite-sql", "sqlite-kafka", "postgres-sql", "postgres-kafka"]


@dataclass
class Backend:
    name: str
    store_kind: str
    transport: str
    db: Database
    bus_db: Database | None
    bootstrap: str | None
    prefix: str
    _started: list[Any] = field(default_factory=list)

    def topic(self, service: str = "intake") -> str:
        return f"{self.prefix}.{service}"

    async def publisher(self) -> Publisher:
        pub: Publisher
        if self.transport == "sql":
            assert self.bus_db is not None
            pub = SqlPublisher(self.bus_db, partitions=PARTITIONS)
        else:
            assert self.bootstrap is not None
            pub = KafkaPublisher(self.bootstrap, idempotent=False)  # Tansu refuses InitProducerId
        await pub.start()
        self._started.append(pub)
        return pub

    async def subscriber(self, group: str, topics: Sequence[str]) -> Subscriber:
        sub: Subscriber
        if self.transport == "sql":
            assert self.bus_db is not None
            sub = SqlSubscriber(self.bus_db, group, topics, partitions=PARTITIONS)
        else:
            assert self.bootstrap is not None
            sub = KafkaSubscriber(self.bootstrap, group, topics, fetch_max_wait_ms=10)
        await sub.start()
        self._started.append(sub)
        return sub

    async def close(self) -> None:
        for thing in reversed(self._started):
            await thing.stop()
        await self.db.dispose()
        if self.bus_db is not None and self.bus_db is not self.db:
            await self.bus_db.dispose()


@pytest.fixture(params=COMBINATIONS)
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    store_kind, transport = request.param.split("-")
    tag = uuid.uuid4().hex[:8]
    if store_kind == "sqlite":
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'service.db'}")
        bus_db = Database(f"sqlite+aiosqlite:///{tmp_path / 'bus.db'}") if transport == "sql" else None
    else:
        pg_url: str = request.getfixturevalue("pg_url")
        schema = f"t_{tag}"
        bus_schema = f"b_{tag}"
        setup = Database(pg_url)
        async with setup.transaction() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            await conn.execute(text(f'CREATE SCHEMA "{bus_schema}"'))
        await setup.dispose()
        db = Database(pg_url, schema=schema)
        bus_db = Database(pg_url, schema=bus_schema) if transport == "sql" else None
    await migrate(db, [CORE])
    if bus_db is not None:
        await migrate(bus_db, [BUS])
    bootstrap = None
    prefix = f"c{tag}"
    if transport == "kafka":
        bootstrap = request.getfixturevalue("kafka_bootstrap")
        await ensure_topics(bootstrap, [f"{prefix}.intake", f"{prefix}.routing"], PARTITIONS)
    b = Backend(request.param, store_kind, transport, db, bus_db, bootstrap, prefix)
    yield b
    await b.close()
