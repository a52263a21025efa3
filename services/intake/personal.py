"""Petitioners' personal data (P1): sealed before it enters an event, opened only for roles that need it.

At registration each petitioner with an ID number, a phone or an address becomes a data subject of the
vault (:mod:`shared.privacy.vault`, keys in intake's own database) and those three values are stored in
``petition_registered`` as ``pii:v1`` tokens: neither the event store, nor the outbox, nor the bus, nor
the other services ever hold them readable. The name stays readable in the event and is masked where
it is shown (reporting's history, intake's staff view for roles without the grant). R12 finds the same
petitioner through blind indexes computed before sealing (``keys.py``), never through these values.

Reading: the staff view opens the tokens for the fields the caller's roles may see in clear
(:mod:`shared.privacy.policy`) after writing the access-log row (P3: log, then reveal); everything else
is masked; an address is never shown (the policy grants it to nobody). A shredded subject (P4) shows
:data:`~shared.privacy.policy.SHREDDED`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake.domain.drafts import PetitionerInput
from shared.privacy.policy import present, visible_fields
from shared.privacy.tokens import is_token
from shared.privacy.vault import UnknownSubject, Vault

SEALED_FIELDS = ("id_number", "phone", "address")
SHOWN_FIELDS = ("name", "id_number", "phone")


async def seal_petitioners(
    conn: AsyncConnection, vault: Vault, petitioners: Sequence[PetitionerInput]
) -> tuple[dict[str, Any], ...]:
    """The petitioners as ``petition_registered`` keeps them, in the caller's transaction."""
    sealed = []
    for petitioner in petitioners:
        data = petitioner.as_dict()
        values = {f: str(data[f]).strip() for f in SEALED_FIELDS if data.get(f) and str(data[f]).strip()}
        if values:
            subject = await vault.create_subject(conn)
            data["subject_id"] = subject
            for name, value in values.items():
                data[name] = await vault.encrypt(subject, value, field=name, conn=conn)
        sealed.append(data)
    return tuple(sealed)


def fields_in_clear(petitioners: Sequence[Mapping[str, Any]], roles: Collection[str]) -> list[str]:
    """The fields this caller would see in clear (what an access-log row must name)."""
    allowed = visible_fields(roles)
    return sorted({f for p in petitioners for f in SHOWN_FIELDS if f in allowed and p.get(f)})


async def _open(vault: Vault, value: Any, field: str) -> tuple[str | None, bool]:
    """(plaintext, shredded). Values from before sealing was introduced are plaintext already."""
    if not isinstance(value, str) or not value:
        return None, False
    if not is_token(value):
        return value, False
    try:
        plain = await vault.decrypt(value, field=field)
    except UnknownSubject:
        return None, True
    return plain, plain is None


async def present_petitioners(
    vault: Vault, petitioners: Sequence[Mapping[str, Any]], roles: Collection[str]
) -> list[dict[str, Any]]:
    """What the staff view shows of each petitioner for these roles: clear, masked or nothing."""
    shown = []
    for petitioner in petitioners:
        person: dict[str, Any] = {"representative": bool(petitioner.get("representative"))}
        for field in SHOWN_FIELDS:
            value, shredded = await _open(vault, petitioner.get(field), field)  # masking needs the value too
            person[field] = present(field, value, roles, shredded=shredded)
        shown.append(person)
    return shown
