"""Blind indexes (R12 without plaintext): equal across formats, distinct across kinds and keys."""

from __future__ import annotations

import pytest

from shared.privacy.index import BlindIndex, blind_index, canonical
from shared.privacy.keys import development_key

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
INDEX = BlindIndex(KEY)


@pytest.mark.parametrize(
    "variant",
    [
        "370703196302144519",
        "370703630214451",
        "370703 19630214 4519",
        "370703-1963-0214-4519",
        "３７０７０３１９６３０２１４４５１９",
    ],
)
def test_id_numbers_in_every_format_meet(variant: str) -> None:
    assert INDEX.blind_index("id_number", variant) == INDEX.blind_index("id_number", "370703196302144519")


def test_lower_case_x_meets_upper_case() -> None:
    assert INDEX.blind_index("id_number", "11010519491231002x") == INDEX.blind_index(
        "id_number", "11010519491231002X"
    )


@pytest.mark.parametrize(
    "variant",
    [
        "13905361234",
        "+86 139 0536 1234",
        "+8613905361234",
        "0086 139-0536-1234",
        "86 13905361234",
        "139 0536 1234",
    ],
)
def test_mobiles_in_every_format_meet(variant: str) -> None:
    assert INDEX.blind_index("phone", variant) == INDEX.blind_index("phone", "13905361234")


def test_landlines_with_and_without_country_code_meet() -> None:
    assert INDEX.blind_index("phone", "+86 536 8123456") == INDEX.blind_index("phone", "0536-8123456")


def test_different_people_differ() -> None:
    assert INDEX.blind_index("id_number", "370703196302144519") != INDEX.blind_index(
        "id_number", "110105194912310021"
    )
    assert INDEX.blind_index("phone", "13905361234") != INDEX.blind_index("phone", "13905361235")


def test_kinds_never_collide() -> None:
    digits = "13905361234"
    assert blind_index("phone", digits, key=KEY) != blind_index("id_number", digits, key=KEY)


def test_the_key_matters_and_the_output_is_opaque() -> None:
    a = blind_index("phone", "13905361234", key=KEY)
    assert a != blind_index("phone", "13905361234", key=OTHER_KEY)
    assert len(a) == 64 and int(a, 16) >= 0
    assert "1390536" not in a


def test_unknown_kinds_and_empty_values_are_refused() -> None:
    with pytest.raises(ValueError, match="no blind index for 'name'"):
        blind_index("name", "高德顺", key=KEY)
    with pytest.raises(ValueError, match="empty"):
        blind_index("phone", " - ", key=KEY)
    with pytest.raises(ValueError, match="32 bytes"):
        BlindIndex(b"short")


def test_canonical_forms() -> None:
    assert canonical("id_number", "370703630214451") == "370703196302144519"
    assert canonical("phone", "+86 139 0536 1234") == "13905361234"


def test_the_repr_shows_no_key() -> None:
    index = BlindIndex(development_key("blind-index"), development=True)
    assert "development=True" in repr(index)
    assert development_key("blind-index").hex() not in repr(index)
