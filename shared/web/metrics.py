"""Prometheus metrics, one registry per app (several apps may live in one process, as in tests).

Exposed at ``GET /metrics``:

- ``xinfang_http_request_duration_seconds{service, method, route, status}`` — histogram; ``route`` is
  the route template (``/cases/{case_id}/history``), ``<unmatched>`` for paths no route serves.
- ``xinfang_consumer_lag{service, consumer, topic}`` — events published but not yet processed by a
  consumer (projection, reactor).
- ``xinfang_outbox_backlog{service}`` — events stored but not yet published by the relay.
- ``xinfang_open_clocks{service, state}`` — supervision clocks not yet closed, by state
  (``running``, ``paused``, ``overdue``).

Other parts set the gauges through :class:`Metrics` (``app.state.metrics``), e.g.
``metrics.set_outbox_backlog(n)``. Not multi-process aware: run one worker per container.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from fastapi import APIRouter, FastAPI, Request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, Histogram, generate_latest
from prometheus_client.gc_collector import GCCollector
from prometheus_client.process_collector import ProcessCollector
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNMATCHED_ROUTE = "<unmatched>"


@dataclass(frozen=True)
class Metrics:
    service: str
    registry: CollectorRegistry
    request_duration: Histogram
    consumer_lag: Gauge
    outbox_backlog: Gauge
    open_clocks: Gauge

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.request_duration.labels(self.service, method, route, str(status)).observe(seconds)

    def set_consumer_lag(self, consumer: str, topic: str, lag: int) -> None:
        self.consumer_lag.labels(self.service, consumer, topic).set(lag)

    def set_outbox_backlog(self, backlog: int) -> None:
        self.outbox_backlog.labels(self.service).set(backlog)

    def set_open_clocks(self, state: str, count: int) -> None:
        self.open_clocks.labels(self.service, state).set(count)

    def render(self) -> bytes:
        return generate_latest(self.registry)


def create_metrics(service: str, *, process_metrics: bool = True) -> Metrics:
    """A fresh registry holding this system's metrics (and, by default, process and GC metrics)."""
    registry = CollectorRegistry(auto_describe=True)
    if process_metrics:
        ProcessCollector(registry=registry)
        GCCollector(registry=registry)
    return Metrics(
        service=service,
        registry=registry,
        request_duration=Histogram(
            "xinfang_http_request_duration_seconds",
            "HTTP request latency by route template and status",
            ["service", "method", "route", "status"],
            registry=registry,
        ),
        consumer_lag=Gauge(
            "xinfang_consumer_lag",
            "Events on a topic not yet processed by a consumer",
            ["service", "consumer", "topic"],
            registry=registry,
        ),
        outbox_backlog=Gauge(
            "xinfang_outbox_backlog",
            "Events stored in the outbox and not yet published",
            ["service"],
            registry=registry,
        ),
        open_clocks=Gauge(
            "xinfang_open_clocks",
            "Supervision clocks not yet closed, by state",
            ["service", "state"],
            registry=registry,
        ),
    )


def get_metrics(app: FastAPI) -> Metrics:
    metrics = getattr(app.state, "metrics", None)
    if not isinstance(metrics, Metrics):
        raise RuntimeError("app has no metrics: build it with shared.web.app.base_app")
    return metrics


class MetricsMiddleware:
    """Observes the latency of every HTTP request under its route template."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_recording)
        finally:
            route = getattr(scope.get("route"), "path", None) or UNMATCHED_ROUTE
            self.metrics.observe_request(
                str(scope.get("method", "")), route, status, time.perf_counter() - started
            )


def metrics_router() -> APIRouter:
    """``GET /metrics`` in the Prometheus text format, from ``app.state.metrics``."""
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        return Response(get_metrics(request.app).render(), media_type=CONTENT_TYPE_LATEST)

    return router
