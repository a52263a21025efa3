"""``/healthz`` says the process is up; ``/readyz`` says whether its dependencies are."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI

from shared.web.health import add_readiness_check, health_router
from shared.web.problems import install_problem_handlers
from tests.unit.shared.conftest import assert_problem


async def test_healthz_answers_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_200_when_every_check_passes(app: FastAPI, client: httpx.AsyncClient) -> None:
    async def ok() -> None:
        return None

    add_readiness_check(app, "database", ok)
    add_readiness_check(app, "bus", ok)
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "bus": "ok"}}


async def test_readyz_is_503_naming_the_failing_check(app: FastAPI, client: httpx.AsyncClient) -> None:
    async def database() -> None:
        raise ConnectionRefusedError("could not connect to postgres://xinfang:pw@db-7:5432")

    async def bus() -> bool:
        return True

    add_readiness_check(app, "database", database)
    add_readiness_check(app, "bus", bus)
    response = await client.get("/readyz")
    problem = assert_problem(response, 503, "not-ready")
    assert problem["failed"] == ["database"]
    assert problem["checks"] == {"database": "failed", "bus": "ok"}
    assert "database" in problem["detail"]
    assert "db-7" not in response.text and "pw@" not in response.text


async def test_a_check_returning_false_or_hanging_fails() -> None:
    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(health_router(check_timeout_s=0.05))

    async def bus() -> bool:
        return False

    async def database() -> None:
        await asyncio.sleep(5)

    add_readiness_check(app, "bus", bus)
    add_readiness_check(app, "database", database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        response = await asyncio.wait_for(client.get("/readyz"), 2)
    assert response.status_code == 503
    assert response.json()["checks"] == {"bus": "failed", "database": "timeout"}
