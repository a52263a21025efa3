"""Upkeep: start-up fixes of intake's read models, and the retention pass (P4)."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import select, update

from services.intake.context import Intake
from services.intake.tables import petitions

log = logging.getLogger("xinfang.intake.retention")


async def digest_legacy_query_codes(intake: Intake) -> int:
    """Cases registered before intake_0002 kept their query code in clear: keep only its digest."""
    async with intake.runtime.db.transaction() as conn:
        rows = (
            await conn.execute(select(petitions.c.case_id, petitions.c.query_code).where(petitions.c.query_code.is_not(None)))
        ).all()
        for row in rows:
            await conn.execute(
                update(petitions)
                .where(petitions.c.case_id == row.case_id)
                .values(query_code=None, query_code_digest=intake.keys.query_code_digest(row.query_code))
            )
    return len(rows)


#: How often intake looks for petitioners whose retention period has ended (P4).
RETENTION_CHECK_INTERVAL_S = 3600.0


async def shred_expired(intake: Intake) -> int:
    """P4: destroy the keys of every petitioner whose retention ended; history and statistics stay."""
    shredded = await intake.vault.expire_due()
    if shredded:
        log.info("personal data past retention made unreadable", extra={"subjects": len(shredded)})
    return len(shredded)


async def run_retention(intake: Intake, stop: asyncio.Event, interval_s: float = RETENTION_CHECK_INTERVAL_S) -> None:
    while not stop.is_set():
        try:
            await shred_expired(intake)
        except Exception:
            log.exception("retention pass failed; trying again at the next interval")
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval_s)
        except TimeoutError:
            pass
