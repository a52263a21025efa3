from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.consumers.runner import ConsumerRunner
from shared.events.catalogue.intake import PetitionRegistered
from shared.events.envelope import CloudEvent, new_event
from shared.store.db import Database
from shared.store.event_store import EventStore

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# A projection made for the tests: how many times each event took effect, and in what order per case.
test_metadata = MetaData()
effects = Table(
    "test_effects",
    test_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(80), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("sequence", Integer, nullable=False),
)


async def create_effects_table(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.run_sync(test_metadata.create_all)


def petition(case_id: str, seq: int, title: str = "拖欠工资") -> CloudEvent:
    payload = PetitionRegistered(
        case_id=case_id,
        case_no=f"370703-2026-{seq:06d}",
        channel="visit",
        received_at=NOW,
        received_by="370703:petition_bureau",
        headcount=1,
        title=title,
        content=f"第{seq}件",
    )
    return new_event(service="intake", payload=payload, subject=case_id, time=NOW, sequence=seq)


async def append_one(db: Database, store: EventStore, case_id: str, seq: int) -> CloudEvent:
    ev = petition(case_id, seq)
    async with db.transaction() as conn:
        await store.append(conn, case_id, seq - 1, [ev], now=NOW)
    return ev


async def record_effect(conn: AsyncConnection, event: CloudEvent) -> None:
    await conn.execute(
        insert(effects).values(case_id=event.subject, event_id=event.id, sequence=int(event.sequence or 0))
    )


async def effect_rows(db: Database) -> list[tuple[str, str, int]]:
    async with db.read() as conn:
        rows = (await conn.execute(select(effects.c.case_id, effects.c.event_id, effects.c.sequence).order_by(effects.c.id))).all()
    return [(r.case_id, r.event_id, r.sequence) for r in rows]


async def run_until(runner: ConsumerRunner, done: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"consumer did not finish in {timeout}s (processed {runner.processed})")
        n = await runner.run_once()
        if n == 0:
            await asyncio.sleep(0.02)


async def mark_all_unpublished(db: Database) -> None:
    from shared.store.schema import outbox

    async with db.transaction() as conn:
        await conn.execute(update(outbox).values(published_at=None))
