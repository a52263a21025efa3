"""The clerk's side: material, corrections (a new event with a reason, never an edit), withdrawal,
abnormal petitions, the staff view; every change in the case's history at reporting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shared.clock import FixedClock
from shared.privacy.access_log import query_access
from shared.privacy.policy import SHREDDED
from shared.settings import Settings
from tests.service.intake.conftest import NOW, Intake
from tests.support.petitions import petition_body
from tests.support.system import auth, in_process, wait_until


async def case_of(intake: Intake, **fields: Any) -> dict[str, Any]:
    r = await intake.register(petition_body(**fields))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_add_material_once_per_material_id(intake: Intake) -> None:
    case = await case_of(intake)
    url = f"/petitions/{case['case_id']}/materials"
    body = {"material_id": "scan-001", "kind": "letter", "title": "来信原件扫描件", "media_type": "application/pdf"}
    first = await intake.client.post(url, json=body, headers=intake.headers())
    again = await intake.client.post(url, json=body, headers=intake.headers())
    assert first.status_code == 201 and first.json()["recorded"] == ["xinfang.intake.material_added.v1"]
    assert again.status_code == 201 and again.json()["recorded"] == []
    bad = await intake.client.post(url, json={"kind": "hologram", "title": "x"}, headers=intake.headers())
    assert bad.status_code == 409 and bad.json()["code"] == "invalid_material_kind"
    view = (await intake.client.get(f"/petitions/{case['case_id']}", headers=intake.headers("analyst"))).json()
    assert [m["material_id"] for m in view["materials"]] == ["scan-001"]


async def test_a_correction_is_a_new_event_with_the_old_value_and_a_reason(intake: Intake) -> None:
    case = await case_of(intake, headcount=3)
    url = f"/petitions/{case['case_id']}/corrections"
    r = await intake.client.post(url, json={"field": "headcount", "value": 8, "reason": "来访登记时漏记"}, headers=intake.headers())
    assert r.status_code == 200, r.text
    assert "collective" in r.json()["flags"]
    view = (await intake.client.get(f"/petitions/{case['case_id']}", headers=intake.headers())).json()
    assert view["headcount"] == 8
    assert view["corrections"][0] | {"corrected_at": None} == {
        "field": "headcount",
        "old_value": 3,
        "new_value": 8,
        "reason": "来访登记时漏记",
        "corrected_at": None,
        "by": "clerk-1",
    }


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"field": "headcount", "value": 8, "reason": " "}, 422, "required"),
        ({"field": "case_no", "value": "x", "reason": "r"}, 409, "field_not_correctable"),
        ({"field": "petitioners", "value": [], "reason": "r"}, 409, "field_not_correctable"),
        ({"field": "colour", "value": "x", "reason": "r"}, 409, "unknown_field"),
        ({"field": "received_at", "value": "2026-12-01T10:00:00+08:00", "reason": "r"}, 422, "in_future"),
        ({"field": "title", "value": "工地拖欠工资", "reason": "r"}, 409, "unchanged"),
    ],
)
async def test_corrections_that_are_refused(intake: Intake, body: dict[str, Any], status: int, code: str) -> None:
    case = await case_of(intake)
    r = await intake.client.post(f"/petitions/{case['case_id']}/corrections", json=body, headers=intake.headers())
    assert r.status_code == status, r.text
    problem = r.json()
    assert code in ({e["code"] for e in problem.get("errors", [])} | {problem.get("code")})


async def test_a_corrected_text_is_what_r12_compares_next(intake: Intake) -> None:
    person = {"name": "赵六", "phone": "13706361111"}
    case = await case_of(intake, received_at="2026-11-18T09:00:00+08:00", petitioners=[person], title="路灯", content="无关内容")
    text = petition_body()["content"]
    r = await intake.client.post(
        f"/petitions/{case['case_id']}/corrections",
        json={"field": "content", "value": text, "reason": "录入错误"},
        headers=intake.headers(),
    )
    assert r.status_code == 200
    second = await case_of(intake, received_at="2026-11-19T09:00:00+08:00", petitioners=[person], content=text)
    assert second["status"] == "merged" and second["repeat"]["original_case_id"] == case["case_id"]


async def test_withdraw_then_nothing_more_can_be_added(intake: Intake) -> None:
    case = await case_of(intake)
    r = await intake.client.post(f"/petitions/{case['case_id']}/withdraw", json={"reason": "已协商解决"}, headers=intake.headers())
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    again = await intake.client.post(f"/petitions/{case['case_id']}/withdraw", json={}, headers=intake.headers())
    assert again.status_code == 409 and again.json()["code"] == "closed"
    material = await intake.client.post(
        f"/petitions/{case['case_id']}/materials", json={"kind": "photo", "title": "照片"}, headers=intake.headers()
    )
    assert material.status_code == 409


async def test_abnormal_petitions_are_marked_by_a_clerk_with_what_happened(intake: Intake) -> None:
    case = await case_of(intake)
    url = f"/petitions/{case['case_id']}/abnormal"
    empty = await intake.client.post(url, json={"reason": ""}, headers=intake.headers())
    assert empty.status_code == 422
    r = await intake.client.post(url, json={"reason": "在天安门地区滞留"}, headers=intake.headers())
    assert r.status_code == 200 and "abnormal" in r.json()["flags"]
    view = (await intake.client.get(f"/petitions/{case['case_id']}", headers=intake.headers())).json()
    assert view["abnormal"][0]["reason"] == "在天安门地区滞留"


async def test_clerk_actions_need_the_clerk_role_and_reads_any_staff_role(intake: Intake) -> None:
    case = await case_of(intake)
    r = await intake.client.post(
        f"/petitions/{case['case_id']}/abnormal", json={"reason": "x"}, headers=intake.headers("handler")
    )
    assert r.status_code == 403
    for role in ("handler", "supervisor", "analyst", "admin"):
        assert (await intake.client.get(f"/petitions/{case['case_id']}", headers=intake.headers(role))).status_code == 200
    assert (await intake.client.get(f"/petitions/{case['case_id']}")).status_code == 401
    assert (await intake.client.get("/petitions/nope", headers=intake.headers())).status_code == 404


async def test_personal_data_is_sealed_in_events_and_shown_by_role_with_reads_logged(intake: Intake) -> None:
    case = await case_of(intake)
    runtime = intake.app.state.runtime
    async with runtime.db.read() as conn:
        stored = " ".join(str(r[0]) for r in (await conn.exec_driver_sql("SELECT envelope FROM events")).all())
        outbox = " ".join(str(r[0]) for r in (await conn.exec_driver_sql("SELECT envelope FROM outbox")).all())
    for secret in ("370703196302144519", "13905361234", "高里村"):
        assert secret not in stored and secret not in outbox
    assert "pii:v1:" in stored

    analyst = await intake.client.get(f"/petitions/by-number/{case['case_no']}", headers=intake.headers("analyst"))
    assert analyst.json()["case_id"] == case["case_id"]
    assert analyst.json()["petitioners"] == [
        {"name": "高**", "id_number": "370703********4519", "phone": "139****1234", "representative": False}
    ]
    assert await query_access(runtime.db, case_id=case["case_id"]) == []

    clerk = await intake.client.get(f"/petitions/{case['case_id']}", headers=intake.headers("clerk", sub="clerk-9"))
    assert clerk.json()["petitioners"] == [
        {"name": "高德顺", "id_number": "370703196302144519", "phone": "13905361234", "representative": False}
    ]
    handler = await intake.client.get(f"/petitions/{case['case_id']}", headers=intake.headers("handler", sub="h-1"))
    assert handler.json()["petitioners"][0]["id_number"] == "370703********4519"
    assert handler.json()["petitioners"][0]["phone"] == "13905361234"
    logged = await query_access(runtime.db, case_id=case["case_id"])
    assert {(r["actor"], tuple(r["fields"])) for r in logged} == {
        ("clerk-9", ("id_number", "name", "phone")),
        ("h-1", ("name", "phone")),
    }
    assert all(r["endpoint"] == "GET /petitions/{case_id}" for r in logged)


async def test_a_shredded_petitioner_shows_as_destroyed_and_the_case_stays(intake: Intake) -> None:
    case = await case_of(intake)
    runtime = intake.app.state.runtime
    async with runtime.db.read() as conn:
        events = (await runtime.store.load(conn, case["case_id"])).events
    subject = events[0].data["petitioners"][0]["subject_id"]
    await intake.app.state.intake.vault.shred(subject)
    view = (await intake.client.get(f"/petitions/{case['case_id']}", headers=intake.headers())).json()
    assert view["petitioners"][0]["id_number"] == SHREDDED and view["petitioners"][0]["phone"] == SHREDDED
    assert view["title"] == "工地拖欠工资"


async def test_every_change_is_in_the_history_at_reporting(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, relay_interval_ms=10, poll_interval_ms=10)
    headers = auth(settings)
    async with in_process(settings, clock=FixedClock(NOW)) as svc:
        case = (await svc["intake"].post("/petitions", json=petition_body(headcount=2), headers=headers)).json()
        url = f"/petitions/{case['case_id']}"
        await svc["intake"].post(url + "/materials", json={"kind": "letter", "title": "原信"}, headers=headers)
        await svc["intake"].post(
            url + "/corrections", json={"field": "headcount", "value": 6, "reason": "漏记"}, headers=headers
        )
        await svc["intake"].post(url + "/abnormal", json={"reason": "缠访闹访"}, headers=headers)
        await svc["intake"].post(url + "/withdraw", json={"reason": "撤回"}, headers=headers)
        wanted = {"material_added", "field_corrected", "marked_abnormal", "petition_withdrawn"}

        async def history() -> list[dict[str, Any]] | None:
            r = await svc["reporting"].get(f"/cases/{case['case_id']}/history", headers=headers)
            events = r.json() if r.status_code == 200 else []
            names = {e["type"].split(".")[2] for e in events}
            return events if wanted <= names else None

        events = await wait_until(history)
        corrected = next(e for e in events if e["type"] == "xinfang.intake.field_corrected.v1")
        assert corrected["data"]["old_value"] == 2 and corrected["data"]["new_value"] == 6
        assert corrected["actor"] == "clerk-1"


async def test_a_clerk_of_another_county_neither_reads_nor_changes_the_case(intake: Intake) -> None:
    case = await case_of(intake)
    other = intake.headers("clerk", sub="clerk-wc", unit="370702:petition_bureau")
    url = f"/petitions/{case['case_id']}"
    for r in (
        await intake.client.get(url, headers=other),
        await intake.client.get(f"/petitions/by-number/{case['case_no']}", headers=other),
        await intake.client.post(url + "/materials", json={"kind": "letter", "title": "x"}, headers=other),
        await intake.client.post(url + "/withdraw", json={"reason": "x"}, headers=other),
        await intake.client.post(url + "/query-code", headers=other),
    ):
        assert r.status_code == 404 and r.json()["type"].endswith("/case-not-found"), r.text
    # the same answer as for a case that does not exist (P3: existence is not revealed)
    missing = await intake.client.get("/petitions/00000000-0000-4000-8000-000000000000", headers=intake.headers())
    assert missing.json()["type"] == (await intake.client.get(url, headers=other)).json()["type"]
    city = intake.headers("clerk", sub="clerk-city", unit="370700:petition_bureau")
    assert (await intake.client.get(url, headers=city)).status_code == 200  # the city bureau's region
    assert (await intake.client.get(url, headers=intake.headers())).json()["status"] == "open"
