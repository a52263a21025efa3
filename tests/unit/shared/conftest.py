"""A tiny app built with ``base_app``, and an httpx client talking to it in-process."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI, Query, Request
from pydantic import BaseModel, Field

from shared.privacy.keys import encode_key
from shared.settings import Settings
from shared.web.app import base_app
from shared.web.auth import CurrentPrincipal, Principal, require_roles
from shared.web.problems import DomainProblem

SECRET = "unit-test-secret-0123456789abcdefghijklmnop"
UNIT = "370703:petition_bureau"


class Petitioner(BaseModel):
    name: str
    id_number: str = Field(pattern=r"^\d{17}[\dX]$")


class PetitionIn(BaseModel):
    title: str
    petitioners: list[Petitioner]


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "jwt_secret": SECRET,
        "max_body_bytes": 1024,
        "pii_keys": "k1:" + encode_key(b"\x01" * 32),
        "pii_index_key": encode_key(b"\x02" * 32),
    }
    values.update(overrides)
    return Settings(**values)


def add_test_routes(app: FastAPI) -> None:
    log = logging.getLogger("tests.web")

    @app.get("/whoami")
    async def whoami(principal: CurrentPrincipal) -> dict[str, Any]:
        return {
            "sub": principal.sub,
            "name": principal.name,
            "roles": sorted(principal.roles),
            "unit": principal.unit,
        }

    @app.get("/supervision")
    async def supervision(
        principal: Annotated[Principal, Depends(require_roles("supervisor", "leader"))],
    ) -> dict[str, str]:
        return {"sub": principal.sub}

    @app.post("/petitions", status_code=201)
    async def register(body: PetitionIn) -> dict[str, int]:
        return {"petitioners": len(body.petitioners)}

    @app.get("/items")
    async def items(limit: Annotated[int, Query(ge=1)] = 10) -> dict[str, int]:
        return {"limit": limit}

    @app.get("/cases/{case_id}")
    async def case(case_id: str) -> dict[str, str]:
        log.info("case read", extra={"case_id": case_id})
        return {"case_id": case_id}

    @app.get("/public/cases/{case_no}")
    async def public_case(case_no: str, code: str) -> dict[str, str]:
        return {"case_no": case_no}

    @app.get("/conflict")
    async def conflict() -> None:
        raise DomainProblem(
            409, "version-conflict", "Case changed concurrently", "expected version 3", expected_version=3
        )

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("database password is hunter2")

    @app.post("/upload")
    async def upload(request: Request) -> dict[str, int]:
        return {"received": len(await request.body())}


def make_app(settings: Settings | None = None, **kwargs: Any) -> FastAPI:
    app = base_app("intake", settings or make_settings(), **kwargs)
    add_test_routes(app)
    return app


@pytest.fixture
def app() -> FastAPI:
    return make_app()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c


def json_lines(text: str) -> list[dict[str, Any]]:
    """The JSON log lines in captured stdout (every non-empty line must be one)."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == f"https://xinfang.example/problems/{slug}"
    assert body["status"] == status
    assert body["title"]
    assert body["correlation_id"] == response.headers["x-correlation-id"]
    return body
