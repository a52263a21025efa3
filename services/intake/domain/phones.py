"""Phone numbers of petitioners: mainland mobiles and landlines with their area code (DOMAIN.md P1).

Accepted: ``13912345678``, ``+86 139 1234 5678``, ``86-13912345678``, ``0536-8123456``, ``05368123456``,
``(0536) 812 3456``, ``010-81234567``, ``+86 536 8123456``. Spaces, dashes, dots and brackets are ignored.
The canonical form is digits only: 11 for a mobile, the area code with its 0 and the local number for a
landline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shared.privacy.normalize import LANDLINE as _LANDLINE
from shared.privacy.normalize import MOBILE as _MOBILE
from shared.privacy.normalize import PHONE_SEPARATORS, fold, split_country_code


class PhoneError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Phone:
    kind: Literal["mobile", "landline"]
    number: str  # canonical digits
    area_code: str | None = None

    @property
    def display(self) -> str:
        if self.kind == "landline" and self.area_code:
            return f"{self.area_code}-{self.number[len(self.area_code) :]}"
        return self.number


def parse_phone(raw: str) -> Phone:
    """Check a phone number. Raises :class:`PhoneError`."""
    text, international = split_country_code(PHONE_SEPARATORS.sub("", fold(raw)))
    if not text.isdigit():
        raise PhoneError("phone_characters", "电话号码只能包含数字 / a phone number has digits only")
    if _MOBILE.fullmatch(text):
        return Phone(kind="mobile", number=text)
    if international and not text.startswith("0"):
        text = "0" + text  # +86 536 8123456: the trunk 0 is dropped after the country code
    landline = _LANDLINE.fullmatch(text)
    if landline:
        return Phone(kind="landline", number=text, area_code=landline.group(1))
    raise PhoneError(
        "phone_format",
        "请填写 11 位手机号或带区号的座机号（如 0536-8123456）/ a mobile number or a landline with its area code",
    )


def canonical_phone(raw: str) -> str | None:
    """Digits-only canonical form, or None when the number is not valid."""
    try:
        return parse_phone(raw).number
    except PhoneError:
        return None
