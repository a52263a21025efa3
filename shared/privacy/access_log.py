"""The personal-data access log: who read which personal data, when, for which case and why (P3).

One row per disclosure in clear: ``at``, ``actor`` (the token's ``sub``), ``actor_unit``, ``roles``,
``case_id``, ``subject_id`` (when known), ``fields`` (the *names* of the fields shown in clear — never
their values), ``purpose`` and ``endpoint`` (the route template, e.g. ``GET /cases/{case_id}``). The
table is append-only (the migration's triggers refuse UPDATE and DELETE); auditors read it with
:func:`query_access`.

**When a read is logged.** A read endpoint has no write transaction, so its log row is written in a
small transaction of its own, :func:`log_access`, *before* any value is decrypted or returned —
"log, then reveal":

.. code-block:: python

    entry = AccessRecord.for_principal(principal, case_id=case_id, fields=["phone"],
                                       purpose="contact petitioner", endpoint="GET /cases/{case_id}")
    await log_access(db, entry, at=clock.now())  # AccessLogUnavailable -> 503, nothing revealed
    phone = await vault.decrypt(token, field="phone")

If the log row cannot be written the caller gets :class:`AccessLogUnavailable` and must answer with an
error: a read never succeeds silently without its row. If the read fails *after* the row committed,
the log holds one row too many — an attempted disclosure, which auditors would rather see than miss.
A write use case that also returns personal data in clear calls :func:`record_access` with its own
connection, so the row commits with the change. Masked values are not disclosures and need no row.

On SQLite each logged read takes the database write lock briefly (``BEGIN IMMEDIATE``); it waits behind
other writers (busy timeout) rather than failing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.privacy.scrub import scrub
from shared.privacy.tables import pii_access_log
from shared.store.db import Database

MAX_QUERY_LIMIT = 1000
_LENGTHS = {"actor": 200, "actor_unit": 120, "case_id": 80, "subject_id": 64, "purpose": 200, "endpoint": 200}


class AccessLogUnavailable(RuntimeError):
    """The access log row could not be written: the read it guards must not happen (answer 503)."""


class PrincipalLike(Protocol):
    """What :meth:`AccessRecord.for_principal` reads (``shared.web.auth.Principal`` fits)."""

    @property
    def sub(self) -> str: ...

    @property
    def unit(self) -> str: ...

    @property
    def roles(self) -> Collection[str]: ...


@dataclass(frozen=True)
class AccessRecord:
    """One disclosure of personal data in clear."""

    actor: str
    actor_unit: str
    roles: tuple[str, ...]
    case_id: str
    fields: tuple[str, ...]
    purpose: str
    endpoint: str
    subject_id: str | None = None

    def __post_init__(self) -> None:
        for name, limit in _LENGTHS.items():
            value = getattr(self, name)
            if value is None and name == "subject_id":
                continue
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"an access record needs a non-empty {name}")
            if len(value) > limit:
                raise ValueError(f"an access record's {name} has at most {limit} characters")
        if not self.fields or not all(isinstance(f, str) and f for f in self.fields):
            raise ValueError("an access record names at least one field read")
        # defence in depth: free text must not smuggle a value into the log
        object.__setattr__(self, "purpose", scrub(self.purpose))
        object.__setattr__(self, "endpoint", scrub(self.endpoint))
        object.__setattr__(self, "roles", tuple(sorted(set(self.roles))))
        object.__setattr__(self, "fields", tuple(sorted(set(self.fields))))

    @classmethod
    def for_principal(
        cls,
        principal: PrincipalLike,
        *,
        case_id: str,
        fields: Iterable[str],
        purpose: str,
        endpoint: str,
        subject_id: str | None = None,
    ) -> AccessRecord:
        return cls(
            actor=principal.sub,
            actor_unit=principal.unit,
            roles=tuple(principal.roles),
            case_id=case_id,
            fields=tuple(fields),
            purpose=purpose,
            endpoint=endpoint,
            subject_id=subject_id,
        )


async def record_access(conn: AsyncConnection, record: AccessRecord, *, at: datetime) -> int:
    """Append the row in the caller's transaction; its id."""
    result = await conn.execute(
        insert(pii_access_log).values(
            at=at,
            actor=record.actor,
            actor_unit=record.actor_unit,
            roles=list(record.roles),
            case_id=record.case_id,
            subject_id=record.subject_id,
            fields=list(record.fields),
            purpose=record.purpose,
            endpoint=record.endpoint,
        )
    )
    key = result.inserted_primary_key
    return int(key[0]) if key is not None else 0


async def log_access(db: Database, record: AccessRecord, *, at: datetime) -> int:
    """Append the row in a transaction of its own, committed before this returns.

    Raises :class:`AccessLogUnavailable` when it cannot be written; the caller must then not reveal.
    """
    try:
        async with db.transaction() as conn:
            return await record_access(conn, record, at=at)
    except (SQLAlchemyError, OSError) as exc:
        raise AccessLogUnavailable(
            "the personal-data access log cannot be written, so the data is not shown"
        ) from exc


async def query_access(
    db: Database,
    *,
    case_id: str | None = None,
    actor: str | None = None,
    subject_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Rows matching every given filter, newest first; ``since`` inclusive, ``until`` exclusive."""
    if not 1 <= limit <= MAX_QUERY_LIMIT:
        raise ValueError(f"limit is between 1 and {MAX_QUERY_LIMIT}")
    t = pii_access_log
    query = select(t).order_by(t.c.at.desc(), t.c.id.desc()).limit(limit)
    if case_id is not None:
        query = query.where(t.c.case_id == case_id)
    if actor is not None:
        query = query.where(t.c.actor == actor)
    if subject_id is not None:
        query = query.where(t.c.subject_id == subject_id)
    if since is not None:
        query = query.where(t.c.at >= since)
    if until is not None:
        query = query.where(t.c.at < until)
    async with db.read() as conn:
        rows = (await conn.execute(query)).mappings().all()
    return [
        {
            "id": int(row["id"]),
            "at": row["at"],
            "actor": row["actor"],
            "actor_unit": row["actor_unit"],
            "roles": list(row["roles"]),
            "case_id": row["case_id"],
            "subject_id": row["subject_id"],
            "fields": list(row["fields"]),
            "purpose": row["purpose"],
            "endpoint": row["endpoint"],
        }
        for row in rows
    ]
