"""Keys intake uses for personal data: blind indexes of petitioners (R12) and query-code digests.

Blind indexes come from :mod:`shared.privacy.index` (``XINFANG_PII_INDEX_KEY``): the same petitioner
is found again by an HMAC of the normalised ID number or phone, never by the value itself. The query
code (查询码) is stored as ``query_code_digest`` under a key derived from the same index key for that
one purpose, so the code cannot be read back from the database either.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from services.intake.domain.case_numbers import query_code_digest
from services.intake.domain.drafts import PetitionerInput
from shared.privacy.index import BlindIndex, IndexKind
from shared.privacy.keys import index_key_from_settings
from shared.settings import Settings

_QUERY_CODE_PURPOSE = b"xinfang-intake-query-code:v1"


@dataclass(frozen=True)
class PetitionerKeys:
    """Blind indexes of one petitioner. ``primary`` follows R12: the ID number, else the phone."""

    id_key: str | None
    phone_key: str | None

    @property
    def primary(self) -> str | None:
        if self.id_key:
            return "id:" + self.id_key
        if self.phone_key:
            return "phone:" + self.phone_key
        return None

    def same_person(self, other: PetitionerKeys) -> bool:
        """R12: the same ID number when both have one; otherwise the same phone."""
        if self.id_key and other.id_key:
            return self.id_key == other.id_key
        return bool(self.phone_key) and self.phone_key == other.phone_key


@dataclass(frozen=True)
class IntakeKeys:
    index: BlindIndex
    query_code_key: bytes = field(repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> IntakeKeys:
        index_key = index_key_from_settings(settings)
        derived = hmac.new(index_key.key, _QUERY_CODE_PURPOSE, hashlib.sha256).digest()
        return cls(BlindIndex(index_key.key, development=index_key.development), derived)

    def petitioner(self, petitioner: PetitionerInput) -> PetitionerKeys:
        return PetitionerKeys(
            id_key=self._index("id_number", petitioner.id_number),
            phone_key=self._index("phone", petitioner.phone),
        )

    def query_code_digest(self, code: str) -> str:
        return query_code_digest(code, self.query_code_key)

    def _index(self, kind: IndexKind, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        try:
            return self.index.blind_index(kind, value)
        except ValueError:
            return None
