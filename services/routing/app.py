"""The composition root of routing: the only place that wires database, bus, clock and auth."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.routing.api import assignments
from services.routing.handlers.route_case import petition_consumer_handler
from shared.clock import Clock
from shared.consumers.runner import Consumer
from shared.runtime import Runtime
from shared.service_app import build_service_app
from shared.settings import Settings


def consumers(runtime: Runtime) -> list[Consumer]:
    return [Consumer("petitions", [runtime.topic("intake")], petition_consumer_handler(runtime))]


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return build_service_app(
        "routing",
        settings or Settings(),
        package_dir=Path(__file__).parent,
        description="属地管理、分级负责，谁主管、谁负责: every case to the unit that must handle it, with the reason.",
        routers=[assignments.router],
        consumers=consumers,
        clock=clock,
    )
