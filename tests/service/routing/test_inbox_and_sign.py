"""A unit's inbox (scoped to the unit) and signing for a case (签收)."""

from __future__ import annotations

from tests.service.routing.conftest import AGRICULTURE, LAND, NATURAL_RESOURCES, Desk, problem


async def test_a_handler_reads_their_own_units_inbox_only_a_supervisor_any(desk: Desk) -> None:
    case_id, _ = await desk.routed(**LAND)
    own = await desk.routing.get(f"/units/{NATURAL_RESOURCES}/inbox", headers=desk.handler(NATURAL_RESOURCES))
    assert own.status_code == 200
    [item] = own.json()
    assert (item["case_id"], item["title"], item["category_name"], item["disposition"]) == (
        case_id,
        "取土挖坏耕地",
        "国土资源",
        "forwarded",
    )
    assert item["place_name"] == "寒亭区高里街道高里村" and item["signed_at"] is None
    assert item["return_deadline"] == "2026-03-10T00:00:00+08:00"

    other = await desk.routing.get(f"/units/{NATURAL_RESOURCES}/inbox", headers=desk.handler(AGRICULTURE))
    assert "本单位" in problem(other, 403)["detail"]
    supervisor = await desk.routing.get(f"/units/{NATURAL_RESOURCES}/inbox", headers=desk.as_("supervisor"))
    assert [c["case_id"] for c in supervisor.json()] == [case_id]
    assert (await desk.routing.get(f"/units/{AGRICULTURE}/inbox", headers=desk.handler(AGRICULTURE))).json() == []


async def test_the_unit_signs_for_its_case_once_and_the_history_says_so(desk: Desk) -> None:
    case_id, _ = await desk.routed(**LAND)
    elsewhere = await desk.routing.post(f"/cases/{case_id}/sign", headers=desk.handler(AGRICULTURE))
    assert problem(elsewhere, 404)["type"].endswith("/case-not-found")  # not its case: not even visible (P3)
    receiving = await desk.routing.post(f"/cases/{case_id}/sign", headers=desk.clerk)
    assert problem(receiving, 403)["type"].endswith("/not-assigned-to-unit")  # sees it, does not hold it

    r = await desk.routing.post(f"/cases/{case_id}/sign", headers=desk.handler(NATURAL_RESOURCES, sub="li-si"))
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["signed_at"] == "2026-03-02T10:30:00+08:00" and a["signed_by"] == "li-si"
    assert a["history"][-1]["summary"] == "寒亭区自然资源局签收"
    assert a["history"][-1]["actor"] == "li-si"

    again = await desk.routing.post(f"/cases/{case_id}/sign", headers=desk.handler(NATURAL_RESOURCES))
    assert "已于" in problem(again, 409)["detail"]

    unsigned = await desk.routing.get(
        f"/units/{NATURAL_RESOURCES}/inbox?signed=false", headers=desk.handler(NATURAL_RESOURCES)
    )
    signed = await desk.routing.get(f"/units/{NATURAL_RESOURCES}/inbox?signed=true", headers=desk.handler(NATURAL_RESOURCES))
    assert unsigned.json() == [] and [c["case_id"] for c in signed.json()] == [case_id]


async def test_an_analyst_may_not_sign(desk: Desk) -> None:
    case_id, _ = await desk.routed(**LAND)
    r = await desk.routing.post(f"/cases/{case_id}/sign", headers=desk.as_("analyst", unit=NATURAL_RESOURCES))
    problem(r, 403)
