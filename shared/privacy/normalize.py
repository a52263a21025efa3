"""Canonical forms of ID numbers and phones, as the blind index and the masks see them (P1, R12).

The building blocks here (folding, separators, the GB 11643 check character, the legacy upgrade, the
country code, the mobile and landline shapes) are also what intake's validation
(``services/intake/domain/id_numbers.py``, ``phones.py``) is built from, so the two cannot drift.
They follow intake's parsing rules (full-width digits folded, separators dropped, ``x`` upper-cased,
15-digit IDs upgraded to 18 characters; phones as digits without the ``+86`` country code) but never
judge validity: a malformed value still gets a stable canonical form, so one person typed two ways
still meets themselves in the index.
"""

from __future__ import annotations

import re
import unicodedata

ID_SEPARATORS = re.compile(r"[\s\-]+")
PHONE_SEPARATORS = re.compile(r"[\s\-.()（）]+")
#: weight of position i is 2**(17-i) mod 11 (GB 11643, ISO 7064 MOD 11-2)
WEIGHTS: tuple[int, ...] = tuple(pow(2, 17 - i, 11) for i in range(17))
CHECK_CHARACTERS = "10X98765432"
MOBILE = re.compile(r"1[3-9]\d{9}")
#: 010 and 02x have 3-digit area codes (with the 0), all others 4; local numbers have 7 or 8 digits.
LANDLINE = re.compile(r"(0(?:10|2\d|[3-9]\d{2}))([2-9]\d{6,7})")


def fold(raw: str) -> str:
    """NFKC: full-width digits and letters become ASCII."""
    return unicodedata.normalize("NFKC", raw)


def check_character(first17: str) -> str:
    """The MOD 11-2 check character for 17 ASCII digits."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError("the check character needs exactly 17 digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def upgrade_legacy(number15: str) -> str:
    """The 18-character form of a 15-digit number: century 19 inserted, check character appended."""
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_character(first17)


def clean_id_number(raw: str) -> str:
    """Full-width folded, spaces and dashes removed, ``x`` upper-cased (no legacy upgrade)."""
    return ID_SEPARATORS.sub("", fold(raw)).upper()


def normalize_id_number(raw: str) -> str:
    """Upper-cased, separators removed; a 15-digit legacy number in its 18-character form."""
    number = clean_id_number(raw)
    if len(number) == 15 and number.isascii() and number.isdigit():
        return upgrade_legacy(number)
    return number


def split_country_code(text: str) -> tuple[str, bool]:
    """``text`` without a leading +86 / 0086 (or 86 before a mobile), and whether one was there."""
    if text.startswith("+86"):
        return text[3:], True
    if text.startswith("0086"):
        return text[4:], True
    if text.startswith("86") and len(text) == 13 and text[2] == "1":
        return text[2:], False
    return text, False


def normalize_phone(raw: str) -> str:
    """Digits only, without the country code; a landline keeps the trunk ``0`` of its area code."""
    text, international = split_country_code(PHONE_SEPARATORS.sub("", fold(raw)))
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    if international and digits and not digits.startswith("0") and not MOBILE.fullmatch(digits):
        digits = "0" + digits  # +86 536 8123456: the trunk 0 is dropped after the country code
    return digits


def is_mobile(digits: str) -> bool:
    return MOBILE.fullmatch(digits) is not None
