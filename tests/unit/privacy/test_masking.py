"""Masks (P1): the documented shapes, and nothing more revealed for odd input."""

from __future__ import annotations

import pytest

from shared.privacy.masking import OPAQUE, mask_id_number, mask_name, mask_phone

ID = "370703196302144519"


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        (ID, "370703********4519"),
        ("37070319630214451x", "370703********451X"),
        ("370703 19630214 4519", "370703********4519"),
        ("３７０７０３１９６３０２１４４５１９", "370703********4519"),  # full-width digits
        ("370703630214451", "370703********4519"),  # 15-digit legacy form, shown as 18
    ],
)
def test_id_numbers_keep_region_and_last_four(raw: str, masked: str) -> None:
    assert mask_id_number(raw) == masked


@pytest.mark.parametrize(
    "raw", ["1234", "3707031963021445", "37070319630214451Z", "abc", "３７", "370703196302144519123"]
)
def test_malformed_id_numbers_reveal_nothing(raw: str) -> None:
    assert mask_id_number(raw) == OPAQUE


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13905361234", "139****1234"),
        ("+86 139 0536 1234", "139****1234"),
        ("0086-139-0536-1234", "139****1234"),
        ("8613905361234", "139****1234"),
        ("0536-8123456", "0536-****456"),
        ("(0536) 812 3456", "0536-****456"),
        ("010-81234567", "010-****4567"),
        ("+86 536 8123456", "0536-****456"),
        ("8123456", "*****56"),
    ],
)
def test_phones(raw: str, masked: str) -> None:
    assert mask_phone(raw) == masked


@pytest.mark.parametrize("raw", ["12345", "110", "1390536", "phone me", "139053612345678", "+86"])
def test_malformed_phones_reveal_nothing(raw: str) -> None:
    assert mask_phone(raw) == OPAQUE


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("高德顺", "高**"), ("李四", "李*"), ("欧阳娜娜", "欧***"), ("王", "*"), ("  高德顺 ", "高**")],
)
def test_names_keep_the_first_character(raw: str, masked: str) -> None:
    assert mask_name(raw) == masked


def test_none_and_empty_pass_through() -> None:
    for mask in (mask_id_number, mask_phone, mask_name):
        assert mask(None) is None
        assert mask("") == ""
        assert mask("   ") == ""


def test_masks_never_raise_on_other_types() -> None:
    class Weird:
        def __str__(self) -> str:
            raise RuntimeError("no")

    assert mask_id_number(370703196302144519) == "370703********4519"  # type: ignore[arg-type]
    assert mask_phone(13905361234) == "139****1234"  # type: ignore[arg-type]
    for mask in (mask_id_number, mask_phone, mask_name):
        assert mask(Weird()) == OPAQUE  # type: ignore[arg-type]


def test_a_mask_never_contains_the_hidden_middle() -> None:
    assert "19630214" not in (mask_id_number(ID) or "")
    assert "0536" not in (mask_phone("13905361234") or "")
