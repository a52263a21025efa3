"""What routing and supervision report reaches the petitioner's page and Open311 (all four services)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import update

from services.intake.app import create_app
from services.intake.directory import Directory
from services.intake.handlers.progress import progress_handler
from services.intake.tables import petitions
from shared.clock import FixedClock
from shared.events.catalogue.routing import CaseRouted, CaseSigned
from shared.events.envelope import new_event
from shared.settings import Settings
from tests.service.intake.conftest import CST, NOW, Intake
from tests.support.petitions import petition_body
from tests.support.system import auth, in_process, wait_until


async def test_units_and_deadlines_from_routing_and_supervision_reach_the_petitioner(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, relay_interval_ms=10, poll_interval_ms=10)
    headers = auth(settings)
    async with in_process(settings, clock=FixedClock(NOW)) as svc:
        body = petition_body(received_at="2026-11-19T10:00:00+08:00")
        case = (await svc["intake"].post("/petitions", json=body, headers=headers)).json()
        url = f"/public/cases/{case['case_no']}"

        async def routed_and_clocked() -> dict[str, Any] | None:
            page = (await svc["intake"].get(url, params={"code": case["query_code"]})).json()
            steps = {s["step"] for s in page["steps"]}
            return page if "routed" in steps and page["deadlines"] else None

        page = await wait_until(routed_and_clocked)
        assignment = (await svc["routing"].get(f"/cases/{case['case_id']}/assignment", headers=headers)).json()
        directory = Directory.load(settings.directory_dir)
        routed = next(s for s in page["steps"] if s["step"] == "routed")
        assert routed["unit"] == directory.unit_name(assignment["unit_id"])
        dispatch = next(d for d in page["deadlines"] if d["kind"] == "dispatch")
        assert dispatch["state"] in ("running", "met")  # routing may already have dispatched it
        running = [d["due_at"] for d in page["deadlines"] if d["state"] == "running"]
        assert page["expected_at"] in running or not running
        staff = (await svc["intake"].get(f"/petitions/{case['case_id']}", headers=headers)).json()
        assert staff["responsible_unit"]["id"] == assignment["unit_id"]
        assert "dispatch" in {c["kind"] for c in staff["clocks"]}


async def test_query_codes_kept_in_clear_before_0002_are_replaced_by_digests(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    app = create_app(settings, clock=FixedClock(NOW))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://i") as client:
            case = (await client.post("/petitions", json=petition_body(), headers=auth(settings))).json()
        async with app.state.runtime.db.transaction() as conn:  # as intake_0001 left it
            await conn.execute(update(petitions).values(query_code="K7M2X9PQ", query_code_digest=None))
    app = create_app(settings, clock=FixedClock(NOW))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://i") as client:
            r = await client.get(f"/public/cases/{case['case_no']}", params={"code": "k7m2-x9pq"})
            assert r.status_code == 200
        async with app.state.runtime.db.read() as conn:
            row = (await conn.execute(petitions.select())).mappings().one()
        assert row["query_code"] is None and row["query_code_digest"]


async def test_routing_steps_reach_the_page_once_even_when_delivered_twice(intake: Intake) -> None:
    case = (await intake.register(petition_body(received_at="2026-11-19T10:00:00+08:00"))).json()
    at = datetime(2026, 11, 19, 15, 0, tzinfo=CST)
    routed = CaseRouted(
        case_id=case["case_id"],
        category="labor_social_security",
        category_confidence=0.8,
        region_code="370703004",
        unit_id="370703:hr_social_security",
        disposition="forwarded",
    )
    signed = CaseSigned(case_id=case["case_id"], unit_id="370703:hr_social_security", signed_at=at)
    envelopes = [
        new_event(service="routing", payload=p, subject=case["case_id"], time=at + timedelta(minutes=i))
        for i, p in enumerate([routed, signed])
    ]
    handle = progress_handler()
    for _ in range(2):
        for envelope in envelopes:
            async with intake.app.state.runtime.db.transaction() as conn:
                await handle(conn, envelope)
    page = (await intake.client.get(f"/public/cases/{case['case_no']}", params={"code": case["query_code"]})).json()
    assert [(s["step"], s["unit"]) for s in page["steps"]] == [
        ("registered", "寒亭区信访局"),
        ("routed", "寒亭区人力资源和社会保障局"),
        ("signed", "寒亭区人力资源和社会保障局"),
    ]
    assert page["responsible_unit"] == "寒亭区人力资源和社会保障局"
