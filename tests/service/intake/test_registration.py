"""POST /petitions: every channel, every field rejection, flags, case numbers and query codes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from services.intake.tables import petitions
from tests.service.intake.conftest import Intake
from tests.support.petitions import petition_body
from tests.unit.intake.idcards import make_id, with_wrong_check

CHANNELS = ["visit", "letter", "online", "hotline", "mailbox", "green_post", "leader_reception", "proxy"]


def person(n: int, **changes: Any) -> dict[str, Any]:
    return {"name": f"信访人{n}", "id_number": make_id("370703", "19700101", f"{100 + n:03d}"), "phone": f"1390536{n:04d}"} | changes


def errors_of(response: Any) -> set[tuple[str, str]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return {(e["field"], e["code"]) for e in response.json()["errors"]}


@pytest.mark.parametrize("channel", CHANNELS)
async def test_every_channel_registers(intake: Intake, channel: str) -> None:
    r = await intake.register(petition_body(channel=channel, petitioners=[person(1)]))
    assert r.status_code == 201, r.text
    body = r.json()
    assert set(body) >= {"case_id", "case_no", "query_code", "status", "flags", "warnings"}
    assert body["status"] == "open"
    assert r.headers["location"] == f"/petitions/{body['case_id']}"
    view = (await intake.client.get(f"/petitions/{body['case_id']}", headers=intake.headers("handler"))).json()
    assert view["channel"] == channel


async def test_a_15_character_legacy_id_number_is_accepted(intake: Intake) -> None:
    legacy = "370703630214451"  # 1963-02-14, sequence 451, no check digit
    r = await intake.register(petition_body(petitioners=[{"name": "高德顺", "id_number": legacy}]))
    assert r.status_code == 201, r.text


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"petitioners": [person(1, id_number=with_wrong_check(make_id()))]}, ("petitioners.0.id_number", "id_number_check_digit")),
        ({"petitioners": [person(1, id_number="37070319630214")]}, ("petitioners.0.id_number", "id_number_length")),
        ({"petitioners": [person(1, phone="1234")]}, ("petitioners.0.phone", None)),
        ({"petitioners": [person(1), person(2)], "headcount": 1}, ("headcount", "headcount_below_petitioners")),
        ({"received_at": "2026-11-21T10:00:00+08:00"}, ("received_at", "in_future")),
        ({"received_at": "2026-03-02T10:00:00"}, ("received_at", "timezone_required")),
        ({"received_by": "370799:petition_bureau"}, ("received_by", "unknown_unit")),
        ({"content": "   "}, ("content", "required")),
        ({"content": "长" * 20_001}, ("content", "too_long")),
        ({"title": ""}, ("title", "required")),
    ],
    ids=[
        "id-checksum",
        "id-length",
        "phone",
        "headcount",
        "future",
        "naive-time",
        "unknown-unit",
        "empty-content",
        "oversized-content",
        "empty-title",
    ],
)
async def test_field_errors_name_the_field_and_store_nothing(
    intake: Intake, change: dict[str, Any], expected: tuple[str, str | None]
) -> None:
    r = await intake.register(petition_body(**change))
    found = errors_of(r)
    field, code = expected
    assert any(f == field and (code is None or c == code) for f, c in found), found
    async with intake.app.state.runtime.db.read() as conn:
        assert (await conn.execute(select(petitions))).first() is None


async def test_error_messages_do_not_echo_what_was_sent(intake: Intake) -> None:
    bad_id = with_wrong_check(make_id("370703", "19630214", "451"))
    body = petition_body(
        received_by="370799:secret_unit", petitioners=[{"name": "高德顺", "id_number": bad_id, "phone": "99999"}]
    )
    r = await intake.register(body)
    text = r.text
    assert r.status_code == 422
    for value in (bad_id, "99999", "370799:secret_unit", "高德顺"):
        assert value not in text


async def test_a_collective_visit_with_more_than_five_representatives_is_warned_not_refused(intake: Intake) -> None:
    people = [person(i, representative=True) for i in range(6)]
    r = await intake.register(petition_body(channel="visit", petitioners=people, headcount=30))
    assert r.status_code == 201, r.text
    body = r.json()
    assert [w["code"] for w in body["warnings"]] == ["too_many_representatives"]
    assert {"collective", "large_collective"} <= set(body["flags"])


async def test_large_collective_depends_on_the_receiving_level(intake: Intake) -> None:
    """R11: more than 20 people is a large collective petition only when lodged at county level or above."""
    township = await intake.register(petition_body(received_by="370703004:township_government", headcount=25))
    county = await intake.register(petition_body(received_by="370703:petition_bureau", headcount=25))
    assert "large_collective" not in township.json()["flags"] and "collective" in township.json()["flags"]
    assert {"collective", "large_collective"} <= set(county.json()["flags"])


async def test_an_anonymous_letter_is_registered_with_a_warning(intake: Intake) -> None:
    r = await intake.register(petition_body(channel="letter", petitioners=[]))
    assert r.status_code == 201
    assert [w["code"] for w in r.json()["warnings"]] == ["anonymous"]


async def test_case_numbers_name_the_receiving_unit_and_never_collide_within_a_region(intake: Intake) -> None:
    bureau = await intake.register(petition_body(received_by="370703:petition_bureau"))
    department = await intake.register(petition_body(received_by="370703:natural_resources"))
    bureau2 = await intake.register(petition_body(received_by="370703:petition_bureau"))
    assert bureau.json()["case_no"] == "370703-2026-000001"
    assert department.json()["case_no"] == "370703ZR-2026-000001"
    assert bureau2.json()["case_no"] == "370703-2026-000002"


async def test_the_year_of_the_case_number_is_the_year_of_receipt_in_china(intake: Intake) -> None:
    # 2025-12-31 17:00 UTC is already 2026-01-01 in Weifang
    r = await intake.register(petition_body(received_at="2025-12-31T17:00:00+00:00"))
    assert r.json()["case_no"] == "370703-2026-000001"


async def test_concurrent_registrations_get_numbers_without_gaps_or_duplicates(intake: Intake) -> None:
    n = 25
    responses = await asyncio.gather(
        *(intake.register(petition_body(petitioners=[person(i)], title=f"事项{i}")) for i in range(n))
    )
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses if r.status_code != 201]
    numbers = sorted(int(r.json()["case_no"].rsplit("-", 1)[1]) for r in responses)
    assert numbers == list(range(1, n + 1))


async def test_the_query_code_is_returned_once_and_only_its_digest_is_stored(intake: Intake) -> None:
    r = await intake.register(petition_body())
    code = r.json()["query_code"]
    assert len(code) == 8
    async with intake.app.state.runtime.db.read() as conn:
        row = (await conn.execute(select(petitions))).mappings().one()
        events = (await conn.exec_driver_sql("SELECT envelope FROM events")).all()
    assert row["query_code"] is None and row["query_code_digest"] and code not in row["query_code_digest"]
    assert all(code not in str(e[0]) for e in events)


async def test_only_registering_roles_may_register(intake: Intake) -> None:
    body = petition_body()
    for roles, status in ((("handler",), 403), (("integration",), 201), (("admin",), 201), (("clerk",), 201)):
        r = await intake.client.post("/petitions", json=body, headers=intake.headers(*roles))
        assert r.status_code == status, (roles, r.text)
    assert (await intake.client.post("/petitions", json=body)).status_code == 401


async def test_urgent_is_suggested_from_the_text_and_confirmed_by_a_clerk(intake: Intake) -> None:
    body = petition_body(content="包工头拖欠工资半年，再不给钱我就从楼上跳下去，还要去北京上访。")
    r = await intake.register(body)
    created = r.json()
    assert "urgent_suggested" in created["flags"] and "urgent" not in created["flags"]
    assert {e["kind"] for e in created["urgent_suggestion"]} == {"extreme_act", "beijing"}
    confirm = await intake.client.post(
        f"/petitions/{created['case_id']}/urgent/confirm",
        json={"kinds": ["extreme_act", "beijing"], "note": "电话核实"},
        headers=intake.headers(),
    )
    assert confirm.status_code == 200, confirm.text
    assert "urgent" in confirm.json()["flags"]
    assert confirm.json()["recorded"] == ["xinfang.intake.urgent_confirmed.v1"]
    again = await intake.client.post(
        f"/petitions/{created['case_id']}/urgent/confirm", json={"kinds": ["beijing"]}, headers=intake.headers()
    )
    assert again.status_code == 409 and again.json()["rule"] == "S11"


async def test_unknown_urgent_kinds_are_refused(intake: Intake) -> None:
    case_id = (await intake.register(petition_body())).json()["case_id"]
    r = await intake.client.post(f"/petitions/{case_id}/urgent/confirm", json={"kinds": ["fire"]}, headers=intake.headers())
    assert r.status_code == 409 and r.json()["code"] == "invalid_urgent_kind"
