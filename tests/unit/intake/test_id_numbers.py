"""P1: resident ID numbers are checked against GB 11643 before a petition is registered."""

from __future__ import annotations

from datetime import date

import pytest

from services.intake.domain.id_numbers import IdNumberError, canonical_id_number, parse_id_number
from tests.unit.intake.idcards import id_ending_in_x, make_id, with_wrong_check

TODAY = date(2026, 3, 17)


def test_the_example_of_the_standard_is_valid() -> None:
    """GB 11643 Appendix: 11010519491231002X (Beijing Chaoyang, born 31 Dec 1949, check character X)."""
    parsed = parse_id_number("11010519491231002X", today=TODAY)
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.region_code == "110105"
    assert not parsed.legacy


def test_a_number_with_a_computed_check_digit_is_valid() -> None:
    number = make_id("370703", "19630214", "451")
    assert parse_id_number(number, today=TODAY).number == number


def test_check_character_x_accepted_in_either_case_and_with_spaces() -> None:
    number = id_ending_in_x()
    assert parse_id_number(number.lower(), today=TODAY).number == number
    assert parse_id_number(f"{number[:6]} {number[6:14]} {number[14:]}", today=TODAY).number == number


def test_full_width_digits_are_folded() -> None:
    number = make_id()
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in number)
    assert parse_id_number(full_width, today=TODAY).number == number


@pytest.mark.parametrize("position", [0, 7, 16])
def test_one_mistyped_digit_is_caught_by_the_check_digit(position: int) -> None:
    number = make_id("370783", "19800512", "279")
    digit = number[position]
    typo = number[:position] + str((int(digit) + 1) % 10) + number[position + 1 :]
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(typo, today=TODAY)
    # a typo in the date or region may fail an earlier check; it never passes
    assert caught.value.code in {"id_number_check_digit", "id_number_region", "id_number_birth_date"}


def test_wrong_check_digit_is_rejected() -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(with_wrong_check(make_id()), today=TODAY)
    assert caught.value.code == "id_number_check_digit"


def test_legacy_15_digit_number_is_accepted_and_upgraded() -> None:
    """The 15-digit card: 6 region + yymmdd (19yy) + 3 sequence, no check digit."""
    parsed = parse_id_number("370703630214451", today=TODAY)
    assert parsed.legacy
    assert parsed.birth_date == date(1963, 2, 14)
    assert parsed.number == make_id("370703", "19630214", "451")


def test_legacy_and_new_number_of_one_person_give_the_same_key() -> None:
    assert canonical_id_number("370703630214451") == canonical_id_number(make_id("370703", "19630214", "451"))


@pytest.mark.parametrize(
    "birth",
    ["19630230", "19631301", "19630000", "18991231"],
    ids=["30 February", "month 13", "day 0", "before 1900"],
)
def test_birth_date_must_be_a_real_date(birth: str) -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(make_id("370703", birth, "451"), today=TODAY)
    assert caught.value.code == "id_number_birth_date"


def test_legacy_number_with_impossible_date_is_rejected() -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_number("370703630230451", today=TODAY)
    assert caught.value.code == "id_number_birth_date"


def test_birth_date_in_the_future_is_rejected() -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(make_id("370703", "20260318", "451"), today=TODAY)
    assert caught.value.code == "id_number_birth_in_future"
    # born today is fine (a newborn's ID is issued at registration of birth)
    assert parse_id_number(make_id("370703", "20260317", "451"), today=TODAY)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("37070319630214451", "id_number_length"),
        ("3707031963021445190", "id_number_length"),
        ("37070319630214451A", "id_number_characters"),
        ("3707031963O214451X", "id_number_characters"),
        ("37070363021445X", "id_number_characters"),
        ("", "id_number_length"),
    ],
)
def test_malformed_numbers_are_rejected(raw: str, code: str) -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(raw, today=TODAY)
    assert caught.value.code == code


def test_unknown_province_code_is_rejected() -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(make_id("190703", "19630214", "451"), today=TODAY)
    assert caught.value.code == "id_number_region"
