"""Supervision follows routing: after a return (R13) the acceptance clock (D2) runs for the new unit,
and the returning unit's clock is cancelled — nothing is dead-lettered on the way."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from shared.clock import FixedClock
from shared.settings import Settings
from tests.support.petitions import petition_body
from tests.support.system import auth, in_process, wait_until

CST = timezone(timedelta(hours=8))
AGRICULTURE = "370703:agriculture_rural"
NATURAL_RESOURCES = "370703:natural_resources"


async def test_a_returned_case_gets_a_new_acceptance_clock_for_its_new_unit(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, relay_interval_ms=10, poll_interval_ms=10)
    clock = FixedClock(datetime(2026, 3, 2, 10, 30, tzinfo=CST))
    clerk = auth(settings)
    body = petition_body(
        title="有人夜里挖耕地取土",
        content="寒亭区高里街道高里村东边的耕地，夜里有人用挖掘机取土外卖，耕地被挖成大坑。",
        category="agriculture_rural",  # the clerk's hint sends it to the wrong unit first
    )
    async with in_process(settings, clock=clock) as svc:
        case_id = (await svc["intake"].post("/petitions", json=body, headers=clerk)).json()["case_id"]

        async def acceptance_clock_of(unit: str):  # type: ignore[no-untyped-def]
            r = await svc["supervision"].get(f"/cases/{case_id}/clocks", headers=clerk)
            if r.status_code != 200:
                return None
            return next((c for c in r.json() if c["kind"] == "acceptance" and c["unit_id"] == unit), None)

        first = await wait_until(lambda: acceptance_clock_of(AGRICULTURE))
        assert first["state"] == "running"
        r = await svc["routing"].post(
            f"/cases/{case_id}/return",
            json={"reason": "取土毁坏耕地属自然资源部门查处"},
            headers=auth(settings, sub="ag-1", roles=("handler",), unit=AGRICULTURE),
        )
        assert r.status_code == 200, r.text
        second = await wait_until(lambda: acceptance_clock_of(NATURAL_RESOURCES))
        assert second["state"] == "running" and second["rule"] == "D2"

        async def acceptance_stop():  # type: ignore[no-untyped-def]
            history = (await svc["reporting"].get(f"/cases/{case_id}/history", headers=clerk)).json()
            stops = [e["data"] for e in history if e["type"] == "xinfang.supervision.clock_stopped.v1"]
            return next((s for s in stops if s["kind"] == "acceptance"), None)

        stop = await wait_until(acceptance_stop)
        assert (stop["outcome"], stop["reason"]) == ("cancelled", "re-routed")
        admin = auth(settings, sub="ops", roles=("admin",), unit="370700:petition_bureau")
        assert (await svc["supervision"].get("/admin/dead-letters", headers=admin)).json() == []
