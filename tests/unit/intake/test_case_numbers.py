"""Case numbers read aloud (DOMAIN.md §2) and query codes (查询码)."""

from __future__ import annotations

import re

import pytest

from services.intake.domain.case_numbers import (
    KIND_CODES,
    QUERY_CODE_ALPHABET,
    QUERY_CODE_LENGTH,
    CaseNumber,
    InvalidCaseNumber,
    check_kind_codes,
    format_case_no,
    new_query_code,
    normalize_query_code,
    parse_case_no,
    query_code_digest,
    query_code_matches,
)


def test_petition_bureau_case_number() -> None:
    assert format_case_no("370703:petition_bureau", 2026, 123) == "370703-2026-000123"


def test_other_units_carry_a_kind_code() -> None:
    assert format_case_no("370703:natural_resources", 2026, 4) == "370703ZR-2026-000004"
    assert format_case_no("370783102:township_government", 2026, 17) == "370783102XZ-2026-000017"
    assert format_case_no("370702006201:village_committee", 2026, 1) == "370702006201CW-2026-000001"


def test_two_units_of_one_region_never_share_a_prefix() -> None:
    prefixes = {format_case_no(f"370703:{kind}", 2026, 1) for kind in KIND_CODES}
    assert len(prefixes) == len(KIND_CODES)


def test_kind_code_table_is_unambiguous_and_has_no_look_alikes() -> None:
    check_kind_codes(KIND_CODES)
    assert not any(set(code) & set("ILO") for code in KIND_CODES.values())
    with pytest.raises(ValueError, match="share"):
        check_kind_codes({**KIND_CODES, "audit": "ZR"})


def test_sequence_grows_past_six_digits_without_wrapping() -> None:
    assert format_case_no("370703:petition_bureau", 2026, 1_234_567) == "370703-2026-1234567"


@pytest.mark.parametrize(
    ("unit", "year", "seq"),
    [
        ("370703:petition_bureau", 2026, 123),
        ("370783102:township_government", 2027, 999_999),
        ("000000:petition_bureau", 2026, 1),
    ],
)
def test_parse_inverts_format(unit: str, year: int, seq: int) -> None:
    parsed = parse_case_no(format_case_no(unit, year, seq))
    assert (parsed.unit_id, parsed.year, parsed.seq) == (unit, year, seq)
    assert str(parsed) == format_case_no(unit, year, seq)


def test_parse_tolerates_how_people_type_it() -> None:
    assert parse_case_no(" 370703zr－2026－000004 ") == CaseNumber("370703", "natural_resources", 2026, 4)


@pytest.mark.parametrize(
    "text",
    [
        "370703-2026-123",
        "370703-2026-0000123",
        "370703QQ-2026-000001",
        "3707-2026-000001",
        "370703-2026-000000",
        "abc",
    ],
)
def test_malformed_case_numbers_are_rejected(text: str) -> None:
    with pytest.raises(InvalidCaseNumber):
        parse_case_no(text)


@pytest.mark.parametrize(
    ("unit", "seq"), [("370703", 1), ("370703:unknown_kind", 1), ("370703:petition_bureau", 0)]
)
def test_format_refuses_what_it_cannot_number(unit: str, seq: int) -> None:
    with pytest.raises(ValueError):
        format_case_no(unit, 2026, seq)


def test_query_code_alphabet_has_no_look_alikes() -> None:
    assert not set("0O1IL") & set(QUERY_CODE_ALPHABET)
    assert len(set(QUERY_CODE_ALPHABET)) == len(QUERY_CODE_ALPHABET) == 31


def test_query_codes_are_8_characters_of_the_alphabet_and_vary() -> None:
    codes = {new_query_code() for _ in range(500)}
    assert all(re.fullmatch(f"[{QUERY_CODE_ALPHABET}]{{{QUERY_CODE_LENGTH}}}", code) for code in codes)
    assert len(codes) == 500
    # every symbol turns up: the draw covers the alphabet
    assert set("".join(codes)) == set(QUERY_CODE_ALPHABET)


def test_query_code_matches_what_the_petitioner_types() -> None:
    assert query_code_matches("k7m2-x9pq", "K7M2X9PQ")
    assert query_code_matches(" K7M2 X9PQ ", "K7M2X9PQ")
    assert not query_code_matches("K7M2X9PR", "K7M2X9PQ")
    assert not query_code_matches("", "K7M2X9PQ")
    assert normalize_query_code("ｋ７ｍ２ｘ９ｐｑ") == "K7M2X9PQ"


def test_query_code_digest_depends_on_the_key_and_not_on_typing() -> None:
    assert query_code_digest("k7m2-x9pq", b"key") == query_code_digest("K7M2X9PQ", b"key")
    assert query_code_digest("K7M2X9PQ", b"key") != query_code_digest("K7M2X9PQ", b"other")
    assert "K7M2X9PQ" not in query_code_digest("K7M2X9PQ", b"key")
