"""Keeping intake's ``petitions`` and ``case_petitioners`` rows in step with the streams.

Called by the handlers in the transaction that appends the events, with the state folded from them, so
a row is never ahead of or behind its stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.domain.petition import PetitionState
from services.intake.domain.similarity import Fingerprint, fingerprint
from services.intake.keys import PetitionerKeys
from services.intake.tables import case_petitioners, petitions


def _dates(state: PetitionState) -> dict[str, Any]:
    return {
        "status": state.status,
        "flags": sorted(state.flags),
        "version": state.version,
        "headcount": state.headcount,
        "title": state.title[:200],
        "channel": state.channel,
        "received_at": state.received_at,
        "category_hint": state.category_hint,
        # R12 and D4/D5 count from when the petitioner received the reply / the review opinion
        "replied_at": state.reply_delivered_at or state.replied_at,
        "review_opinion_at": state.review_opinion_delivered_at or state.review_opinion_at,
        "terminated_at": state.terminated_at,
        "repeat_of": state.repeat_of,
        "merged_into": state.merged_into,
    }


def case_rows(
    state: PetitionState,
    *,
    query_code_digest: str,
    print_: Fingerprint,
    petitioner_keys: Sequence[PetitionerKeys],
    external_ref: dict[str, str] | None,
    idempotency_key: str | None,
    request_digest: str | None,
    submitter: str | None,
    now: datetime,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The ``petitions`` row and the ``case_petitioners`` rows of a newly registered case."""
    row = {
        "case_id": state.case_id,
        "case_no": state.case_no,
        "query_code": None,
        "query_code_digest": query_code_digest,
        "received_by": state.received_by,
        "external_system": external_ref["system"] if external_ref else None,
        "external_id": external_ref["id"] if external_ref else None,
        "idempotency_key": idempotency_key,
        "request_digest": request_digest,
        "submitter": submitter,
        "registered_at": now,
        "updated_at": now,
        "fingerprint": print_.to_json(),
        **_dates(state),
    }
    people = [
        {"case_id": state.case_id, "position": i, "id_key": k.id_key, "phone_key": k.phone_key}
        for i, k in enumerate(petitioner_keys)
        if k.id_key or k.phone_key
    ]
    return row, people


async def insert_cases(
    conn: AsyncConnection, rows: Sequence[dict[str, Any]], people: Sequence[dict[str, Any]]
) -> None:
    """Insert the rows :func:`case_rows` made (one statement per table)."""
    if rows:
        await conn.execute(insert(petitions), list(rows))
    if people:
        await conn.execute(insert(case_petitioners), list(people))


async def update_case(
    conn: AsyncConnection,
    state: PetitionState,
    *,
    now: datetime,
    refingerprint: bool = False,
    query_code_digest: str | None = None,
) -> None:
    values = {**_dates(state), "updated_at": now}
    if refingerprint:
        values["fingerprint"] = fingerprint(state.title, state.content).to_json()
    if query_code_digest is not None:
        values["query_code_digest"] = query_code_digest
    await conn.execute(update(petitions).where(petitions.c.case_id == state.case_id).values(**values))
