"""Routing in process with intake feeding it (SQLite, sql transport, a fixed clock): petitions are
registered at intake as a clerk does, and routing is driven over HTTP as units, clerks, supervisors and
admins drive it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from services.intake.app import create_app as create_intake
from services.routing.app import create_app as create_routing
from shared.clock import FixedClock
from shared.settings import Settings
from shared.store.schema import events
from tests.support.petitions import petition_body
from tests.support.system import auth, wait_until

CST = timezone(timedelta(hours=8))
#: "now" when the tests start: Monday 2026-03-02, half an hour after the petition of petition_body() came in
NOW = datetime(2026, 3, 2, 10, 30, tzinfo=CST)

BUREAU = "370703:petition_bureau"  # 寒亭区信访局
CITY_BUREAU = "370700:petition_bureau"  # 潍坊市信访局
NATURAL_RESOURCES = "370703:natural_resources"  # 寒亭区自然资源局
AGRICULTURE = "370703:agriculture_rural"  # 寒亭区农业农村局

#: a land matter at 高里村: 寒亭区自然资源局 is competent (R3)
LAND = {
    "title": "取土挖坏耕地",
    "content": "有人在寒亭区高里街道高里村的耕地里取土，挖了好几个大坑，耕地全毁了，请政府查处。",
    "place": {"address": "寒亭区高里街道高里村"},
}
#: nothing to classify: triage at the receiving bureau (R9)
VAGUE = {
    "title": "请求领导做主",
    "content": "我的事情拖了好多年，跑了好多部门都说不归他们管，求领导给我做主。",
    "place": {"address": "寒亭区固堤街道东张村"},
}


@dataclass
class Desk:
    """The system as its users see it."""

    intake: httpx.AsyncClient
    routing: httpx.AsyncClient
    app: FastAPI
    settings: Settings
    clock: FixedClock

    def as_(self, *roles: str, sub: str = "clerk-1", unit: str = BUREAU) -> dict[str, str]:
        return auth(self.settings, sub=sub, roles=tuple(roles or ("clerk",)), unit=unit)

    @property
    def clerk(self) -> dict[str, str]:
        return self.as_("clerk")

    def handler(self, unit: str, sub: str = "handler-1") -> dict[str, str]:
        return self.as_("handler", sub=sub, unit=unit)

    async def register(self, **overrides: Any) -> str:
        r = await self.intake.post("/petitions", json=petition_body(**overrides), headers=self.clerk)
        assert r.status_code == 201, r.text
        return str(r.json()["case_id"])

    async def assignment(self, case_id: str, *, steps: int = 1, headers: dict[str, str] | None = None) -> dict[str, Any]:
        """The case's assignment once routing has recorded at least ``steps`` steps."""

        async def routed() -> dict[str, Any] | None:
            r = await self.routing.get(f"/cases/{case_id}/assignment", headers=headers or self.clerk)
            if r.status_code == 200 and len(r.json()["history"]) >= steps:
                return dict(r.json())
            return None

        result: dict[str, Any] = await wait_until(routed)
        return result

    async def routed(self, **overrides: Any) -> tuple[str, dict[str, Any]]:
        case_id = await self.register(**overrides)
        return case_id, await self.assignment(case_id)

    async def stored_events(self) -> int:
        """Events in routing's store (every stream)."""
        async with self.app.state.runtime.db.read() as conn:
            return int(await conn.scalar(select(func.count()).select_from(events)) or 0)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, relay_interval_ms=10, poll_interval_ms=10)


@pytest.fixture
async def desk(settings: Settings) -> AsyncIterator[Desk]:
    clock = FixedClock(NOW)
    intake_app = create_intake(settings, clock=clock)
    routing_app = create_routing(settings, clock=clock)
    async with intake_app.router.lifespan_context(intake_app), routing_app.router.lifespan_context(routing_app):
        async with (
            httpx.AsyncClient(transport=httpx.ASGITransport(app=intake_app), base_url="http://intake") as intake,
            httpx.AsyncClient(transport=httpx.ASGITransport(app=routing_app), base_url="http://routing") as routing,
        ):
            yield Desk(intake, routing, routing_app, settings, clock)


def problem(r: httpx.Response, status: int) -> dict[str, Any]:
    """The problem+json body of a refused request."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    return body
