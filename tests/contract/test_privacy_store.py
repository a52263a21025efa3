"""The privacy vault and the access log on SQLite and PostgreSQL (P1, P3, P4).

Each test gets a migrated database (``[sqlite]``: a file under ``tmp_path``; ``[postgres]``: a schema of
its own in the throwaway database of the test run). When ``CI=true`` a missing PostgreSQL fails the run.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from shared.clock import FixedClock
from shared.events.envelope import CloudEvent
from shared.privacy.access_log import (
    AccessLogUnavailable,
    AccessRecord,
    log_access,
    query_access,
    record_access,
)
from shared.privacy.keys import KeyRing, UnknownKeyId
from shared.privacy.tables import subject_keys
from shared.privacy.vault import (
    SubjectShredded,
    TamperedToken,
    UnknownSubject,
    UnwrapFailed,
    Vault,
    new_subject_id,
    token_subject,
)
from shared.store.db import Database
from shared.store.event_store import EventStore
from shared.store.migrate import CORE, migrate
from shared.store.schema import events

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
ID = "370703196302144519"
PHONE = "13905361234"
NAME = "高德顺"
K1 = bytes(range(32))
K2 = bytes(range(100, 132))
RING_1 = KeyRing({"k1": K1}, "k1")
RING_2_1 = KeyRing({"k2": K2, "k1": K1}, "k2")
RING_2 = KeyRing({"k2": K2}, "k2")


@dataclass
class Store:
    kind: str
    db: Database
    sqlite_file: Path | None
    pg_url: str | None
    schema: str | None

    def vault(
        self,
        ring: KeyRing = RING_1,
        *,
        clock: FixedClock | None = None,
        retention: timedelta = timedelta(days=3650),
        cache_ttl_s: float = 60.0,
    ) -> Vault:
        """A vault as a fresh process would have it: nothing cached."""
        return Vault(
            self.db, ring, clock=clock or FixedClock(NOW), retention=retention, cache_ttl_s=cache_ttl_s
        )

    async def all_text(self) -> bytes:
        """Everything the database holds, as raw bytes (the SQLite files) or row text (PostgreSQL)."""
        if self.sqlite_file is not None:
            return b"".join(
                p.read_bytes()
                for p in self.sqlite_file.parent.iterdir()
                if p.name.startswith(self.sqlite_file.name)
            )
        chunks: list[str] = []
        async with self.db.read() as conn:
            for table in ("subject_keys", "pii_access_log", "events", "outbox"):
                rows = await conn.execute(text(f"SELECT t::text FROM {table} t"))
                chunks.extend(str(row[0]) for row in rows)
        return "\n".join(chunks).encode("utf-8")


@pytest.fixture(params=["sqlite", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    if request.param == "sqlite":
        path = tmp_path / "service.db"
        s = Store("sqlite", Database(f"sqlite+aiosqlite:///{path}"), path, None, None)
    else:
        pg_url: str = request.getfixturevalue("pg_url")
        schema = f"p_{uuid.uuid4().hex[:8]}"
        setup = Database(pg_url)
        async with setup.transaction() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await setup.dispose()
        s = Store("postgres", Database(pg_url, schema=schema), None, pg_url, schema)
    await migrate(s.db, [CORE])
    yield s
    await s.db.dispose()


async def new_subject(vault: Vault, db: Database, *, expires_at: datetime | None = None) -> str:
    async with db.transaction() as conn:
        return await vault.create_subject(conn, expires_at=expires_at)


# --- encryption --------------------------------------------------------------------------------


async def test_encrypt_then_decrypt_in_another_process(store: Store) -> None:
    writer = store.vault()
    async with store.db.transaction() as conn:
        subject = await writer.create_subject(conn)
        id_token = await writer.encrypt(subject, ID, field="id_number", conn=conn)
        phone_token = await writer.encrypt(subject, PHONE, field="phone", conn=conn)
        name_token = await writer.encrypt(subject, NAME, field="name", conn=conn)
    assert token_subject(id_token) == subject
    reader = store.vault()  # nothing cached: the key comes from the table
    assert await reader.decrypt(id_token, field="id_number") == ID
    assert await reader.decrypt(phone_token, field="phone") == PHONE
    assert await reader.decrypt(name_token, field="name") == NAME
    with pytest.raises(TamperedToken):
        await reader.decrypt(id_token, field="phone")
    assert await reader.exists(subject)
    assert not await reader.exists(new_subject_id())


async def test_the_key_commits_with_the_event_or_not_at_all(store: Store) -> None:
    vault = store.vault()
    subject = new_subject_id()
    with pytest.raises(RuntimeError, match="handler failed"):
        async with store.db.transaction() as conn:
            await vault.create_subject(conn, subject_id=subject)
            await vault.encrypt(subject, ID, field="id_number", conn=conn)
            raise RuntimeError("handler failed")
    with pytest.raises(UnknownSubject):
        await store.vault().decrypt(await vault.encrypt(subject, ID, field="id_number"), field="id_number")


async def test_no_readable_personal_data_in_the_database(store: Store) -> None:
    vault = store.vault()
    case_id = str(uuid.uuid4())
    async with store.db.transaction() as conn:
        subject = await vault.create_subject(conn)
        petitioner = {
            "subject_id": subject,
            "name": await vault.encrypt(subject, NAME, field="name", conn=conn),
            "id_number": await vault.encrypt(subject, ID, field="id_number", conn=conn),
            "phone": await vault.encrypt(subject, PHONE, field="phone", conn=conn),
        }
        event = CloudEvent(
            id=str(uuid.uuid4()),
            source="/xinfang/intake",
            type="xinfang.intake.petitioner_recorded.v1",
            subject=case_id,
            time=NOW,
            data={"case_id": case_id, "petitioners": [petitioner]},
            sequence="0000000001",
        )
        await EventStore("xinfang.intake").append(conn, case_id, 0, [event], now=NOW)
        await record_access(conn, access(case_id, subject_id=subject), at=NOW)
    async with store.db.read() as conn:
        stored = (await conn.execute(select(events.c.envelope))).scalar_one()
    assert stored["data"]["petitioners"][0]["id_number"].startswith(f"pii:v1:{subject}:")
    raw = await store.all_text()
    assert subject.encode() in raw  # the search does see the tables
    for plain in (ID, ID[:6] + ID[6:14], PHONE, NAME):
        assert plain.encode("utf-8") not in raw, plain


async def test_a_tampered_stored_key_is_an_error_not_garbage(store: Store) -> None:
    vault = store.vault()
    subject = await new_subject(vault, store.db)
    token = await vault.encrypt(subject, ID, field="id_number")
    other = await new_subject(vault, store.db)
    async with store.db.transaction() as conn:  # paste another subject's wrapped key over this one
        wrapped = (
            await conn.execute(select(subject_keys.c.wrapped_key).where(subject_keys.c.subject_id == other))
        ).scalar_one()
        await conn.execute(
            subject_keys.update().where(subject_keys.c.subject_id == subject).values(wrapped_key=wrapped)
        )
    with pytest.raises(UnwrapFailed, match="does not unwrap"):
        await store.vault().decrypt(token, field="id_number")


# --- shredding ---------------------------------------------------------------------------------


async def test_shred_makes_one_subject_unreadable_and_leaves_the_others(store: Store) -> None:
    vault = store.vault()
    gone = await new_subject(vault, store.db)
    kept = await new_subject(vault, store.db)
    gone_token = await vault.encrypt(gone, ID, field="id_number")
    kept_token = await vault.encrypt(kept, "110105194912310021", field="id_number")

    assert await vault.shred(gone) is True
    assert await vault.shred(gone) is False  # idempotent
    assert await vault.decrypt(gone_token, field="id_number") is None
    assert await store.vault().decrypt(gone_token, field="id_number") is None
    assert await store.vault().decrypt(kept_token, field="id_number") == "110105194912310021"
    assert not await vault.exists(gone)
    with pytest.raises(SubjectShredded):
        await vault.encrypt(gone, ID, field="id_number")
    with pytest.raises(UnknownSubject):
        await vault.shred(new_subject_id())

    async with store.db.read() as conn:
        row = (await conn.execute(select(subject_keys).where(subject_keys.c.subject_id == gone))).one()
    assert row.wrapped_key is None
    assert row.shredded_at == NOW  # the tombstone stays


async def test_a_shred_reaches_other_processes_within_the_cache_ttl(store: Store) -> None:
    writer = store.vault()
    subject = await new_subject(writer, store.db)
    token = await writer.encrypt(subject, PHONE, field="phone")
    other = store.vault(cache_ttl_s=0.0)
    assert await other.decrypt(token, field="phone") == PHONE
    await writer.shred(subject)
    assert await other.decrypt(token, field="phone") is None


async def test_shred_in_the_callers_transaction(store: Store) -> None:
    vault = store.vault()
    subject = await new_subject(vault, store.db)
    token = await vault.encrypt(subject, PHONE, field="phone")
    with pytest.raises(RuntimeError):
        async with store.db.transaction() as conn:
            await vault.shred(subject, conn=conn)
            raise RuntimeError("rolled back")
    assert await store.vault().decrypt(token, field="phone") == PHONE


async def test_expire_due_shreds_only_expired_subjects(store: Store) -> None:
    clock = FixedClock(NOW)
    vault = store.vault(clock=clock, retention=timedelta(days=30))
    expired = await new_subject(vault, store.db, expires_at=NOW - timedelta(days=1))
    due_now = await new_subject(vault, store.db, expires_at=NOW)
    defaulted = await new_subject(vault, store.db)  # NOW + 30 days
    extended = await new_subject(vault, store.db, expires_at=NOW - timedelta(hours=1))
    async with store.db.transaction() as conn:
        await vault.retain_until(conn, extended, NOW + timedelta(days=365))
        await vault.retain_until(conn, defaulted, NOW + timedelta(days=1))  # never shortens
    tokens = {
        s: await vault.encrypt(s, ID, field="id_number") for s in (expired, due_now, defaulted, extended)
    }

    assert sorted(await vault.expire_due(batch_size=1)) == sorted([expired, due_now])
    assert await vault.expire_due() == []
    fresh = store.vault()
    assert await fresh.decrypt(tokens[expired], field="id_number") is None
    assert await fresh.decrypt(tokens[due_now], field="id_number") is None
    assert await fresh.decrypt(tokens[defaulted], field="id_number") == ID
    assert await fresh.decrypt(tokens[extended], field="id_number") == ID

    async with store.db.transaction() as conn:  # one batch in the caller's transaction
        assert await vault.expire_due(NOW + timedelta(days=31), conn=conn) == [defaulted]
    assert await store.vault().decrypt(tokens[defaulted], field="id_number") is None
    assert await vault.expire_due(NOW + timedelta(days=366)) == [extended]


# --- rotation ----------------------------------------------------------------------------------


async def test_rotation_rewraps_keys_and_the_old_master_key_can_go(store: Store) -> None:
    old = store.vault(RING_1)
    subjects = [await new_subject(old, store.db) for _ in range(5)]
    tokens = [await old.encrypt(s, ID, field="id_number") for s in subjects]
    await old.shred(subjects[0])
    assert await old.key_usage() == {"k1": 4}

    rotating = store.vault(RING_2_1)
    newer = await new_subject(rotating, store.db)  # new subjects use k2 at once
    assert await rotating.key_usage() == {"k1": 4, "k2": 1}
    assert await rotating.rewrap_all(batch_size=3) == 4
    assert await rotating.rewrap_all() == 0  # nothing left: safe to run again
    assert await rotating.key_usage() == {"k2": 5}

    rotated = store.vault(RING_2)  # k1 destroyed
    assert await rotated.decrypt(tokens[0], field="id_number") is None
    for token in tokens[1:]:
        assert await rotated.decrypt(token, field="id_number") == ID
    assert await rotated.decrypt(await rotating.encrypt(newer, PHONE, field="phone"), field="phone") == PHONE
    with pytest.raises(UnknownKeyId):  # the old ring alone no longer opens anything
        await store.vault(RING_1).decrypt(tokens[1], field="id_number")


# --- access log --------------------------------------------------------------------------------


def access(case_id: str, *, actor: str = "clerk-1", subject_id: str | None = None) -> AccessRecord:
    return AccessRecord(
        actor=actor,
        actor_unit="370703:petition_bureau",
        roles=("clerk",),
        case_id=case_id,
        fields=("phone", "id_number"),
        purpose="contact petitioner",
        endpoint="GET /cases/{case_id}/petitioners",
        subject_id=subject_id,
    )


async def test_access_log_round_trip_with_filters(store: Store) -> None:
    case_a, case_b = "case-a", "case-b"
    first = await log_access(store.db, access(case_a), at=NOW)
    await log_access(
        store.db, access(case_a, actor="handler-7", subject_id="s" * 32), at=NOW + timedelta(hours=1)
    )
    async with store.db.transaction() as conn:
        await record_access(conn, access(case_b), at=NOW + timedelta(hours=2))

    everything = await query_access(store.db)
    assert [row["case_id"] for row in everything] == [case_b, case_a, case_a]  # newest first
    oldest = everything[-1]
    assert oldest == {
        "id": first,
        "at": NOW,
        "actor": "clerk-1",
        "actor_unit": "370703:petition_bureau",
        "roles": ["clerk"],
        "case_id": case_a,
        "subject_id": None,
        "fields": ["id_number", "phone"],
        "purpose": "contact petitioner",
        "endpoint": "GET /cases/{case_id}/petitioners",
    }
    assert [r["actor"] for r in await query_access(store.db, case_id=case_a)] == ["handler-7", "clerk-1"]
    assert [r["case_id"] for r in await query_access(store.db, actor="clerk-1")] == [case_b, case_a]
    assert [r["actor"] for r in await query_access(store.db, subject_id="s" * 32)] == ["handler-7"]
    window = await query_access(store.db, since=NOW + timedelta(minutes=30), until=NOW + timedelta(hours=2))
    assert [r["actor"] for r in window] == ["handler-7"]
    assert len(await query_access(store.db, limit=1)) == 1
    assert await query_access(store.db, case_id=case_b, actor="handler-7") == []
    with pytest.raises(ValueError, match="limit"):
        await query_access(store.db, limit=0)


async def test_the_access_log_is_append_only(store: Store) -> None:
    await log_access(store.db, access("case-a"), at=NOW)
    for statement in ("UPDATE pii_access_log SET actor = 'someone-else'", "DELETE FROM pii_access_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with store.db.transaction() as conn:
                await conn.execute(text(statement))
    assert len(await query_access(store.db)) == 1


async def test_a_read_fails_when_its_access_log_row_cannot_be_written(store: Store, tmp_path: Path) -> None:
    if store.kind == "sqlite":
        unmigrated = Database(f"sqlite+aiosqlite:///{tmp_path / 'unmigrated.db'}")
    else:
        assert store.pg_url is not None
        schema = f"u_{uuid.uuid4().hex[:8]}"
        setup = Database(store.pg_url)
        async with setup.transaction() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await setup.dispose()
        unmigrated = Database(store.pg_url, schema=schema)
    try:
        with pytest.raises(AccessLogUnavailable, match="not shown"):
            await log_access(unmigrated, access("case-a"), at=NOW)
    finally:
        await unmigrated.dispose()


def test_access_records_are_validated_and_hold_no_values() -> None:
    with pytest.raises(ValueError, match="purpose"):
        AccessRecord(
            actor="a", actor_unit="u", roles=(), case_id="c", fields=("phone",), purpose=" ", endpoint="e"
        )
    with pytest.raises(ValueError, match="at least one field"):
        AccessRecord(actor="a", actor_unit="u", roles=(), case_id="c", fields=(), purpose="p", endpoint="e")
    record = AccessRecord(
        actor="a",
        actor_unit="u",
        roles=("handler", "clerk", "clerk"),
        case_id="c",
        fields=("phone",),
        purpose=f"called {PHONE} about id {ID}",
        endpoint="e",
    )
    assert PHONE not in record.purpose and ID not in record.purpose
    assert record.roles == ("clerk", "handler")
