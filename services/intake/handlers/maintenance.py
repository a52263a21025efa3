"""Start-up upkeep of intake's read models."""

from __future__ import annotations

from sqlalchemy import select, update

from services.intake.context import Intake
from services.intake.tables import petitions


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
