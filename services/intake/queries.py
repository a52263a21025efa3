"""Read queries on intake's read models and streams. Routers and handlers call these; no SQL elsewhere
outside ``projection.py`` and the handlers' own writes."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.domain.repeats import EarlierCase
from services.intake.domain.similarity import FINGERPRINT_VERSION, Fingerprint
from services.intake.keys import PetitionerKeys
from services.intake.tables import (
    api_keys,
    case_petitioners,
    case_progress,
    import_errors,
    imports,
    open311_tokens,
    petitions,
)
from shared.events.envelope import CloudEvent
from shared.scope.policy import Viewer
from shared.scope.queries import visible
from shared.store.db import Database
from shared.store.event_store import EventStore

log = logging.getLogger("xinfang.intake")

#: At most this many cases, the nearest in receipt time, are compared for a possible cluster (R12).
CLUSTER_SCAN_LIMIT = 1000


# --- registration ----------------------------------------------------------------------------------


async def existing_registration(
    conn: AsyncConnection, external_ref: dict[str, str] | None, idempotency_key: str | None
) -> RowMapping | None:
    """The case registered earlier with the same external reference or Idempotency-Key."""
    conditions = []
    if external_ref:
        conditions.append(
            and_(petitions.c.external_system == external_ref["system"], petitions.c.external_id == external_ref["id"])
        )
    if idempotency_key:
        conditions.append(petitions.c.idempotency_key == idempotency_key)
    for condition in conditions:
        row = (await conn.execute(select(petitions).where(condition))).mappings().first()
        if row is not None:
            return row
    return None


async def registered_external_refs(db: Database, refs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these external references are registered already (one query per 500)."""
    found: set[tuple[str, str]] = set()
    ids = sorted({ref_id for _system, ref_id in refs})
    async with db.read() as conn:
        for start in range(0, len(ids), 500):
            rows = await conn.execute(
                select(petitions.c.external_system, petitions.c.external_id).where(
                    petitions.c.external_id.in_(ids[start : start + 500])
                )
            )
            found.update((r.external_system, r.external_id) for r in rows)
    return found & set(refs)


@dataclass(frozen=True)
class StoredCase:
    """What R12 needs of a registered case: its read-model row and its petitioners' blind indexes."""

    case_id: str
    case_no: str | None
    fingerprint: Mapping[str, Any] | None
    received_at: datetime
    status: str
    replied_at: datetime | None
    review_opinion_at: datetime | None
    petitioners: tuple[PetitionerKeys, ...]


async def _petitioners_of(conn: AsyncConnection, case_ids: Sequence[str]) -> dict[str, list[PetitionerKeys]]:
    found: dict[str, list[PetitionerKeys]] = {}
    for start in range(0, len(case_ids), 500):
        rows = await conn.execute(
            select(case_petitioners.c.case_id, case_petitioners.c.id_key, case_petitioners.c.phone_key).where(
                case_petitioners.c.case_id.in_(case_ids[start : start + 500])
            )
        )
        for row in rows:
            found.setdefault(row.case_id, []).append(PetitionerKeys(row.id_key, row.phone_key))
    return found


_EARLIER_COLUMNS = (
    petitions.c.case_id,
    petitions.c.case_no,
    petitions.c.fingerprint,
    petitions.c.received_at,
    petitions.c.status,
    petitions.c.replied_at,
    petitions.c.review_opinion_at,
)


async def _stored(conn: AsyncConnection, query: Any) -> list[StoredCase]:
    rows = (await conn.execute(query)).all()
    theirs = await _petitioners_of(conn, [r.case_id for r in rows])
    return [
        StoredCase(
            case_id=r.case_id,
            case_no=r.case_no,
            fingerprint=r.fingerprint,
            received_at=r.received_at,
            status=r.status,
            replied_at=r.replied_at,
            review_opinion_at=r.review_opinion_at,
            petitioners=tuple(theirs.get(r.case_id, ())),
        )
        for r in rows
    ]


def as_earlier(case: StoredCase, ours: Sequence[PetitionerKeys]) -> EarlierCase | None:
    """A stored case as the domain sees it. Its keys are its petitioners' R12 keys, plus the key of each
    new petitioner who is the same person (so an ID-less hotline caller meets their own earlier visit)."""
    if not case.fingerprint or int(case.fingerprint.get("v", 0)) != FINGERPRINT_VERSION:
        log.warning("case without a current fingerprint skipped by R12", extra={"case_id": case.case_id})
        return None
    keys = {k.primary for k in case.petitioners if k.primary}
    keys |= {k.primary for k in ours if k.primary and any(k.same_person(t) for t in case.petitioners)}
    return EarlierCase(
        case_id=case.case_id,
        petitioner_keys=frozenset(keys),
        fingerprint=Fingerprint.from_json(case.fingerprint),
        received_at=case.received_at,
        status=case.status,  # type: ignore[arg-type]
        replied_at=case.replied_at,
        review_opinion_at=case.review_opinion_at,
        case_no=case.case_no,
    )


def repeat_candidates_among(stored: Iterable[StoredCase], ours: Sequence[PetitionerKeys]) -> list[EarlierCase]:
    """R12: the stored cases with a petitioner who is one of ``ours`` (ID number, else phone)."""
    found = []
    for case in stored:
        if not any(o.same_person(t) for o in ours for t in case.petitioners):
            continue  # shares a phone with somebody whose ID number differs: another person
        earlier = as_earlier(case, ours)
        if earlier is not None:
            found.append(earlier)
    return found


async def cases_of_petitioners(
    conn: AsyncConnection, ours: Sequence[PetitionerKeys], since: datetime
) -> list[StoredCase]:
    """Cases received since ``since`` with a petitioner sharing an ID number or a phone with ``ours``."""
    id_keys = sorted({k.id_key for k in ours if k.id_key})
    phone_keys = sorted({k.phone_key for k in ours if k.phone_key})
    conditions = []
    if id_keys:
        conditions.append(case_petitioners.c.id_key.in_(id_keys))
    if phone_keys:
        conditions.append(case_petitioners.c.phone_key.in_(phone_keys))
    if not conditions:
        return []
    ids = select(case_petitioners.c.case_id).where(or_(*conditions)).distinct()
    return await _stored(
        conn, select(*_EARLIER_COLUMNS).where(petitions.c.case_id.in_(ids), petitions.c.received_at >= since)
    )


async def repeat_candidates(
    conn: AsyncConnection, ours: Sequence[PetitionerKeys], since: datetime
) -> list[EarlierCase]:
    """R12: earlier cases (received since ``since``) with a petitioner who is one of ``ours``."""
    return repeat_candidates_among(await cases_of_petitioners(conn, ours, since), ours)


async def cluster_candidates(
    conn: AsyncConnection,
    ours: Sequence[PetitionerKeys],
    received_at: datetime,
    window: timedelta,
    *,
    limit: int = CLUSTER_SCAN_LIMIT,
) -> list[EarlierCase]:
    """R12: cases received within ``window`` of ``received_at`` (the nearest ``limit`` of them)."""
    stored = await _stored(
        conn,
        select(*_EARLIER_COLUMNS)
        .where(petitions.c.received_at >= received_at - window, petitions.c.received_at <= received_at + window)
        .order_by(petitions.c.received_at.desc())
        .limit(limit),
    )
    return [e for e in (as_earlier(c, ours) for c in stored) if e is not None]


async def case_row(conn: AsyncConnection, case_id: str) -> RowMapping | None:
    return (await conn.execute(select(petitions).where(petitions.c.case_id == case_id))).mappings().first()


# --- reads for the API -----------------------------------------------------------------------------


async def case_by_number(db: Database, case_no: str) -> RowMapping | None:
    """The case with this number, whoever asks (the petitioner's side checks the query code instead)."""
    async with db.read() as conn:
        return (await conn.execute(select(petitions).where(petitions.c.case_no == case_no))).mappings().first()


async def visible_case_id(
    db: Database, viewer: Viewer, *, case_id: str | None = None, case_no: str | None = None
) -> str | None:
    """The id of the case with this id or number, if the viewer may see it (P3, P2); else None, as for a
    case that does not exist."""
    query = select(petitions.c.case_id).where(visible(viewer, petitions.c.case_id))
    if case_id is not None:
        query = query.where(petitions.c.case_id == case_id)
    if case_no is not None:
        query = query.where(petitions.c.case_no == case_no)
    async with db.read() as conn:
        found = await conn.scalar(query.limit(1))
    return str(found) if found is not None else None


async def case_by_id(db: Database, case_id: str) -> RowMapping | None:
    async with db.read() as conn:
        return await case_row(conn, case_id)


async def case_events(db: Database, store: EventStore, case_id: str) -> list[CloudEvent]:
    async with db.read() as conn:
        return (await store.load(conn, case_id)).events


async def visible_case_ids(db: Database, viewer: Viewer, case_ids: Iterable[str]) -> set[str]:
    """Which of these cases the viewer may see (P3, P2)."""
    ids = sorted(set(case_ids))
    found: set[str] = set()
    async with db.read() as conn:
        for start in range(0, len(ids), 500):
            rows = await conn.execute(
                select(petitions.c.case_id).where(
                    petitions.c.case_id.in_(ids[start : start + 500]), visible(viewer, petitions.c.case_id)
                )
            )
            found.update(r.case_id for r in rows)
    return found


async def case_numbers(db: Database, case_ids: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    async with db.read() as conn:
        rows = await conn.execute(select(petitions.c.case_id, petitions.c.case_no).where(petitions.c.case_id.in_(ids)))
        return {r.case_id: r.case_no for r in rows}


async def progress_of(db: Database, case_id: str) -> list[dict[str, Any]]:
    async with db.read() as conn:
        rows = await conn.execute(
            select(case_progress).where(case_progress.c.case_id == case_id).order_by(case_progress.c.at)
        )
        return [dict(r) for r in rows.mappings()]


async def progress_of_many(db: Database, case_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    if not case_ids:
        return found
    async with db.read() as conn:
        for start in range(0, len(case_ids), 500):
            rows = await conn.execute(
                select(case_progress)
                .where(case_progress.c.case_id.in_(case_ids[start : start + 500]))
                .order_by(case_progress.c.at)
            )
            for row in rows.mappings():
                found.setdefault(row["case_id"], []).append(dict(row))
    return found


# --- integrations ----------------------------------------------------------------------------------


async def api_key_by_hash(db: Database, key_hash: str) -> RowMapping | None:
    async with db.read() as conn:
        return (await conn.execute(select(api_keys).where(api_keys.c.key_hash == key_hash))).mappings().first()


async def list_api_keys(db: Database) -> list[RowMapping]:
    async with db.read() as conn:
        rows = await conn.execute(select(api_keys).order_by(api_keys.c.created_at))
        return list(rows.mappings().all())


async def token_case(db: Database, token: str) -> RowMapping | None:
    async with db.read() as conn:
        return (
            await conn.execute(
                select(open311_tokens.c.token, petitions.c.case_no, petitions.c.submitter)
                .join(petitions, petitions.c.case_id == open311_tokens.c.case_id)
                .where(open311_tokens.c.token == token)
            )
        ).mappings().first()


async def submitted_requests(
    db: Database,
    *,
    submitter: str | None,
    case_nos: Sequence[str] = (),
    category: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    statuses: Sequence[str] = (),
    limit: int = 1000,
) -> list[RowMapping]:
    """Cases submitted through Open311, newest first. ``submitter`` None: every submitter (admin)."""
    query = select(petitions).where(petitions.c.submitter.is_not(None))
    if submitter is not None:
        query = query.where(petitions.c.submitter == submitter)
    if case_nos:
        query = query.where(petitions.c.case_no.in_(list(case_nos)))
    if category:
        query = query.where(petitions.c.category_hint == category)
    if start is not None:
        query = query.where(petitions.c.registered_at >= start)
    if end is not None:
        query = query.where(petitions.c.registered_at <= end)
    if statuses:
        query = query.where(petitions.c.status.in_(list(statuses)))
    async with db.read() as conn:
        rows = await conn.execute(query.order_by(petitions.c.registered_at.desc()).limit(limit))
        return list(rows.mappings().all())


# --- imports ---------------------------------------------------------------------------------------


async def get_import(db: Database, import_id: str, *, unit: str | None = None) -> dict[str, Any] | None:
    """The import job; with ``unit``, only if that unit submitted it (an import holds another unit's backlog)."""
    query = select(imports).where(imports.c.import_id == import_id)
    if unit is not None:
        query = query.where(imports.c.actor_unit == unit)
    async with db.read() as conn:
        row = (await conn.execute(query)).mappings().first()
        return dict(row) if row else None


async def import_error_rows(db: Database, import_id: str, *, offset: int = 0, limit: int = 1000) -> list[RowMapping]:
    async with db.read() as conn:
        rows = await conn.execute(
            select(import_errors.c.row, import_errors.c.field, import_errors.c.code, import_errors.c.message)
            .where(import_errors.c.import_id == import_id)
            .order_by(import_errors.c.row, import_errors.c.id)
            .offset(offset)
            .limit(limit)
        )
        return list(rows.mappings().all())


async def count_cases(db: Database) -> int:
    async with db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(petitions)) or 0)
