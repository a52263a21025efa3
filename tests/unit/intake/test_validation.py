"""Field checks a clerk sees when registering a petition (DOMAIN.md §2, R11, D8, P1)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.intake.domain.drafts import PetitionDraft
from services.intake.domain.validation import Limits, ValidationResult, check_draft, validate_petition
from tests.unit.intake.builders import KNOWN_UNITS, NOW, draft, petitioner
from tests.unit.intake.idcards import make_id, with_wrong_check


def check(d: PetitionDraft, **kwargs: object) -> ValidationResult:
    return validate_petition(d, now=NOW, known_units=KNOWN_UNITS, **kwargs)  # type: ignore[arg-type]


def codes(result: ValidationResult) -> set[tuple[str, str]]:
    return {(e.field, e.code) for e in result.errors}


def test_a_complete_petition_passes() -> None:
    result = check(draft())
    assert result.ok
    assert result.errors == () and result.warnings == ()


def test_bad_id_number_is_reported_on_its_petitioner() -> None:
    d = draft(headcount=2, petitioners=(petitioner(0), petitioner(1, id_number=with_wrong_check(make_id()))))
    assert codes(check(d)) == {("petitioners.1.id_number", "id_number_check_digit")}


def test_future_birth_date_in_id_number_is_an_error() -> None:
    d = draft(petitioners=(petitioner(0, id_number=make_id("370703", "20270101", "123")),))
    assert codes(check(d)) == {("petitioners.0.id_number", "id_number_birth_in_future")}


def test_legacy_id_number_is_accepted() -> None:
    assert check(draft(petitioners=(petitioner(0, id_number="370703630214451"),))).ok


def test_bad_phone_is_reported_on_its_petitioner() -> None:
    d = draft(petitioners=(petitioner(0, phone="8123456"),))
    assert codes(check(d)) == {("petitioners.0.phone", "phone_format")}


def test_landline_with_area_code_is_accepted() -> None:
    assert check(draft(petitioners=(petitioner(0, phone="0536-8123456"),))).ok


def test_headcount_below_the_petitioners_listed_is_rejected() -> None:
    d = draft(headcount=2, petitioners=(petitioner(0), petitioner(1), petitioner(2)))
    assert codes(check(d)) == {("headcount", "headcount_below_petitioners")}


def test_headcount_of_zero_is_rejected() -> None:
    assert ("headcount", "headcount_too_small") in codes(check(draft(headcount=0, petitioners=())))


def test_the_same_person_twice_is_rejected() -> None:
    same = make_id("370703", "19700101", "100")
    d = draft(headcount=2, petitioners=(petitioner(0, id_number=same), petitioner(1, id_number=same)))
    assert codes(check(d)) == {("petitioners.1.id_number", "duplicate_petitioner")}


def test_a_petitioner_with_nothing_to_identify_them_is_rejected() -> None:
    d = draft(petitioners=(petitioner(0, name="", id_number=None, phone=None),))
    assert codes(check(d)) == {("petitioners.0", "empty_petitioner")}


def test_an_anonymous_letter_is_registered_with_a_warning() -> None:
    """Every matter is registered (§1), even without a petitioner; the clerk is told R12 cannot apply."""
    result = check(draft(channel="letter", petitioners=()))
    assert result.ok
    assert [w.code for w in result.warnings] == ["anonymous"]


def test_receipt_time_in_the_future_is_rejected_beyond_clock_skew() -> None:
    assert check(draft(received_at=NOW + timedelta(minutes=4))).ok
    assert codes(check(draft(received_at=NOW + timedelta(minutes=6)))) == {("received_at", "in_future")}


def test_backdated_receipt_time_is_accepted() -> None:
    """D8: paper records entered late keep their real receipt time."""
    assert check(draft(received_at=NOW - timedelta(days=200))).ok


def test_receipt_time_without_time_zone_is_rejected() -> None:
    d = draft(received_at=NOW.replace(tzinfo=None))
    assert codes(check(d)) == {("received_at", "timezone_required")}


@pytest.mark.parametrize("field", ["title", "content"])
def test_empty_title_or_content_is_rejected(field: str) -> None:
    assert codes(check(draft(**{field: "  \n "}))) == {(field, "required")}


def test_oversized_content_is_rejected_at_the_configured_limit() -> None:
    assert check(draft(content="字" * 20_000)).ok
    assert codes(check(draft(content="字" * 20_001))) == {("content", "too_long")}
    small = Limits(max_content_chars=100)
    assert codes(check(draft(content="字" * 101), limits=small)) == {("content", "too_long")}


def test_oversized_title_is_rejected() -> None:
    assert codes(check(draft(title="题" * 201))) == {("title", "too_long")}


def test_unknown_channel_is_rejected() -> None:
    assert codes(check(draft(channel="fax"))) == {("channel", "unknown_channel")}


def test_unknown_receiving_unit_is_rejected() -> None:
    assert codes(check(draft(received_by="370799:petition_bureau"))) == {("received_by", "unknown_unit")}


def test_check_draft_needs_no_directory() -> None:
    assert check_draft(draft(received_by="370799:petition_bureau"), now=NOW).ok


def test_collective_visit_with_more_than_five_representatives_is_a_warning() -> None:
    """R11: a group should send at most five representatives; registration goes on."""
    six = tuple(petitioner(n) for n in range(6))
    result = check(draft(headcount=30, petitioners=six))
    assert result.ok
    assert [(w.field, w.code) for w in result.warnings] == [("petitioners", "too_many_representatives")]


def test_representatives_marked_among_many_petitioners_are_what_counts() -> None:
    """Thirty registered, five of them marked as representatives: within R11. Six marked: a warning."""
    thirty = tuple(petitioner(n, representative=n < 5) for n in range(30))
    assert check(draft(headcount=30, petitioners=thirty)).warnings == ()
    six_marked = tuple(petitioner(n, representative=n < 6) for n in range(30))
    assert [w.code for w in check(draft(headcount=30, petitioners=six_marked)).warnings] == [
        "too_many_representatives"
    ]


def test_five_representatives_or_a_signed_letter_raise_no_warning() -> None:
    five = tuple(petitioner(n) for n in range(5))
    assert check(draft(headcount=30, petitioners=five)).warnings == ()
    six = tuple(petitioner(n) for n in range(6))
    assert check(draft(channel="letter", headcount=30, petitioners=six)).warnings == ()


def test_all_problems_are_reported_together() -> None:
    d = draft(channel="fax", title="", headcount=0, petitioners=(petitioner(0, phone="12"),))
    assert {field for field, _ in codes(check(d))} == {"channel", "title", "headcount", "petitioners.0.phone"}


def test_draft_from_a_request_body() -> None:
    body = {
        "channel": "hotline",
        "received_at": "2026-03-17T09:00:00+08:00",
        "received_by": "370703:petition_bureau",
        "petitioners": [{"name": "高德顺", "phone": "15435333163"}],
        "headcount": 1,
        "title": "标题",
        "content": "内容",
        "category": "land_resources",
        "accused_units": ["370703:government"],
    }
    d = PetitionDraft.from_mapping(body)
    assert d.category_hint == "land_resources"
    assert d.petitioners[0].id_number is None
    assert check(d).ok
    assert PetitionDraft.from_mapping({**body, "headcount": 0}).headcount == 0
