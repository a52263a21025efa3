"""Encryption of personal values per data subject, and crypto-shredding (P1, P4).

Each data subject (a petitioner, identified by a random id the service creates) gets a data key (DEK,
32 random bytes). The DEK is stored only wrapped — AES-256-GCM under the active master key of the
:class:`~shared.privacy.keys.KeyRing`, with its kid — in ``subject_keys`` of the service's own database.
Personal values are encrypted with the DEK into compact tokens::

    pii:v1:<subject_id>:<nonce, base64url>:<ciphertext and tag, base64url>

AES-256-GCM with a random 96-bit nonce; the associated data binds the token version, the subject and
the *field* name, so a ciphertext cannot be moved to another subject or another field (an ID number
pasted into the phone slot fails to decrypt instead of being shown as a phone). Tokens may travel in
events, on Kafka and in read models: neither the event tables, nor the Kafka log, nor the logs ever hold
a readable ID number (P1). The subject id in the token is a random pseudonym.

**Shredding** (:meth:`Vault.shred`, :meth:`Vault.expire_due` for the retention period, P4) deletes the
wrapped DEK and leaves a tombstone row. Every token of that subject, wherever it was copied, becomes
unreadable: :meth:`Vault.decrypt` returns ``None``, the API shows :data:`~shared.privacy.policy.SHREDDED`,
and the case history and statistics stay intact. Copies of the wrapped key outside the live row
(backups, PostgreSQL dead tuples before VACUUM, SQLite WAL frames) remain decryptable only with the
master key that wrapped them; rotating the master key (:meth:`Vault.rewrap_all`) and destroying the old
one closes that gap, so backup retention and master-key rotation should be planned together. On SQLite,
shredding also turns on ``secure_delete`` so the freed bytes in the database file are zeroed.

**Retention.** A subject created with :meth:`Vault.create_subject` expires ``XINFANG_PII_RETENTION_DAYS``
(default ten years, the shorter fixed term of the archive rules for agency records) after its creation; a service moves that later with :meth:`Vault.retain_until` when the petitioner's
case closes or the petitioner comes back (the period should run from the last case's end). A periodic
job calls :meth:`Vault.expire_due`.

**Whose keys.** ``subject_keys`` lives in the database of the service that created the subject (intake,
for petitioners): only that service can decrypt its tokens. Other services receive the tokens in events
and treat them as opaque (they match petitioners by blind index, :mod:`shared.privacy.index`), which
keeps personal data out of their databases altogether (P3).

**Transactions.** Creating a subject, encrypting for it and shredding take the caller's
``AsyncConnection`` so the key commits with the event that uses it; without one they open their own.

**Cache.** Unwrapped DEKs are cached in memory (LRU, bounded, with a time to live). A shred in this
process evicts at once; another process of the same service stops decrypting that subject's values
within ``cache_ttl_s``. A cached key of a subject whose creating transaction rolled back is harmless:
nothing durable refers to it. Python cannot reliably wipe memory; the cache bound limits what a memory
dump would show.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.clock import Clock, SystemClock
from shared.privacy.keys import KeyRing, key_ring_from_settings
from shared.privacy.tables import subject_keys
from shared.privacy.tokens import (
    TOKEN_PREFIX,
    MalformedToken,
    TamperedToken,
    UnwrapFailed,
    VaultError,
    check_subject_id,
    is_token,
    new_data_key,
    new_subject_id,
    open_token,
    parse_token,
    seal,
    token_subject,
    unwrap_key,
    wrap_key,
)
from shared.store.db import Database

if TYPE_CHECKING:
    from shared.settings import Settings

_log = logging.getLogger(__name__)

__all__ = [
    "TOKEN_PREFIX",
    "MalformedToken",
    "SubjectShredded",
    "TamperedToken",
    "UnknownSubject",
    "UnwrapFailed",
    "Vault",
    "VaultError",
    "is_token",
    "new_subject_id",
    "token_subject",
]


class UnknownSubject(VaultError, LookupError):
    """No key was ever created for this subject (neither live nor shredded)."""


class SubjectShredded(VaultError):
    """The subject's key was destroyed: nothing new can be encrypted for it."""


@dataclass(frozen=True)
class _Entry:
    dek: bytes | None  # None: shredded
    loaded_at: float


class _KeyCache:
    """Least-recently-used, bounded, entries older than ``ttl_s`` ignored."""

    def __init__(self, max_entries: int, ttl_s: float) -> None:
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._max = max_entries
        self._ttl = ttl_s

    def get(self, subject_id: str) -> _Entry | None:
        entry = self._entries.get(subject_id)
        if entry is None:
            return None
        if time.monotonic() - entry.loaded_at > self._ttl:
            del self._entries[subject_id]
            return None
        self._entries.move_to_end(subject_id)
        return entry

    def put(self, subject_id: str, dek: bytes | None) -> None:
        if self._max <= 0:
            return
        self._entries[subject_id] = _Entry(dek, time.monotonic())
        self._entries.move_to_end(subject_id)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def evict(self, subject_id: str) -> None:
        self._entries.pop(subject_id, None)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class Vault:
    """Per-subject data keys in one service database, and tokens made with them."""

    def __init__(
        self,
        db: Database,
        ring: KeyRing,
        *,
        retention: timedelta = timedelta(days=3650),
        clock: Clock | None = None,
        cache_size: int = 4096,
        cache_ttl_s: float = 60.0,
    ) -> None:
        if retention <= timedelta(0):
            raise ValueError("the retention period must be positive")
        self.db = db
        self.ring = ring
        self.retention = retention
        self.clock: Clock = clock or SystemClock()
        self._cache = _KeyCache(cache_size, cache_ttl_s)
        if ring.development:
            _log.warning(
                "personal data is encrypted under the public development key: "
                "set XINFANG_PII_KEYS before storing real data"
            )

    @classmethod
    def from_settings(cls, db: Database, settings: Settings, *, clock: Clock | None = None) -> Vault:
        return cls(
            db,
            key_ring_from_settings(settings),
            retention=timedelta(days=settings.pii_retention_days),
            clock=clock,
        )

    # --- connections -------------------------------------------------------------------------
    @asynccontextmanager
    async def _write(self, conn: AsyncConnection | None) -> AsyncIterator[AsyncConnection]:
        if conn is not None:
            yield conn
        else:
            async with self.db.transaction() as own:
                yield own

    @asynccontextmanager
    async def _read(self, conn: AsyncConnection | None) -> AsyncIterator[AsyncConnection]:
        if conn is not None:
            yield conn
        else:
            async with self.db.read() as own:
                yield own

    # --- subjects ----------------------------------------------------------------------------
    async def create_subject(
        self,
        conn: AsyncConnection,
        *,
        subject_id: str | None = None,
        expires_at: datetime | None = None,
    ) -> str:
        """Create the subject's data key in the caller's transaction; returns the subject id.

        ``expires_at`` defaults to now + the retention period (P4).
        """
        subject_id = subject_id or new_subject_id()
        check_subject_id(subject_id)
        now = self.clock.now()
        dek = new_data_key()
        kid = self.ring.active_kid
        wrapped = wrap_key(self.ring.key(kid), kid, subject_id, dek)
        await conn.execute(
            insert(subject_keys).values(
                subject_id=subject_id,
                kid=kid,
                wrapped_key=wrapped,
                created_at=now,
                expires_at=expires_at if expires_at is not None else now + self.retention,
                shredded_at=None,
            )
        )
        self._cache.put(subject_id, dek)
        return subject_id

    async def retain_until(self, conn: AsyncConnection, subject_id: str, until: datetime) -> None:
        """Keep the subject's data at least until ``until`` (never shortens; no-op once shredded)."""
        check_subject_id(subject_id)
        await conn.execute(
            update(subject_keys)
            .where(subject_keys.c.subject_id == subject_id, subject_keys.c.shredded_at.is_(None))
            .where((subject_keys.c.expires_at.is_(None)) | (subject_keys.c.expires_at < until))
            .values(expires_at=until)
        )

    async def exists(self, subject_id: str, *, conn: AsyncConnection | None = None) -> bool:
        """Whether the subject has a live key (False once shredded, or when never created)."""
        check_subject_id(subject_id)
        try:
            return await self._dek(subject_id, conn) is not None
        except UnknownSubject:
            return False

    # --- values ------------------------------------------------------------------------------
    async def encrypt(
        self, subject_id: str, plaintext: str, *, field: str, conn: AsyncConnection | None = None
    ) -> str:
        """A ``pii:v1`` token of ``plaintext`` for the subject's ``field`` (e.g. ``id_number``)."""
        check_subject_id(subject_id)
        dek = await self._dek(subject_id, conn)
        if dek is None:
            raise SubjectShredded(f"subject {subject_id} was shredded: its personal data cannot be stored")
        return seal(dek, subject_id, field, plaintext)

    async def decrypt(self, token: str, *, field: str, conn: AsyncConnection | None = None) -> str | None:
        """The plaintext, or ``None`` when the subject's key was shredded.

        Raises :class:`MalformedToken`, :class:`TamperedToken` (modified, or made for another field or
        subject) and :class:`UnknownSubject` — never returns garbage.
        """
        parsed = parse_token(token)
        dek = await self._dek(parsed.subject_id, conn)
        if dek is None:
            return None
        return open_token(dek, parsed, field)

    async def _dek(self, subject_id: str, conn: AsyncConnection | None) -> bytes | None:
        cached = self._cache.get(subject_id)
        if cached is not None:
            return cached.dek
        async with self._read(conn) as c:
            row = (
                await c.execute(
                    select(subject_keys.c.kid, subject_keys.c.wrapped_key).where(
                        subject_keys.c.subject_id == subject_id
                    )
                )
            ).first()
        if row is None:
            raise UnknownSubject(f"no data key was ever created for subject {subject_id}")
        dek = None if row.wrapped_key is None else self._unwrap(subject_id, row.kid, bytes(row.wrapped_key))
        self._cache.put(subject_id, dek)
        return dek

    def _unwrap(self, subject_id: str, kid: str, wrapped: bytes) -> bytes:
        return unwrap_key(self.ring.key(kid), kid, subject_id, wrapped)

    # --- shredding ---------------------------------------------------------------------------
    async def shred(self, subject_id: str, *, conn: AsyncConnection | None = None) -> bool:
        """Destroy the subject's key (P4). True if destroyed now, False if it already was."""
        check_subject_id(subject_id)
        self._cache.evict(subject_id)
        async with self._write(conn) as c:
            await self._secure_delete(c)
            result = await c.execute(
                update(subject_keys)
                .where(subject_keys.c.subject_id == subject_id, subject_keys.c.shredded_at.is_(None))
                .values(wrapped_key=None, shredded_at=self.clock.now())
            )
            found = (
                result.rowcount > 0
                or (
                    await c.execute(
                        select(subject_keys.c.subject_id).where(subject_keys.c.subject_id == subject_id)
                    )
                ).first()
                is not None
            )
        self._cache.evict(subject_id)  # again: a concurrent read may have cached it meanwhile
        if not found:
            raise UnknownSubject(f"no data key was ever created for subject {subject_id}")
        return result.rowcount > 0

    async def expire_due(
        self, now: datetime | None = None, *, conn: AsyncConnection | None = None, batch_size: int = 500
    ) -> list[str]:
        """Shred every subject whose retention ended at or before ``now`` (P4); their ids.

        With ``conn``: one batch of at most ``batch_size`` in the caller's transaction (so the caller can
        record an event per subject alongside); without: batches in their own transactions until none
        is left.
        """
        if batch_size <= 0:
            raise ValueError("batch_size must be positive")
        at = now or self.clock.now()
        if conn is not None:
            return await self._expire_batch(conn, at, batch_size)
        shredded: list[str] = []
        while True:
            async with self.db.transaction() as own:
                batch = await self._expire_batch(own, at, batch_size)
            for subject_id in batch:
                self._cache.evict(subject_id)  # again, after the commit
            shredded.extend(batch)
            if len(batch) < batch_size:
                return shredded

    async def _expire_batch(self, conn: AsyncConnection, at: datetime, limit: int) -> list[str]:
        due = [
            row.subject_id
            for row in await conn.execute(
                select(subject_keys.c.subject_id)
                .where(subject_keys.c.shredded_at.is_(None), subject_keys.c.expires_at <= at)
                .order_by(subject_keys.c.expires_at, subject_keys.c.subject_id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ]
        if not due:
            return []
        await self._secure_delete(conn)
        await conn.execute(
            update(subject_keys)
            .where(subject_keys.c.subject_id.in_(due), subject_keys.c.shredded_at.is_(None))
            .values(wrapped_key=None, shredded_at=self.clock.now())
        )
        for subject_id in due:
            self._cache.evict(subject_id)
        return due

    async def _secure_delete(self, conn: AsyncConnection) -> None:
        if conn.dialect.name == "sqlite":
            await conn.execute(text("PRAGMA secure_delete = ON"))

    # --- rotation ----------------------------------------------------------------------------
    async def rewrap_all(self, new_kid: str | None = None, *, batch_size: int = 500) -> int:
        """Re-wrap every live data key under ``new_kid`` (default: the active key); the count.

        No event and no token changes: only ``subject_keys`` rows. Runs in batches, each in its own
        transaction, and may be interrupted and run again.
        """
        if batch_size <= 0:
            raise ValueError("batch_size must be positive")
        kid = new_kid or self.ring.active_kid
        kek = self.ring.key(kid)
        done = 0
        while True:
            async with self.db.transaction() as conn:
                rows = (
                    await conn.execute(
                        select(subject_keys.c.subject_id, subject_keys.c.kid, subject_keys.c.wrapped_key)
                        .where(subject_keys.c.kid != kid, subject_keys.c.wrapped_key.is_not(None))
                        .order_by(subject_keys.c.subject_id)
                        .limit(batch_size)
                        .with_for_update(skip_locked=True)
                    )
                ).all()
                for row in rows:
                    dek = self._unwrap(row.subject_id, row.kid, bytes(row.wrapped_key))
                    wrapped = wrap_key(kek, kid, row.subject_id, dek)
                    result = await conn.execute(
                        update(subject_keys)
                        .where(
                            subject_keys.c.subject_id == row.subject_id,
                            subject_keys.c.kid == row.kid,
                            subject_keys.c.wrapped_key.is_not(None),
                        )
                        .values(kid=kid, wrapped_key=wrapped)
                    )
                    done += result.rowcount
            if len(rows) < batch_size:
                return done

    async def key_usage(self) -> dict[str, int]:
        """Live data keys per master kid: a kid may leave the ring once it is absent here."""
        async with self.db.read() as conn:
            rows = await conn.execute(
                select(subject_keys.c.kid, func.count())
                .where(subject_keys.c.wrapped_key.is_not(None))
                .group_by(subject_keys.c.kid)
            )
            return {str(kid): int(count) for kid, count in rows}

    def forget_cached_keys(self) -> None:
        """Drop every unwrapped data key held in memory."""
        self._cache.clear()
