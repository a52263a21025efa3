"""413 for bodies over the limit; 429 with Retry-After from the token bucket."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.testclient import TestClient

from shared.web.limits import BodySizeLimitMiddleware, TokenBucketLimiter, rate_limit
from shared.web.problems import install_problem_handlers
from tests.unit.shared.conftest import assert_problem


async def test_body_within_the_limit_is_accepted(client: httpx.AsyncClient) -> None:
    response = await client.post("/upload", content=b"x" * 1024)  # limit in the test settings: 1024
    assert response.status_code == 200
    assert response.json() == {"received": 1024}


async def test_declared_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    response = await client.post("/upload", content=b"x" * 1025)
    problem = assert_problem(response, 413, "content-too-large")
    assert problem["detail"] == "request body exceeds 1024 bytes"


async def test_chunked_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield b"y" * 300

    response = await client.post("/upload", content=chunks())
    assert "content-length" not in response.request.headers
    assert_problem(response, 413, "content-too-large")


async def test_chunked_oversized_json_body_is_413_not_400(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"title": "'
        for _ in range(5):
            yield b"z" * 300
        yield b'", "petitioners": []}'

    response = await client.post("/petitions", content=chunks(), headers={"Content-Type": "application/json"})
    assert_problem(response, 413, "content-too-large")


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_rate_limit_answers_429_with_retry_after() -> None:
    clock = FakeClock()
    limiter = TokenBucketLimiter(rate=0.5, burst=2, clock=clock)  # one request per 2 s after a burst of 2
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/public/ping", dependencies=[Depends(rate_limit(limiter))])
    async def ping() -> dict[str, bool]:
        return {"pong": True}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        assert [(await client.get("/public/ping")).status_code for _ in range(2)] == [200, 200]
        refused = await client.get("/public/ping")
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"] == "https://xinfang.example/problems/rate-limited"
        assert refused.headers["retry-after"] == "2"

        other_client = await client.get("/public/ping", headers={"X-API-Key": "hotline-system"})
        assert other_client.status_code == 200  # separate bucket per API key

        clock.now += 2
        assert (await client.get("/public/ping")).status_code == 200
        assert (await client.get("/public/ping")).status_code == 429


def test_limiter_forgets_the_least_recent_keys_beyond_max_keys() -> None:
    clock = FakeClock()
    limiter = TokenBucketLimiter(rate=1, burst=1, max_keys=2, clock=clock)
    assert limiter.acquire("a") == 0.0
    assert limiter.acquire("a") == 1.0
    limiter.acquire("b")
    limiter.acquire("c")  # evicts "a"
    assert limiter.acquire("a") == 0.0



async def _body_size(request: Request) -> dict[str, int]:
    return {"bytes": len(await request.body())}


def test_a_route_with_its_own_limit_accepts_more_and_the_others_keep_the_default() -> None:
    app = FastAPI()
    app.add_api_route("/upload", _body_size, methods=["POST"])
    app.add_api_route("/note", _body_size, methods=["POST"])
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=100, overrides={("POST", "/upload"): 1000})
    client = TestClient(app)
    assert client.post("/upload", content=b"x" * 500).json() == {"bytes": 500}
    refused = client.post("/note", content=b"x" * 500)
    assert refused.status_code == 413 and "100 bytes" in refused.json()["detail"]
    assert client.post("/upload", content=b"x" * 1500).status_code == 413
