"""The consumer routes every registered petition, and anyone whose scope holds the case can ask "why here?"."""

from __future__ import annotations

from tests.service.routing.conftest import BUREAU, LAND, NATURAL_RESOURCES, VAGUE, Desk, problem


async def test_a_registered_petition_is_routed_to_the_competent_unit_with_why_here(desk: Desk) -> None:
    case_id, a = await desk.routed(**LAND)
    assert (a["category"], a["category_name"], a["unit_id"], a["unit_name"], a["disposition"]) == (
        "land_resources",
        "国土资源",
        NATURAL_RESOURCES,
        "寒亭区自然资源局",
        "forwarded",
    )
    assert a["region_code"] == "370703004201" and a["place_name"] == "寒亭区高里街道高里村"
    assert a["why"] == [
        "类别：国土资源（依据：取土、耕地、挖坏耕地、大坑）",
        "地点：寒亭区高里街道高里村（来自地址和正文）",
        "R3：由寒亭区自然资源局主管（国土资源类事项按属地由主管部门办理）",
        "处理方式：转送，由办理单位直接答复信访人",
    ]
    assert [line.split("：", 1)[0] for line in a["explanation"]] == ["R1 类别", "R2 地点", "R3 主管单位", "R8 转送"]
    assert a["case_no"].startswith("370703-2026-") and a["title"] == LAND["title"]
    assert a["cause"] == "registration" and a["directory_version"] and a["vocabulary_version"]
    # the unit received it on Monday 03-02: it may return it until 24:00 of Monday 03-09 (R13)
    assert a["routed_at"] == "2026-03-02T10:30:00+08:00"
    assert a["return_deadline"] == "2026-03-10T00:00:00+08:00"
    assert [(s["event"], s["summary"]) for s in a["history"]] == [("case_routed", "分办：转送，寒亭区自然资源局")]


async def test_the_competent_unit_sees_why_but_an_unrelated_unit_may_not(desk: Desk) -> None:
    case_id, _ = await desk.routed(**LAND)
    own = await desk.routing.get(f"/cases/{case_id}/assignment", headers=desk.handler(NATURAL_RESOURCES))
    assert own.status_code == 200
    other = await desk.routing.get(f"/cases/{case_id}/assignment", headers=desk.handler("370783:natural_resources"))
    assert problem(other, 404)["type"].endswith("/case-not-found")  # as if there were no such case (P3)
    city = await desk.routing.get(f"/cases/{case_id}/assignment", headers=desk.as_("supervisor", unit="370700:petition_bureau"))
    assert city.status_code == 200


async def test_an_unclassifiable_petition_waits_in_the_receiving_bureaus_triage_queue(desk: Desk) -> None:
    case_id, a = await desk.routed(**VAGUE)
    assert (a["category"], a["unit_id"], a["disposition"]) == (None, BUREAU, "triage")
    assert a["why"][0].startswith("类别：未能自动确定")
    assert "R9：转寒亭区信访局人工分流，由工作人员决定去向" in a["why"]
