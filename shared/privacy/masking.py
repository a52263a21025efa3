"""Masks for personal values shown to roles that do not need them in clear (P1).

- ID numbers keep the 6-digit region code and the last 4 characters: ``370703********4519``. A
  15-digit legacy number is shown in its 18-character form, so one person masks the same way.
- Mobiles keep the first 3 and last 4 digits: ``139****1234`` (the ``+86`` prefix is dropped).
- Landlines keep the area code and the last 3 (7-digit local number) or 4 (8-digit) digits:
  ``0536-****456``, ``010-****5678``; a local number without area code keeps its last 2.
- Names keep the first character (usually the surname): ``高**``; one character becomes ``*``.

Every function takes ``None`` (returns ``None``) and any malformed input without raising; what it does
not recognise becomes :data:`OPAQUE`, which reveals nothing — not even the length.
"""

from __future__ import annotations

from shared.privacy.normalize import LANDLINE, is_mobile, normalize_id_number, normalize_phone

#: The mask of a value that is not recognisably an ID number or a phone.
OPAQUE = "****"


def _text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


def mask_id_number(value: str | None) -> str | None:
    """``370703196302144519`` -> ``370703********4519``."""
    if value is None:
        return None
    try:
        number = normalize_id_number(_text(value))
    except Exception:  # noqa: BLE001 - a mask never raises
        return OPAQUE
    if not number:
        return ""
    if (
        len(number) == 18
        and number.isascii()
        and number[:17].isdigit()
        and (number[17].isdigit() or number[17] == "X")
    ):
        return number[:6] + "*" * 8 + number[-4:]
    return OPAQUE


def mask_phone(value: str | None) -> str | None:
    """``13905361234`` -> ``139****1234``; ``0536-8123456`` -> ``0536-****456``."""
    if value is None:
        return None
    try:
        text = _text(value)
        digits = normalize_phone(text)
    except Exception:  # noqa: BLE001 - a mask never raises
        return OPAQUE
    if not text.strip():
        return ""
    if is_mobile(digits):
        return digits[:3] + "****" + digits[-4:]
    landline = LANDLINE.fullmatch(digits)
    if landline:
        area, local = landline.group(1), landline.group(2)
        keep = 4 if len(local) == 8 else 3
        return f"{area}-{'*' * (len(local) - keep)}{local[-keep:]}"
    if len(digits) in (7, 8) and digits[0] not in "01":
        return "*" * (len(digits) - 2) + digits[-2:]
    return OPAQUE


def mask_name(value: str | None) -> str | None:
    """``高德顺`` -> ``高**``."""
    if value is None:
        return None
    try:
        name = _text(value).strip()
    except Exception:  # noqa: BLE001 - a mask never raises
        return OPAQUE
    if not name:
        return ""
    if len(name) == 1:
        return "*"
    return name[0] + "*" * (len(name) - 1)
