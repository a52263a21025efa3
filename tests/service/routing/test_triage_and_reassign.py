"""R9 triage: a bureau's queue and a clerk's decision with its reason; reassignment by a supervisor."""

from __future__ import annotations

from tests.service.routing.conftest import AGRICULTURE, BUREAU, LAND, NATURAL_RESOURCES, VAGUE, Desk, problem


async def test_the_triage_queue_lists_what_the_bureau_must_place(desk: Desk) -> None:
    case_id, _ = await desk.routed(**VAGUE)
    await desk.routed(**LAND)  # routed by itself: not in the queue
    r = await desk.routing.get(f"/triage?bureau={BUREAU}", headers=desk.clerk)
    [item] = r.json()
    assert (item["case_id"], item["disposition"], item["category"]) == (case_id, "triage", None)
    assert item["place_name"] == "寒亭区固堤街道东张村"
    assert item["why"][0].startswith("类别：未能自动确定")
    assert [c["case_id"] for c in (await desk.routing.get("/triage", headers=desk.clerk)).json()] == [case_id]

    other = await desk.routing.get(f"/triage?bureau={BUREAU}", headers=desk.as_("clerk", unit="370783:petition_bureau"))
    problem(other, 403)
    not_a_bureau = await desk.routing.get(f"/triage?bureau={AGRICULTURE}", headers=desk.as_("supervisor"))
    problem(not_a_bureau, 404)


async def test_a_clerk_of_the_bureau_decides_with_a_reason_that_enters_the_history(desk: Desk) -> None:
    case_id, _ = await desk.routed(**VAGUE)
    elsewhere = await desk.routing.post(
        f"/cases/{case_id}/triage-decision",
        json={"unit_id": AGRICULTURE, "disposition": "forwarded", "reason": "x"},
        headers=desk.as_("clerk", unit="370783:petition_bureau"),
    )
    problem(elsewhere, 404)  # another county's case: not visible, so not decided there either
    unknown = await desk.routing.post(
        f"/cases/{case_id}/triage-decision",
        json={"unit_id": "370703:nowhere", "disposition": "forwarded", "reason": "x"},
        headers=desk.clerk,
    )
    assert problem(unknown, 422)["type"].endswith("/unknown-unit")

    r = await desk.routing.post(
        f"/cases/{case_id}/triage-decision",
        json={
            "unit_id": AGRICULTURE,
            "category": "agriculture_rural",
            "disposition": "assigned",
            "reason": "来访人当面说明是承包地调整多年未落实",
        },
        headers=desk.clerk,
    )
    assert r.status_code == 200, r.text
    a = r.json()
    assert (a["unit_id"], a["category"], a["disposition"], a["cause"]) == (
        AGRICULTURE,
        "agriculture_rural",
        "assigned",
        "triage",
    )
    assert a["explanation"][-1] == "R9 分流决定：寒亭区信访局决定由寒亭区农业农村局办理（交办），理由：来访人当面说明是承包地调整多年未落实"
    assert a["why"][0] == "类别：农业农村（登记或分流人员指定）"
    assert "R9：寒亭区信访局分流决定，由寒亭区农业农村局办理（理由：来访人当面说明是承包地调整多年未落实）" in a["why"]
    step = a["history"][-2]
    assert (step["event"], step["reason"], step["actor"]) == ("triage_decided", "来访人当面说明是承包地调整多年未落实", "clerk-1")
    assert step["summary"] == "寒亭区信访局分流决定：交寒亭区农业农村局（交办），理由：来访人当面说明是承包地调整多年未落实"
    assert (await desk.routing.get(f"/triage?bureau={BUREAU}", headers=desk.clerk)).json() == []
    inbox = await desk.routing.get(f"/units/{AGRICULTURE}/inbox", headers=desk.handler(AGRICULTURE))
    assert [c["case_id"] for c in inbox.json()] == [case_id]

    twice = await desk.routing.post(
        f"/cases/{case_id}/triage-decision",
        json={"unit_id": NATURAL_RESOURCES, "disposition": "forwarded", "reason": "x"},
        headers=desk.clerk,
    )
    assert problem(twice, 409)["type"].endswith("/not-in-triage")


async def test_a_supervisor_reassigns_with_a_reason_a_handler_may_not(desk: Desk) -> None:
    case_id, _ = await desk.routed(**LAND)
    refused = await desk.routing.post(
        f"/cases/{case_id}/reassign",
        json={"unit_id": AGRICULTURE, "reason": "涉及设施农业用地"},
        headers=desk.handler(NATURAL_RESOURCES),
    )
    problem(refused, 403)
    outside = await desk.routing.post(
        f"/cases/{case_id}/reassign",
        json={"unit_id": AGRICULTURE, "reason": "涉及设施农业用地"},
        headers=desk.as_("supervisor", unit="370783:petition_bureau"),
    )
    problem(outside, 404)  # another county's case is outside this supervisor's scope
    not_overseeing = await desk.routing.post(
        f"/cases/{case_id}/reassign",
        json={"unit_id": AGRICULTURE, "reason": "涉及设施农业用地"},
        headers=desk.as_("supervisor", unit=NATURAL_RESOURCES),
    )
    assert problem(not_overseeing, 403)["type"].endswith("/outside-supervision")  # sees it, may not move it

    r = await desk.routing.post(
        f"/cases/{case_id}/reassign",
        json={"unit_id": AGRICULTURE, "reason": "涉及设施农业用地"},
        headers=desk.as_("supervisor", sub="zhang-san"),
    )
    assert r.status_code == 200, r.text
    a = r.json()
    assert (a["unit_id"], a["disposition"], a["cause"]) == (AGRICULTURE, "forwarded", "reassign")
    assert a["history"][-2]["summary"] == "改派：由寒亭区自然资源局改交寒亭区农业农村局（转送），理由：涉及设施农业用地"
    assert a["history"][-2]["actor"] == "zhang-san"
    assert "改派：寒亭区信访局改派，由寒亭区农业农村局办理（理由：涉及设施农业用地）" in a["why"]
    assert (await desk.routing.get(f"/units/{NATURAL_RESOURCES}/inbox", headers=desk.handler(NATURAL_RESOURCES))).json() == []
