"""Resident ID numbers (公民身份号码, GB 11643-1999). DOMAIN.md P1.

18 characters: a 6-digit address code, the 8-digit birth date (YYYYMMDD), a 3-digit sequence and a check
digit (ISO 7064 MOD 11-2, where 10 is written ``X``). The 15-digit form issued before 1999 (6-digit
address, YYMMDD birth date in the 1900s, 3-digit sequence, no check digit) is still accepted and upgraded
to 18 characters, so one person has one key whichever card they show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.privacy.normalize import check_character, clean_id_number, upgrade_legacy

#: First two digits of the address code: provinces of GB/T 2260, with 71/81/82/83 for Taiwan, Hong Kong
#: and Macao. Permanent-residence cards of foreigners (2023 version) start with 9.
PROVINCE_CODES: frozenset[str] = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 "
    "71 81 82 83".split()
)
EARLIEST_BIRTH = date(1900, 1, 1)



class IdNumberError(ValueError):
    """Why a string is not a resident ID number. ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ResidentId:
    """A checked ID number, always in its 18-character form."""

    number: str
    region_code: str
    birth_date: date
    sequence: str
    legacy: bool  # written in the 15-digit form


#: full-width digits folded, spaces and dashes removed, ``x`` upper-cased (no legacy upgrade)
normalize_id_number = clean_id_number


def parse_id_number(raw: str, *, today: date) -> ResidentId:
    """Check an ID number. Raises :class:`IdNumberError` naming the first problem found."""
    number = normalize_id_number(raw)
    if len(number) == 15:
        if not number.isdigit():
            raise IdNumberError(
                "id_number_characters", "15 位身份证号只能是数字 / a 15-digit ID has digits only"
            )
        legacy = True
        birth_text = "19" + number[6:12]
        full = upgrade_legacy(number)
    elif len(number) == 18:
        if not (number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
            raise IdNumberError(
                "id_number_characters", "身份证号前 17 位为数字，末位为数字或 X / 17 digits then a digit or X"
            )
        legacy = False
        birth_text = number[6:14]
        full = number
    else:
        raise IdNumberError(
            "id_number_length", "身份证号应为 18 位（或旧版 15 位）/ an ID number has 18 (or 15) characters"
        )

    if not (number[:2] in PROVINCE_CODES or number[0] == "9"):
        raise IdNumberError("id_number_region", "身份证号地址码无效 / unknown address code")
    try:
        birth = date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:8]))
    except ValueError:
        raise IdNumberError(
            "id_number_birth_date", "身份证号中的出生日期不存在 / the birth date does not exist"
        ) from None
    if birth < EARLIEST_BIRTH:
        raise IdNumberError("id_number_birth_date", "身份证号中的出生日期不合理 / implausible birth date")
    if birth > today:
        raise IdNumberError(
            "id_number_birth_in_future", "身份证号中的出生日期晚于今天 / birth date in the future"
        )
    if not legacy and check_character(number[:17]) != number[17]:
        raise IdNumberError(
            "id_number_check_digit", "身份证号校验位不符，可能有输错的数字 / check digit does not match"
        )
    return ResidentId(
        number=full, region_code=full[:6], birth_date=birth, sequence=full[14:17], legacy=legacy
    )


def canonical_id_number(raw: str) -> str | None:
    """The 18-character form of a well-formed ID number (structure and check digit), else None.

    Used to build petitioner keys; it does not judge the birth date against today.
    """
    try:
        return parse_id_number(raw, today=date.max).number
    except IdNumberError:
        return None
