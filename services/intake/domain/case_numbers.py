"""Case numbers (案件编号) people can read aloud, and query codes (查询码).

A case number is ``<receiving unit>-<year>-<sequence>``, e.g. ``370703-2026-000123``:

- the receiving unit is its region code (6 digits for a county and above, 9 for a township, 12 for a
  village), followed by a short letter code for the unit's kind unless it is the petition bureau, which
  receives most petitions: ``370703ZR-2026-000004`` was received by 寒亭区自然资源局,
  ``370783102XZ-2026-000017`` by 羊口镇人民政府. Every kind has its own code, so two units of one region
  never share a prefix and the prefix alone names the unit;
- the year of receipt (Asia/Shanghai);
- a sequence per receiving unit and year, from 1, without gaps (allocated in the service's database),
  at least 6 digits.

The query code is what the petitioner uses, with the case number, to follow the case and evaluate the
reply: 8 characters drawn with :mod:`secrets` from an alphabet without look-alikes (no 0/O, 1/I/L).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

#: unit kind (as in data/jurisdiction.yaml) → letters in the case number (pinyin initials)
KIND_CODES: dict[str, str] = {
    "petition_bureau": "",
    "government": "ZF",
    "township_government": "XZ",
    "village_committee": "CW",
    "natural_resources": "ZR",
    "housing_construction": "ZJ",
    "hr_social_security": "RS",
    "ecology_environment": "HB",
    "agriculture_rural": "NY",
    "civil_affairs": "MZ",
    "education": "JY",
    "health": "WJ",
    "medical_security": "YB",
    "market_regulation": "SJ",
    "transport": "JT",
    "public_security": "GA",
    "veterans": "TY",
    "political_legal": "ZFW",
    "discipline": "JW",
}

SEQUENCE_DIGITS = 6
_KIND_CODE = re.compile(r"[A-HJKMNP-Z]{0,4}")  # letters without I, L, O
_UNIT_ID = re.compile(r"(\d{6}(?:\d{3}){0,2}):([a-z][a-z_]*)")
_CASE_NO = re.compile(r"(\d{6}(?:\d{3}){0,2})([A-Z]{0,4})-(\d{4})-(\d+)")


class InvalidCaseNumber(ValueError):
    pass


@dataclass(frozen=True)
class CaseNumber:
    region_code: str
    kind: str
    year: int
    seq: int

    @property
    def unit_id(self) -> str:
        return f"{self.region_code}:{self.kind}"

    def __str__(self) -> str:
        return format_case_no(self.unit_id, self.year, self.seq)


def check_kind_codes(kind_codes: Mapping[str, str]) -> None:
    """Raise ValueError unless every kind has its own well-formed code (a deployment may extend the table)."""
    owners: dict[str, str] = {}
    for kind, code in kind_codes.items():
        if not _KIND_CODE.fullmatch(code):
            raise ValueError(f"kind code {code!r} of {kind!r}: up to 4 capitals without I, L or O")
        if code in owners:
            raise ValueError(f"kinds {owners[code]!r} and {kind!r} share the code {code!r}")
        owners[code] = kind


def format_case_no(unit_id: str, year: int, seq: int, *, kind_codes: Mapping[str, str] = KIND_CODES) -> str:
    """``370703:petition_bureau``, 2026, 123 → ``370703-2026-000123``."""
    match = _UNIT_ID.fullmatch(unit_id)
    if not match:
        raise ValueError(f"unit id {unit_id!r} is not <region code>:<kind>")
    region, kind = match.groups()
    if kind not in kind_codes:
        raise ValueError(f"no case-number code for unit kind {kind!r}")
    if not 2000 <= year <= 9999:
        raise ValueError(f"year {year} out of range")
    if seq < 1:
        raise ValueError("sequences start at 1")
    return f"{region}{kind_codes[kind]}-{year:04d}-{seq:0{SEQUENCE_DIGITS}d}"


def parse_case_no(text: str, *, kind_codes: Mapping[str, str] = KIND_CODES) -> CaseNumber:
    """The inverse of :func:`format_case_no`. Tolerates spaces, lower case and full-width characters."""
    cleaned = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()
    cleaned = re.sub(r"[—–_]", "-", cleaned)
    match = _CASE_NO.fullmatch(cleaned)
    if not match:
        raise InvalidCaseNumber(f"{text!r} is not a case number like 370703-2026-000123")
    region, code, year_text, seq_text = match.groups()
    kinds = {c: kind for kind, c in kind_codes.items()}
    if code not in kinds:
        raise InvalidCaseNumber(f"unknown unit code {code!r} in {text!r}")
    if len(seq_text) < SEQUENCE_DIGITS or (len(seq_text) > SEQUENCE_DIGITS and seq_text[0] == "0"):
        raise InvalidCaseNumber(f"sequence of {text!r} is not written in its usual width")
    year, seq = int(year_text), int(seq_text)
    if seq < 1 or year < 2000:
        raise InvalidCaseNumber(f"{text!r} has no such year or sequence")
    return CaseNumber(region_code=region, kind=kinds[code], year=year, seq=seq)


# --- query codes ---------------------------------------------------------------------------------

#: Digits and capitals without 0, O, 1, I, L: 31 symbols, 8 of them ≈ 39.6 bits.
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 8


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def normalize_query_code(text: str) -> str:
    """Upper case, full-width folded, spaces and dashes removed (``k7m2-x9pq`` → ``K7M2X9PQ``)."""
    return re.sub(r"[\s\-]+", "", unicodedata.normalize("NFKC", text)).upper()


def query_code_matches(given: str, expected: str) -> bool:
    """Compare a code typed by a petitioner with the stored one in constant time."""
    return hmac.compare_digest(
        normalize_query_code(given).encode("utf-8"), normalize_query_code(expected).encode("utf-8")
    )


def query_code_digest(code: str, key: bytes) -> str:
    """Keyed digest to store instead of the code (HMAC-SHA256, hex): a leaked table does not reveal codes."""
    return hmac.new(key, normalize_query_code(code).encode("utf-8"), hashlib.sha256).hexdigest()
