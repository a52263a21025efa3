"""Use case: register a petition (DOMAIN.md §2 "every matter is registered").

One transaction allocates the case number (gap-free per receiving unit and year: the counter row is
updated in the same transaction, so a rolled-back registration gives its number back), records
``petition_registered`` with its outbox row, and writes the look-up row. Idempotency: the same
``external_ref`` or ``Idempotency-Key`` returns the case registered the first time, also when the
retries race (the unique constraints decide, the loser re-reads).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.api.schemas import PetitionIn
from services.intake.tables import case_number_sequences, petitions
from shared.events.catalogue.intake import PetitionRegistered
from shared.recorder import Actor, record
from shared.runtime import Runtime
from shared.store.event_store import ConcurrencyError

QUERY_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Registered:
    case_id: str
    case_no: str
    query_code: str
    status: str
    flags: list[str]
    created: bool  # False when an idempotent retry found the earlier registration


async def _existing(conn: AsyncConnection, cmd: PetitionIn, idempotency_key: str | None) -> Registered | None:
    conditions = []
    if cmd.external_ref is not None:
        conditions.append(
            (petitions.c.external_system == cmd.external_ref.system) & (petitions.c.external_id == cmd.external_ref.id)
        )
    if idempotency_key:
        conditions.append(petitions.c.idempotency_key == idempotency_key)
    for cond in conditions:
        row = (await conn.execute(select(petitions).where(cond))).first()
        if row is not None:
            return Registered(row.case_id, row.case_no, row.query_code, row.status, list(row.flags), False)
    return None


async def next_case_seq(conn: AsyncConnection, unit_id: str, year: int) -> int:
    """The next number in the receiving unit's yearly series, inside the caller's transaction."""
    result = await conn.execute(
        update(case_number_sequences)
        .where(case_number_sequences.c.unit_id == unit_id, case_number_sequences.c.year == year)
        .values(last=case_number_sequences.c.last + 1)
        .returning(case_number_sequences.c.last)
    )
    row = result.first()
    if row is not None:
        return int(row[0])
    await conn.execute(insert(case_number_sequences).values(unit_id=unit_id, year=year, last=1))
    return 1


def format_case_no(unit_id: str, year: int, seq: int) -> str:
    region = unit_id.split(":", 1)[0]
    return f"{region}-{year}-{seq:06d}"


def initial_flags(cmd: PetitionIn) -> list[str]:
    flags = []
    if cmd.headcount >= 5:
        flags.append("collective")
    if cmd.urgent:
        flags.append("urgent")
    return flags


async def register_petition(
    runtime: Runtime, cmd: PetitionIn, *, actor: Actor, idempotency_key: str | None = None
) -> Registered:
    for _attempt in range(5):
        try:
            async with runtime.db.transaction() as conn:
                found = await _existing(conn, cmd, idempotency_key)
                if found is not None:
                    return found
                year = cmd.received_at.year
                seq = await next_case_seq(conn, cmd.received_by, year)
                case_id = str(uuid.uuid4())
                case_no = format_case_no(cmd.received_by, year, seq)
                query_code = "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(8))
                flags = initial_flags(cmd)
                payload = PetitionRegistered(
                    case_id=case_id,
                    case_no=case_no,
                    channel=cmd.channel,
                    received_at=cmd.received_at,
                    received_by=cmd.received_by,
                    headcount=cmd.headcount,
                    title=cmd.title,
                    content=cmd.content,
                    place=cmd.place.model_dump(exclude_none=True),
                    category_hint=cmd.category,
                    accused_units=cmd.accused_units,
                    petitioners=[p.model_dump(exclude_none=True) for p in cmd.petitioners],
                    urgent=cmd.urgent,
                    leader_instructed=cmd.leader_instructed,
                    flags=flags,
                    external_ref=cmd.external_ref.model_dump() if cmd.external_ref else None,
                )
                await record(conn, runtime, case_id, 0, [payload], actor=actor)
                await conn.execute(
                    insert(petitions).values(
                        case_id=case_id,
                        case_no=case_no,
                        query_code=query_code,
                        channel=cmd.channel,
                        received_at=cmd.received_at,
                        received_by=cmd.received_by,
                        title=cmd.title,
                        status="registered",
                        flags=flags,
                        headcount=cmd.headcount,
                        external_system=cmd.external_ref.system if cmd.external_ref else None,
                        external_id=cmd.external_ref.id if cmd.external_ref else None,
                        idempotency_key=idempotency_key,
                        registered_at=runtime.clock.now(),
                    )
                )
                return Registered(case_id, case_no, query_code, "registered", flags, True)
        except (IntegrityError, ConcurrencyError):
            continue  # a racing retry or a racing number: read again
    raise RuntimeError("could not register the petition after 5 attempts")
