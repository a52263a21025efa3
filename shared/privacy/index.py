"""Blind indexes: find "the same petitioner" (R12) without storing an ID number or a phone in clear.

``blind_index(kind, value)`` is HMAC-SHA256, under ``XINFANG_PII_INDEX_KEY``, of the kind and the
*normalised* value (:mod:`shared.privacy.normalize`): ``370703630214451`` (15 digits),
``370703 19630214 451X`` and ``370703196302144519`` give one index when they are one person, and
``+86 139 0536 1234`` meets ``13905361234``. The kind is part of the message, so an ID number and a phone
that happen to share digits never collide.

Deterministic by design, which is what makes it searchable, and what it leaks:

- *equality*: whoever reads the indexes learns which records belong to the same person and how many
  there are (linkage and frequency), though not who that person is;
- *guessing with the key*: ID numbers (region × birth date × sequence) and mobiles (about 10^10) are
  small spaces, so anyone who holds the index key can compute the index of every candidate and invert
  the table. The index key is therefore as sensitive as the master keys: configuration only, never in
  a database, an event or a log. Without it, the index reveals nothing beyond equality.

An index is for lookups only; it is not a substitute for the encrypted value and may sit in events and
read models (it is not personal data in clear). Changing the index key changes every index: stored
ones must then be recomputed from decrypted values, so keep it stable.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Literal, get_args

from shared.privacy.keys import KEY_BYTES, index_key_from_settings
from shared.privacy.normalize import normalize_id_number, normalize_phone

if TYPE_CHECKING:
    from shared.settings import Settings

IndexKind = Literal["id_number", "phone"]
INDEX_KINDS: frozenset[str] = frozenset(get_args(IndexKind))
_DOMAIN = b"xinfang-blind-index:v1"


def canonical(kind: str, value: str) -> str:
    """The normalised value that is indexed."""
    if kind == "id_number":
        return normalize_id_number(value)
    if kind == "phone":
        return normalize_phone(value)
    raise ValueError(f"no blind index for {kind!r}: kinds are {sorted(INDEX_KINDS)}")


def blind_index(kind: str, value: str, *, key: bytes) -> str:
    """64 hex characters; equal for equal normalised values of one kind."""
    if len(key) != KEY_BYTES:
        raise ValueError(f"the index key has {KEY_BYTES} bytes")
    normalised = canonical(kind, value)
    if not normalised:
        raise ValueError(f"an empty {kind} has no blind index")
    message = b"|".join((_DOMAIN, kind.encode("ascii"), normalised.encode("utf-8")))
    return hmac.new(key, message, hashlib.sha256).hexdigest()


class BlindIndex:
    """:func:`blind_index` with the key bound: ``BlindIndex(key).blind_index("phone", "139...")``."""

    def __init__(self, key: bytes, *, development: bool = False) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"the index key has {KEY_BYTES} bytes")
        self._key = key
        #: True when the key is the public development key (it hides nothing).
        self.development = development

    @classmethod
    def from_settings(cls, settings: Settings) -> BlindIndex:
        key = index_key_from_settings(settings)
        return cls(key.key, development=key.development)

    def __repr__(self) -> str:
        return f"BlindIndex(development={self.development})"

    def blind_index(self, kind: IndexKind, value: str) -> str:
        return blind_index(kind, value, key=self._key)
