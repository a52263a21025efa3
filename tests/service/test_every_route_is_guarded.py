"""Every route of every service names the roles it admits (DESIGN.md §3), or is public on purpose.

The routes are enumerated from the apps themselves, so a route added tomorrow is checked too: without a
token it must answer 401, and with a valid token that holds no role 403 (a route that only asks for
*some* authenticated caller fails the second check). Public routes are listed below, each with the
reason and the status an anonymous caller gets.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from shared.settings import SERVICES, Settings
from tests.support.system import auth, in_process

#: (service, method, path template) -> what an anonymous caller gets, and why the route is public
PUBLIC: dict[tuple[str, str, str], int] = {}


def _public(services: tuple[str, ...], method: str, path: str, status: int) -> None:
    for service in services:
        PUBLIC[(service, method, path)] = status


# Operations: liveness, readiness and Prometheus scraping need no credentials (they show no case data).
_public(SERVICES, "GET", "/healthz", 200)
_public(SERVICES, "GET", "/readyz", 200)
_public(SERVICES, "GET", "/metrics", 200)
# The API's own description: the OpenAPI document and its viewers.
_public(SERVICES, "GET", "/openapi.json", 200)
_public(SERVICES, "GET", "/docs", 200)
_public(SERVICES, "GET", "/docs/oauth2-redirect", 200)
_public(SERVICES, "GET", "/redoc", 200)
# The petitioner's side: the case number and the query code are the credentials (404 without them).
_public(("intake",), "GET", "/public/cases/{case_no}", 404)
_public(("intake",), "POST", "/public/cases/{case_no}/evaluation", 422)
_public(("intake",), "POST", "/public/cases/{case_no}/review", 422)
_public(("intake",), "POST", "/public/cases/{case_no}/re-review", 422)
# Open311 GeoReport v2: discovery and service definitions are public by the spec ...
_public(("intake",), "GET", "/open311/v2/discovery.json", 200)
_public(("intake",), "GET", "/open311/v2/services.json", 200)
_public(("intake",), "GET", "/open311/v2/services/{service_code}.json", 404)
# ... service requests need an API key (or an integration token): 403 in the spec's error format.
_public(("intake",), "POST", "/open311/v2/requests.json", 403)
_public(("intake",), "GET", "/open311/v2/requests.json", 403)
_public(("intake",), "GET", "/open311/v2/requests/{service_request_id}.json", 403)
_public(("intake",), "GET", "/open311/v2/tokens/{token}.json", 403)
# ... and XML is refused whoever asks.
_public(("intake",), "GET", "/open311/v2/{path}.xml", 400)
_public(("intake",), "POST", "/open311/v2/{path}.xml", 400)

#: a value for each path parameter (no such case, unit or job: the guard must answer before that matters)
_PARAMS = {
    "case_id": "00000000-0000-4000-8000-000000000000",
    "case_no": "370703-2026-000001",
    "unit_id": "370703:petition_bureau",
    "import_id": "00000000-0000-4000-8000-000000000001",
    "key_id": "no-such-key",
    "service_code": "no-such-service",
    "service_request_id": "370703-2026-000001",
    "token": "no-such-token",
    "path": "requests",
}


def _routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(method, path template) of every route, through included routers."""
    contexts: list[Any]
    try:
        from fastapi.routing import iter_route_contexts  # FastAPI >= 0.165: routers are included lazily
    except ImportError:
        contexts = list(app.routes)
    else:
        contexts = list(iter_route_contexts(app.routes))
    for route in contexts:
        path = route.path
        methods = sorted(set(route.methods or ()) - {"HEAD"})
        for method in methods:
            yield method, re.sub(r"\{(\w+)(:\w+)?\}", r"{\1}", path)


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: _PARAMS[m.group(1)], path)


def _all_routes(settings: Settings) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    for service in SERVICES:
        app = importlib.import_module(f"services.{service}.app").create_app(settings)
        found += [(service, method, path) for method, path in _routes(app)]
    return found


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=Path(tmp_path_factory.mktemp("guarded")), relay_interval_ms=10, poll_interval_ms=10)


@pytest.fixture(scope="module")
async def clients(settings: Settings) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    async with in_process(settings) as clients:
        yield clients


def test_the_enumeration_finds_every_kind_of_route(settings: Settings) -> None:
    routes = _all_routes(settings)
    assert ("intake", "GET", "/petitions/{case_id}") in routes
    assert ("routing", "POST", "/cases/{case_id}/reassign") in routes
    assert ("supervision", "GET", "/cases/{case_id}/clocks") in routes
    assert ("reporting", "GET", "/cases/{case_id}/history") in routes
    assert ("intake", "GET", "/audit/access-log") in routes
    assert set(PUBLIC) <= set(routes), "an allow-listed route no longer exists: remove it from PUBLIC"


async def test_every_route_needs_a_token_and_a_role_unless_it_is_public(
    settings: Settings, clients: dict[str, httpx.AsyncClient]
) -> None:
    roleless = auth(settings, sub="nobody", roles=(), unit="370703:petition_bureau")
    wrong: list[str] = []
    checked = 0
    for service, method, path in _all_routes(settings):
        client = clients[service]
        url = _url(path)
        anonymous = await client.request(method, url, json={} if method in ("POST", "PUT") else None)
        public = PUBLIC.get((service, method, path))
        if public is not None:
            if anonymous.status_code != public:
                wrong.append(f"{service} {method} {path}: public, expected {public}, got {anonymous.status_code}")
            continue
        if anonymous.status_code != 401:
            wrong.append(f"{service} {method} {path}: without a token {anonymous.status_code}, expected 401")
        no_role = await client.request(method, url, headers=roleless, json={} if method in ("POST", "PUT") else None)
        if no_role.status_code != 403:
            wrong.append(f"{service} {method} {path}: with no role {no_role.status_code}, expected 403")
        checked += 1
    assert not wrong, "\n".join(wrong)
    assert checked >= 40  # the guarded routes of the four services


def test_routes_are_api_routes_or_known_documentation(settings: Settings) -> None:
    """Starlette mounts or raw routes would slip past FastAPI's dependencies: there are none."""
    for service in SERVICES:
        app = importlib.import_module(f"services.{service}.app").create_app(settings)
        try:
            from fastapi.routing import iter_route_contexts
        except ImportError:  # pragma: no cover - older FastAPI
            originals = list(app.routes)
        else:
            originals = [c.original_route for c in iter_route_contexts(app.routes)]
        for route in originals:
            if not isinstance(route, APIRoute):
                assert getattr(route, "path", None) in {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}, route
