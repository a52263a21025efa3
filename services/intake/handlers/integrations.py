"""Integrations: API keys of connected systems (hotline, online portal) and Open311 tokens.

A key is shown once, when it is created; the table keeps its SHA-256 (keys are 256 random bits, so a
plain hash is enough to make a leaked table useless) and its first characters to tell keys apart.
Revoking sets ``revoked_at``; a revoked key is refused at once.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update

from services.intake import queries
from services.intake.context import Intake
from services.intake.tables import api_keys, open311_tokens

KEY_PREFIX = "xfk_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.strip().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ApiClient:
    """Who is calling with an API key."""

    key_id: str
    name: str
    system: str
    unit_id: str | None
    channel: str | None


@dataclass(frozen=True)
class CreatedKey:
    key_id: str
    api_key: str
    prefix: str
    created_at: datetime


async def create_key(
    intake: Intake, *, name: str, system: str, unit_id: str | None, channel: str | None, created_by: str
) -> CreatedKey:
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    key_id = str(uuid.uuid4())
    now = intake.now()
    async with intake.runtime.db.transaction() as conn:
        await conn.execute(
            api_keys.insert().values(
                key_id=key_id,
                name=name,
                system=system,
                unit_id=unit_id,
                channel=channel,
                key_hash=hash_key(key),
                key_prefix=key[:12],
                created_by=created_by,
                created_at=now,
            )
        )
    return CreatedKey(key_id, key, key[:12], now)


async def revoke_key(intake: Intake, key_id: str) -> bool:
    """True when the key existed (revoking twice is fine)."""
    async with intake.runtime.db.transaction() as conn:
        result = await conn.execute(
            update(api_keys)
            .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=intake.now())
        )
        if result.rowcount:
            return True
        found = await conn.scalar(api_keys.select().with_only_columns(api_keys.c.key_id).where(api_keys.c.key_id == key_id))
        return found is not None


async def verify_key(intake: Intake, key: str) -> ApiClient | None:
    if not key or not key.strip():
        return None
    row = await queries.api_key_by_hash(intake.runtime.db, hash_key(key))
    if row is None or row["revoked_at"] is not None:
        return None
    return ApiClient(row["key_id"], row["name"], row["system"], row["unit_id"], row["channel"])


async def issue_token(intake: Intake, case_id: str) -> str:
    """An Open311 token for a submitted request (``GET tokens/{token}.json`` answers its id)."""
    token = secrets.token_urlsafe(18)
    async with intake.runtime.db.transaction() as conn:
        await conn.execute(open311_tokens.insert().values(token=token, case_id=case_id, created_at=intake.now()))
    return token
