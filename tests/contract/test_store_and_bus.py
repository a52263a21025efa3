"""The contract every store × transport combination must keep (DESIGN.md §3, §5).

(a) optimistic concurrency, (b) gap-free relay, (c) redelivery without double effect,
(d) per-case order across partitions, (e) a relay killed mid-batch, (f) poison events dead-lettered.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict

import pytest
from sqlalchemy import select

from shared.bus.base import Publisher, Record
from shared.consumers.runner import Consumer, ConsumerRunner
from shared.outbox.relay import Relay
from shared.store.event_store import ConcurrencyError, EventStore
from shared.store.schema import dead_letters, outbox
from tests.contract.conftest import Backend
from tests.contract.helpers import (
    NOW,
    append_one,
    create_effects_table,
    effect_rows,
    mark_all_unpublished,
    petition,
    record_effect,
    run_until,
)


async def _runner(backend: Backend, name: str = "projector", handler=record_effect, **kw) -> ConsumerRunner:  # type: ignore[no-untyped-def]
    await create_effects_table(backend.db)
    sub = await backend.subscriber(f"{backend.prefix}.{name}", [backend.topic()])
    return ConsumerRunner(backend.db, Consumer(name, [backend.topic()], handler), sub, backoff_s=0.01, **kw)


async def test_a_concurrent_appends_at_the_same_version_exactly_one_wins(backend: Backend) -> None:
    store = EventStore(backend.topic())
    await append_one(backend.db, store, "case-a", 1)

    async def contender(i: int) -> str:
        ev = petition("case-a", 2, title=f"第{i}个写入者")
        async with backend.db.transaction() as conn:
            await store.append(conn, "case-a", 1, [ev], now=NOW)
        return ev.id

    results = await asyncio.gather(*(contender(i) for i in range(6)), return_exceptions=True)
    winners = [r for r in results if isinstance(r, str)]
    losers = [r for r in results if isinstance(r, ConcurrencyError)]
    assert len(winners) == 1 and len(losers) == 5, results
    async with backend.db.read() as conn:
        stream = await store.load(conn, "case-a")
    assert stream.version == 2
    assert [e.id for e in stream.events][1] == winners[0]


async def test_b_a_transaction_committing_after_a_later_one_is_still_relayed(backend: Backend) -> None:
    store = EventStore(backend.topic())
    relay = Relay(backend.db, await backend.publisher())
    early = petition("case-early", 1)
    late_commit = backend.db.transaction()
    conn = await late_commit.__aenter__()
    await store.append(conn, "case-early", 0, [early], now=NOW)  # takes the lower position ...

    later = asyncio.create_task(append_one(backend.db, store, "case-later", 1))
    await asyncio.sleep(0.3)  # (on SQLite the later writer waits for the lock; on PostgreSQL it commits)
    first_pass = await relay.run_once()
    await late_commit.__aexit__(None, None, None)  # ... but commits last
    later_event = await later
    await relay.drain()

    async with backend.db.read() as c:
        unpublished = (await c.execute(select(outbox.c.event_id).where(outbox.c.published_at.is_(None)))).all()
    assert unpublished == []
    runner = await _runner(backend)
    await run_until(runner, lambda: runner.processed >= 2)
    seen = {event_id for _, event_id, _ in await effect_rows(backend.db)}
    assert seen == {early.id, later_event.id}
    assert first_pass in (0, 1)


async def test_c_delivering_every_event_twice_changes_no_projection(backend: Backend) -> None:
    store = EventStore(backend.topic())
    relay = Relay(backend.db, await backend.publisher())
    appended = [await append_one(backend.db, store, f"case-{i % 4}", i // 4 + 1) for i in range(12)]
    await relay.drain()
    await mark_all_unpublished(backend.db)
    assert await relay.drain() == 12  # every event is on the bus twice now

    runner = await _runner(backend)
    deliveries = 0
    while deliveries < 24:
        got = await runner.run_once()
        deliveries += got
        if not got:
            await asyncio.sleep(0.02)
    rows = await effect_rows(backend.db)
    assert sorted(r[1] for r in rows) == sorted(e.id for e in appended)
    assert runner.processed == 12


async def test_d_events_of_one_case_arrive_in_order_across_partitions(backend: Backend) -> None:
    store = EventStore(backend.topic())
    relay = Relay(backend.db, await backend.publisher())
    cases = [f"case-{i}" for i in range(9)]
    per_case = 8
    for seq in range(1, per_case + 1):  # interleaved: case-0 v1, case-1 v1, ..., case-0 v2, ...
        for case in cases:
            await append_one(backend.db, store, case, seq)
    await relay.drain()

    runner = await _runner(backend)
    sub = runner.subscriber
    partitions_seen: set[int] = set()
    original_poll = sub.poll

    async def poll_and_note(max_records: int = 100):  # type: ignore[no-untyped-def]
        got = await original_poll(max_records)
        partitions_seen.update(d.partition for d in got)
        return got

    sub.poll = poll_and_note  # type: ignore[method-assign]
    await run_until(runner, lambda: runner.processed >= len(cases) * per_case)
    order: dict[str, list[int]] = defaultdict(list)
    for case_id, _, seq in await effect_rows(backend.db):
        order[case_id].append(seq)
    assert len(partitions_seen) >= 3
    for case in cases:
        assert order[case] == list(range(1, per_case + 1)), (case, order[case])


class SlowPublisher:
    """Publishes record by record, slowly, so the relay can be killed in the middle of a batch."""

    def __init__(self, inner: Publisher, kill_after: int) -> None:
        self.inner = inner
        self.sent = 0
        self.kill_after = kill_after
        self.reached = asyncio.Event()

    async def start(self) -> None: ...
    async def stop(self) -> None: ...

    async def publish(self, records: list[Record]) -> None:  # type: ignore[override]
        for r in records:
            await self.inner.publish([r])
            self.sent += 1
            if self.sent >= self.kill_after:
                self.reached.set()
            await asyncio.sleep(0.01)


async def test_e_a_relay_killed_mid_batch_loses_nothing_and_doubles_nothing(backend: Backend) -> None:
    store = EventStore(backend.topic())
    appended = [await append_one(backend.db, store, f"case-{i % 5}", i // 5 + 1) for i in range(30)]
    slow = SlowPublisher(await backend.publisher(), kill_after=10)
    doomed = asyncio.create_task(Relay(backend.db, slow, batch_size=30).run_once())
    await slow.reached.wait()
    doomed.cancel()  # killed after publishing part of the batch, before marking anything
    with pytest.raises(asyncio.CancelledError):
        await doomed
    assert 10 <= slow.sent < 30

    await Relay(backend.db, await backend.publisher()).drain()  # the restarted relay
    runner = await _runner(backend)
    await run_until(runner, lambda: runner.processed >= 30)
    await asyncio.sleep(0.1)
    await runner.run_once()  # the re-sent duplicates, if not yet seen
    rows = await effect_rows(backend.db)
    assert sorted(r[1] for r in rows) == sorted(e.id for e in appended)  # each exactly once
    by_case: dict[str, list[int]] = defaultdict(list)
    for case_id, _, seq in rows:
        by_case[case_id].append(seq)
    assert all(seqs == sorted(seqs) for seqs in by_case.values())


async def test_f_a_poison_event_is_dead_lettered_and_the_partition_keeps_flowing(backend: Backend) -> None:
    store = EventStore(backend.topic())
    relay = Relay(backend.db, await backend.publisher())
    events = [await append_one(backend.db, store, "case-poison", seq) for seq in range(1, 6)]
    poison = events[1]
    attempts = 0

    async def fragile(conn, event):  # type: ignore[no-untyped-def]
        nonlocal attempts
        if event.id == poison.id:
            attempts += 1
            raise ValueError("cannot project this event")
        await record_effect(conn, event)

    await relay.drain()
    runner = await _runner(backend, handler=fragile, max_attempts=3)
    await run_until(runner, lambda: runner.processed + runner.dead_lettered >= 5)

    assert attempts == 3
    rows = await effect_rows(backend.db)
    assert [r[2] for r in rows] == [1, 3, 4, 5]  # the events behind the poison one still took effect
    async with backend.db.read() as conn:
        dl = (await conn.execute(select(dead_letters))).all()
    assert len(dl) == 1 and dl[0].event_id == poison.id and dl[0].attempts == 3
    assert "cannot project this event" in dl[0].error
