"""POST /routing/preview: the decision the router would make for a petition body, nothing stored."""

from __future__ import annotations

from tests.service.routing.conftest import LAND, NATURAL_RESOURCES, Desk, problem
from tests.support.petitions import petition_body


async def test_preview_answers_the_decision_with_its_reasons_and_stores_nothing(desk: Desk) -> None:
    before = await desk.stored_events()
    r = await desk.routing.post("/routing/preview", json=petition_body(**LAND), headers=desk.clerk)
    assert r.status_code == 200, r.text
    decision = r.json()
    assert {k: decision[k] for k in ("category", "region_code", "unit_id", "disposition", "flags")} == {
        "category": "land_resources",
        "region_code": "370703004201",
        "unit_id": NATURAL_RESOURCES,
        "disposition": "forwarded",
        "flags": [],
    }
    assert decision["category_confidence"] >= 0.6
    assert decision["explanation"][0].startswith("R1 类别：国土资源")
    assert decision["why"][:3] == [
        "类别：国土资源（依据：取土、耕地、挖坏耕地、大坑）",
        "地点：寒亭区高里街道高里村（来自地址和正文）",
        "R3：由寒亭区自然资源局主管（国土资源类事项按属地由主管部门办理）",
    ]
    assert {e["word"] for e in decision["evidence"]} >= {"取土", "耕地"}
    assert decision["directory_version"] and decision["vocabulary_version"]
    assert await desk.stored_events() == before
    inbox = await desk.routing.get(f"/units/{NATURAL_RESOURCES}/inbox", headers=desk.handler(NATURAL_RESOURCES))
    assert inbox.json() == []


async def test_a_collective_level_skipping_petition_is_assigned_and_names_who_is_told(desk: Desk) -> None:
    body = petition_body(**LAND, received_by="370000:petition_bureau", headcount=25)
    decision = (await desk.routing.post("/routing/preview", json=body, headers=desk.clerk)).json()
    assert (decision["unit_id"], decision["disposition"]) == (NATURAL_RESOURCES, "assigned")
    assert set(decision["flags"]) == {"collective", "large_collective", "level_skipping"}
    assert "标记：集体访、大规模集体访（超过20人）、越级访" in decision["why"]


async def test_a_body_that_is_not_a_petition_is_a_422_problem_naming_the_field(desk: Desk) -> None:
    r = await desk.routing.post("/routing/preview", json={"title": "没有受理单位"}, headers=desk.clerk)
    body = problem(r, 422)
    assert [e["field"] for e in body["errors"]] == ["received_by"]

    r = await desk.routing.post(
        "/routing/preview", json=petition_body(received_by="999999:petition_bureau"), headers=desk.clerk
    )
    body = problem(r, 422)
    assert body["errors"][0]["field"] == "received_by" and "999999" in body["detail"]


async def test_a_handler_may_not_preview(desk: Desk) -> None:
    r = await desk.routing.post("/routing/preview", json=petition_body(**LAND), headers=desk.handler(NATURAL_RESOURCES))
    problem(r, 403)
