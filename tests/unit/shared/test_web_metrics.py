"""``/metrics``: request latency by route template, and the gauges other parts set."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from shared.web.metrics import get_metrics
from tests.unit.shared.conftest import make_app


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def labels(**kv: str) -> frozenset[tuple[str, str]]:
    return frozenset(kv.items())


async def test_latency_histogram_is_labelled_with_the_route_template(client: httpx.AsyncClient) -> None:
    await client.get("/cases/c-1")
    await client.get("/cases/c-2")
    await client.get("/nowhere/at/all")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = samples(response.text)
    ok = labels(service="intake", method="GET", route="/cases/{case_id}", status="200")
    assert found[("xinfang_http_request_duration_seconds_count", ok)] == 2
    assert found[("xinfang_http_request_duration_seconds_sum", ok)] > 0
    missing = labels(service="intake", method="GET", route="<unmatched>", status="404")
    assert found[("xinfang_http_request_duration_seconds_count", missing)] == 1
    assert "/cases/c-1" not in response.text  # raw paths never become labels


async def test_gauges_set_by_other_parts_are_exposed(app: FastAPI, client: httpx.AsyncClient) -> None:
    metrics = get_metrics(app)
    metrics.set_outbox_backlog(7)
    metrics.set_open_clocks("overdue", 3)
    metrics.set_open_clocks("running", 12)
    metrics.set_consumer_lag("case_history", "xinfang.intake", 40)
    found = samples((await client.get("/metrics")).text)
    assert found[("xinfang_outbox_backlog", labels(service="intake"))] == 7
    assert found[("xinfang_open_clocks", labels(service="intake", state="overdue"))] == 3
    assert found[("xinfang_open_clocks", labels(service="intake", state="running"))] == 12
    lag = labels(service="intake", consumer="case_history", topic="xinfang.intake")
    assert found[("xinfang_consumer_lag", lag)] == 40


async def test_each_app_has_its_own_registry() -> None:
    first, second = make_app(), make_app()  # would raise "Duplicated timeseries" with a global registry
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=first), base_url="http://a") as a:
        await a.get("/items")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=second), base_url="http://b") as b:
        text = (await b.get("/metrics")).text
    assert not any(
        name == "xinfang_http_request_duration_seconds_count" and ("route", "/items") in lbls
        for name, lbls in samples(text)
    )
