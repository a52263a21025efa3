"""Intake alone, in process: its app on SQLite in ``tmp_path`` with a fixed clock, one httpx client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.intake.app import create_app
from shared.clock import FixedClock
from shared.settings import Settings
from tests.support.system import auth

CST = timezone(timedelta(hours=8))
#: "now" in these tests: a Friday morning in Weifang
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=CST)


@dataclass
class Intake:
    app: FastAPI
    client: httpx.AsyncClient
    settings: Settings
    clock: FixedClock

    def headers(self, *roles: str, sub: str = "clerk-1", unit: str = "370703:petition_bureau") -> dict[str, str]:
        return auth(self.settings, sub=sub, roles=tuple(roles or ("clerk",)), unit=unit)

    async def register(self, body: dict[str, Any], **headers: str) -> httpx.Response:
        return await self.client.post("/petitions", json=body, headers={**self.headers(), **headers})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, relay_interval_ms=10, poll_interval_ms=10)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
async def intake(settings: Settings, clock: FixedClock) -> AsyncIterator[Intake]:
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            yield Intake(app, client, settings, clock)
