"""P1: petitioners' phones — mainland mobiles and landlines with area code, separators tolerated."""

from __future__ import annotations

import pytest

from services.intake.domain.phones import PhoneError, canonical_phone, parse_phone


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("+8613912345678", "13912345678"),
        ("8613912345678", "13912345678"),
        ("0086 13912345678", "13912345678"),
        ("１９７５５８０５００９", "19755805009"),
    ],
)
def test_mobile_numbers(raw: str, canonical: str) -> None:
    phone = parse_phone(raw)
    assert phone.kind == "mobile"
    assert phone.number == canonical


@pytest.mark.parametrize(
    ("raw", "canonical", "display"),
    [
        ("0536-8123456", "05368123456", "0536-8123456"),
        ("05368123456", "05368123456", "0536-8123456"),
        ("(0536) 812 3456", "05368123456", "0536-8123456"),
        ("010-81234567", "01081234567", "010-81234567"),
        ("021 6123 4567", "02161234567", "021-61234567"),
        ("+86 536 8123456", "05368123456", "0536-8123456"),
    ],
)
def test_landlines_with_area_code(raw: str, canonical: str, display: str) -> None:
    phone = parse_phone(raw)
    assert phone.kind == "landline"
    assert phone.number == canonical
    assert phone.display == display


@pytest.mark.parametrize(
    "raw",
    [
        "12912345678",  # no mobile range starts with 12
        "1391234567",  # ten digits
        "139123456789",  # twelve digits
        "8123456",  # landline without area code
        "0536-0123456",  # local number cannot start with 0
        "0536-812345",  # local number too short
        "0536-812345678",  # too long
        "139-1234-567a",
        "",
    ],
)
def test_invalid_numbers_are_rejected(raw: str) -> None:
    with pytest.raises(PhoneError):
        parse_phone(raw)
    assert canonical_phone(raw) is None
