"""The personal-data access log for auditors (P3): ``GET /audit/access-log`` says who read which case's
personal data in clear, when, which fields and why. A masked view reveals nothing and leaves no row."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.service.intake.conftest import NOW, Intake
from tests.support.petitions import petition_body


async def _case(intake: Intake, **fields: Any) -> dict[str, Any]:
    r = await intake.register(petition_body(**fields))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_a_clerks_read_in_clear_is_shown_to_the_auditor_a_masked_read_is_not(intake: Intake) -> None:
    case = await _case(intake)
    url = f"/petitions/{case['case_id']}"
    clerk = await intake.client.get(url, headers=intake.headers("clerk", sub="clerk-li"))
    assert clerk.json()["petitioners"][0]["id_number"] == "370703196302144519"
    supervisor = await intake.client.get(url, headers=intake.headers("supervisor", sub="sup-wang"))
    assert supervisor.json()["petitioners"][0]["id_number"] == "370703********4519"

    auditor = intake.headers("auditor", sub="audit-1", unit="370700:petition_bureau")
    r = await intake.client.get("/audit/access-log", params={"case_id": case["case_id"]}, headers=auditor)
    assert r.status_code == 200, r.text
    [row] = r.json()
    assert (row["actor"], row["actor_unit"], row["roles"], row["case_id"]) == (
        "clerk-li",
        "370703:petition_bureau",
        ["clerk"],
        case["case_id"],
    )
    assert row["fields"] == ["id_number", "name", "phone"]  # the names of the fields, never their values
    assert row["purpose"] == "staff view of the case" and row["endpoint"] == "GET /petitions/{case_id}"
    assert datetime.fromisoformat(row["at"]) == NOW
    assert "370703196302144519" not in r.text and "13905361234" not in r.text and "高德顺" not in r.text
    by_actor = await intake.client.get("/audit/access-log", params={"actor": "sup-wang"}, headers=auditor)
    assert by_actor.json() == []  # the supervisor saw masked values only: nothing was revealed


async def test_filters_by_actor_and_time_and_admins_may_read_it_too(intake: Intake) -> None:
    first, second = await _case(intake), await _case(intake, title="另一件")
    await intake.client.get(f"/petitions/{first['case_id']}", headers=intake.headers("clerk", sub="clerk-li"))
    intake.clock.advance(timedelta(hours=1))
    await intake.client.get(f"/petitions/{second['case_id']}", headers=intake.headers("handler", sub="h-zhao"))
    admin = intake.headers("admin", sub="ops")
    everything = (await intake.client.get("/audit/access-log", headers=admin)).json()
    assert [r["actor"] for r in everything] == ["h-zhao", "clerk-li"]  # newest first
    since = (NOW + timedelta(minutes=30)).isoformat()
    later = await intake.client.get("/audit/access-log", params={"since": since}, headers=admin)
    assert [r["actor"] for r in later.json()] == ["h-zhao"]
    earlier = await intake.client.get("/audit/access-log", params={"until": since}, headers=admin)
    assert [r["actor"] for r in earlier.json()] == ["clerk-li"]
    assert [r["fields"] for r in later.json()] == [["name", "phone"]]
    limited = await intake.client.get("/audit/access-log", params={"limit": 1}, headers=admin)
    assert len(limited.json()) == 1


async def test_only_auditors_and_admins_read_the_log(intake: Intake) -> None:
    for role in ("handler", "clerk", "supervisor", "analyst", "integration"):
        r = await intake.client.get("/audit/access-log", headers=intake.headers(role))
        assert r.status_code == 403, role
    assert (await intake.client.get("/audit/access-log")).status_code == 401
    naive = await intake.client.get(
        "/audit/access-log", params={"since": "2026-11-20T10:00:00"}, headers=intake.headers("auditor")
    )
    assert naive.status_code == 422  # a time without its offset is ambiguous
    too_many = await intake.client.get("/audit/access-log", params={"limit": 5000}, headers=intake.headers("auditor"))
    assert too_many.status_code == 422
