"""Routing follows what intake records about a case: a merged repeat (R12) is not routed again, and a
withdrawn petition leaves the unit's inbox."""

from __future__ import annotations

from tests.service.routing.conftest import LAND, NATURAL_RESOURCES, Desk
from tests.support.system import wait_until


async def test_a_repeat_of_an_open_case_is_merged_with_the_original_unit_and_goes_to_no_inbox(desk: Desk) -> None:
    original, first = await desk.routed(**LAND)
    repeat = await desk.register(**LAND, received_at="2026-03-02T10:20:00+08:00")
    a = await desk.assignment(repeat)
    assert (a["disposition"], a["unit_id"]) == ("merged", NATURAL_RESOURCES)
    assert "repeat" in a["flags"] and a["return_deadline"] is None
    assert a["explanation"][-1].startswith(f"R12 重复信访：原件{first['case_no']}仍在办理期限内，本件并入原件")
    assert "R12：重复信访，由寒亭区自然资源局并入原件办理" in a["why"]
    inbox = (await desk.routing.get(f"/units/{NATURAL_RESOURCES}/inbox", headers=desk.handler(NATURAL_RESOURCES))).json()
    assert [c["case_id"] for c in inbox] == [original]


async def test_a_withdrawn_petition_leaves_the_inbox(desk: Desk) -> None:
    case_id, _ = await desk.routed(**LAND)
    r = await desk.intake.post(f"/petitions/{case_id}/withdraw", json={"reason": "信访人撤回"}, headers=desk.clerk)
    assert r.status_code == 200, r.text

    async def gone() -> bool:
        inbox = await desk.routing.get(f"/units/{NATURAL_RESOURCES}/inbox", headers=desk.handler(NATURAL_RESOURCES))
        return inbox.json() == []

    await wait_until(gone)
    a = await desk.assignment(case_id)
    assert a["is_open"] is False and a["unit_id"] == NATURAL_RESOURCES
