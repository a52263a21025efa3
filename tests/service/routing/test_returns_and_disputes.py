"""R13: a unit returns a case within 5 working days with a reason; it is routed again without that unit;
a second return goes to the petition bureau one level up, whose decision is binding."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.service.routing.conftest import (
    AGRICULTURE,
    BUREAU,
    CITY_BUREAU,
    CST,
    LAND,
    NATURAL_RESOURCES,
    Desk,
    problem,
)

#: the registering clerk picked the wrong category: agriculture is not competent for land taken for soil
MISFILED = {**LAND, "category": "agriculture_rural"}


async def test_a_return_within_the_window_routes_the_case_again_without_the_unit(desk: Desk) -> None:
    case_id, first = await desk.routed(**MISFILED)
    assert first["unit_id"] == AGRICULTURE
    desk.clock.set(datetime(2026, 3, 9, 17, 0, tzinfo=CST))  # the fifth working day after Monday 03-02

    r = await desk.routing.post(
        f"/cases/{case_id}/return", json={"reason": "取土毁坏耕地属自然资源部门查处"}, headers=desk.handler(AGRICULTURE)
    )
    assert r.status_code == 200, r.text
    a = r.json()
    assert (a["category"], a["unit_id"], a["disposition"], a["cause"]) == (
        "land_resources",
        NATURAL_RESOURCES,
        "forwarded",
        "return",
    )
    assert [(u["unit_id"], u["reason"]) for u in a["excluded_units"]] == [
        (AGRICULTURE, "已退回本件（R13）：取土毁坏耕地属自然资源部门查处")
    ]
    assert a["explanation"][0] == "R13 退回后重新分办：寒亭区农业农村局已退回本件，不再交其办理"
    assert "不交寒亭区农业农村局：已退回本件（R13）：取土毁坏耕地属自然资源部门查处" in a["why"]
    assert [s["summary"] for s in a["history"]] == [
        "分办：转送，寒亭区农业农村局",
        "寒亭区农业农村局退回，理由：取土毁坏耕地属自然资源部门查处（R13）",
        "退回后重新分办：转送，寒亭区自然资源局",
    ]
    # the new unit's own 5 working days start now
    assert a["return_deadline"] == "2026-03-17T00:00:00+08:00"
    ag_inbox = await desk.routing.get(f"/units/{AGRICULTURE}/inbox", headers=desk.handler(AGRICULTURE))
    nr_inbox = await desk.routing.get(f"/units/{NATURAL_RESOURCES}/inbox", headers=desk.handler(NATURAL_RESOURCES))
    assert ag_inbox.json() == [] and [c["case_id"] for c in nr_inbox.json()] == [case_id]


async def test_a_return_after_five_working_days_is_refused_citing_r13_and_the_deadline(desk: Desk) -> None:
    case_id, _ = await desk.routed(**MISFILED)
    desk.clock.set(datetime(2026, 3, 10, 0, 5, tzinfo=CST))
    r = await desk.routing.post(f"/cases/{case_id}/return", json={"reason": "不归我们"}, headers=desk.handler(AGRICULTURE))
    body = problem(r, 409)
    assert body["rule"] == "R13" and body["deadline"] == "2026-03-10T00:00:00+08:00"
    assert "5个工作日" in body["detail"]
    assert (await desk.assignment(case_id))["unit_id"] == AGRICULTURE


async def test_the_window_skips_the_may_day_holiday_and_counts_the_make_up_saturday(desk: Desk) -> None:
    desk.clock.set(datetime(2026, 4, 30, 16, 0, tzinfo=CST))
    case_id, a = await desk.routed(**MISFILED, received_at="2026-04-30T15:00:00+08:00")
    # 05-01..05 off, 05-06/07/08, Saturday 05-09 (调休), Monday 05-11: the window closes at 24:00 of 05-11
    assert a["return_deadline"] == "2026-05-12T00:00:00+08:00"
    desk.clock.set(datetime(2026, 5, 11, 23, 0, tzinfo=CST))  # counted Monday to Friday it would have closed on 05-07
    r = await desk.routing.post(f"/cases/{case_id}/return", json={"reason": "不属农业部门"}, headers=desk.handler(AGRICULTURE))
    assert r.status_code == 200, r.text


async def test_only_the_unit_holding_the_case_returns_it_with_a_reason(desk: Desk) -> None:
    case_id, _ = await desk.routed(**MISFILED)
    other = await desk.routing.post(f"/cases/{case_id}/return", json={"reason": "x"}, headers=desk.handler(NATURAL_RESOURCES))
    problem(other, 404)  # another department's case is outside its scope (P3)
    receiving = await desk.routing.post(f"/cases/{case_id}/return", json={"reason": "x"}, headers=desk.clerk)
    problem(receiving, 403)  # the receiving bureau sees the case but does not hold it
    empty = await desk.routing.post(f"/cases/{case_id}/return", json={"reason": ""}, headers=desk.handler(AGRICULTURE))
    assert problem(empty, 422)["errors"][0]["field"] == "reason"


async def test_a_second_return_is_a_dispute_for_the_bureau_one_level_up_whose_decision_binds(desk: Desk) -> None:
    case_id, _ = await desk.routed(**MISFILED)
    await desk.routing.post(f"/cases/{case_id}/return", json={"reason": "属自然资源部门"}, headers=desk.handler(AGRICULTURE))
    desk.clock.advance(timedelta(days=1))
    r = await desk.routing.post(
        f"/cases/{case_id}/return", json={"reason": "涉及承包地，属农业部门"}, headers=desk.handler(NATURAL_RESOURCES)
    )
    assert r.status_code == 200, r.text
    a = r.json()
    # two county departments of 寒亭区 disagree: 潍坊市信访局 decides
    assert (a["unit_id"], a["disposition"], a["cause"]) == (CITY_BUREAU, "triage", "dispute")
    assert "dispute" in a["flags"]
    assert a["why"][2] == "R13：寒亭区农业农村局、寒亭区自然资源局先后退回，有争议，交潍坊市信访局裁决（理由：涉及承包地，属农业部门）"
    assert a["history"][-2]["summary"] == "寒亭区农业农村局、寒亭区自然资源局对办理单位有争议，交潍坊市信访局裁决（R13）"

    city_clerk = desk.as_("clerk", sub="city-clerk", unit=CITY_BUREAU)
    queue = await desk.routing.get(f"/triage?bureau={CITY_BUREAU}", headers=city_clerk)
    assert [(c["case_id"], c["flags"]) for c in queue.json()] == [(case_id, ["dispute"])]
    county = await desk.routing.post(
        f"/cases/{case_id}/dispute-decision", json={"unit_id": AGRICULTURE, "reason": "x"}, headers=desk.clerk
    )
    assert problem(county, 403)["rule"] == "R13"

    r = await desk.routing.post(
        f"/cases/{case_id}/dispute-decision",
        json={"unit_id": NATURAL_RESOURCES, "reason": "取土毁田属非法占用耕地，由自然资源部门查处"},
        headers=city_clerk,
    )
    assert r.status_code == 200, r.text
    a = r.json()
    assert (a["unit_id"], a["disposition"], a["cause"], a["binding"]) == (NATURAL_RESOURCES, "assigned", "dispute_decision", True)
    assert set(a["flags"]) >= {"dispute", "binding"}
    assert a["history"][-2]["summary"] == (
        "潍坊市信访局裁决：交寒亭区自然资源局办理，理由：取土毁田属非法占用耕地，由自然资源部门查处；该决定具有约束力（R13）"
    )
    assert (await desk.routing.get(f"/triage?bureau={CITY_BUREAU}", headers=city_clerk)).json() == []

    again = await desk.routing.post(
        f"/cases/{case_id}/return", json={"reason": "还是不归我们"}, headers=desk.handler(NATURAL_RESOURCES)
    )
    body = problem(again, 409)
    assert body["rule"] == "R13" and "不得退回" in body["detail"]


async def test_a_return_of_a_case_a_clerk_placed_goes_to_the_bureau_above_at_once(desk: Desk) -> None:
    from tests.service.routing.conftest import VAGUE

    case_id, a = await desk.routed(**VAGUE)
    assert a["unit_id"] == BUREAU
    township = "370703003:township_government"  # 固堤街道办事处
    r = await desk.routing.post(
        f"/cases/{case_id}/triage-decision",
        json={"unit_id": township, "disposition": "forwarded", "reason": "东张村的村务事项，由街道办理"},
        headers=desk.clerk,
    )
    assert r.status_code == 200, r.text
    r = await desk.routing.post(f"/cases/{case_id}/return", json={"reason": "不是村务"}, headers=desk.handler(township))
    a = r.json()
    # a township government of 寒亭区 and the clerk's placement: 寒亭区信访局 is one level above it
    assert (a["unit_id"], a["disposition"], a["cause"]) == (BUREAU, "triage", "dispute")
