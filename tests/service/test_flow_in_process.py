"""The walking skeleton, in process: a petition registered at intake is routed, gets its D1 clock,
and its whole history is readable at reporting (SQLite, sql transport)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.settings import Settings
from tests.support.petitions import petition_body
from tests.support.system import auth, in_process, wait_until


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, relay_interval_ms=10, poll_interval_ms=10)


async def test_a_registered_petition_has_a_history_from_intake_routing_and_supervision(settings: Settings) -> None:
    headers = auth(settings)
    async with in_process(settings) as svc:
        r = await svc["intake"].post("/petitions", json=petition_body(), headers=headers)
        assert r.status_code == 201, r.text
        case = r.json()
        assert set(case) >= {"case_id", "case_no", "query_code", "status", "flags"}

        async def history_has_three_sources():  # type: ignore[no-untyped-def]
            h = await svc["reporting"].get(f"/cases/{case['case_id']}/history", headers=headers)
            if h.status_code != 200:
                return None
            sources = {e["source"] for e in h.json()}
            return h.json() if {"/xinfang/intake", "/xinfang/routing", "/xinfang/supervision"} <= sources else None

        events = await wait_until(history_has_three_sources, timeout=10)
        assert events[0]["type"] == "xinfang.intake.petition_registered.v1"
        assert all(e["subject"] == case["case_id"] for e in events)
        times = [e["time"] for e in events]
        assert times == sorted(times)

        a = await svc["routing"].get(f"/cases/{case['case_id']}/assignment", headers=headers)
        assert a.status_code == 200 and a.json()["explanation"]
        clocks = (await svc["supervision"].get(f"/cases/{case['case_id']}/clocks", headers=headers)).json()
        dispatch = next(c for c in clocks if c["kind"] == "dispatch")
        # D1 runs from the real receipt time (D8) and ends at 24:00 Asia/Shanghai
        assert dispatch["started_at"] == "2026-03-02T10:00:00+08:00"
        assert dispatch["due_at"].endswith("T00:00:00+08:00")


async def test_registration_without_a_token_is_refused_with_a_problem(settings: Settings) -> None:
    async with in_process(settings) as svc:
        r = await svc["intake"].post("/petitions", json=petition_body())
        assert r.status_code == 401
        assert r.headers["content-type"].startswith("application/problem+json")


async def test_the_same_idempotency_key_returns_the_same_case(settings: Settings) -> None:
    headers = {**auth(settings), "Idempotency-Key": "hotline-20260302-0001"}
    async with in_process(settings) as svc:
        first = await svc["intake"].post("/petitions", json=petition_body(), headers=headers)
        again = await svc["intake"].post("/petitions", json=petition_body(), headers=headers)
        assert first.status_code == 201 and again.status_code == 200
        assert first.json()["case_id"] == again.json()["case_id"]


async def test_the_d1_deadline_moves_past_the_national_day_holiday(settings: Settings) -> None:
    """D1: 15 days from 2026-09-20 end on 10-05, a holiday; the period ends on the next working day."""
    headers = auth(settings)
    body = petition_body(received_at="2026-09-20T10:00:00+08:00")
    async with in_process(settings) as svc:
        case_id = (await svc["intake"].post("/petitions", json=body, headers=headers)).json()["case_id"]

        async def dispatch_clock():  # type: ignore[no-untyped-def]
            r = await svc["supervision"].get(f"/cases/{case_id}/clocks", headers=headers)
            return next((c for c in r.json() if c["kind"] == "dispatch"), None) if r.status_code == 200 else None

        clock = await wait_until(dispatch_clock)
        assert clock["rule"] == "D1"
        assert clock["due_at"] == "2026-10-09T00:00:00+08:00"  # 24:00 of Thursday 10-08
