"""The composition root of reporting: the only place that wires database, bus, clock and auth."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.reporting.api import history
from services.reporting.handlers.history import project_history
from shared.clock import Clock
from shared.consumers.runner import Consumer
from shared.runtime import Runtime
from shared.scope.projection import scope_consumer
from shared.service_app import build_service_app
from shared.settings import Settings


def consumers(runtime: Runtime) -> list[Consumer]:
    return [
        Consumer("history", runtime.all_topics(), project_history),
        scope_consumer(runtime.topic("intake"), runtime.topic("routing")),
    ]


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return build_service_app(
        "reporting",
        settings or Settings(),
        package_dir=Path(__file__).parent,
        description="Read models over every event: case history, bulletins, indicators.",
        routers=[history.router],
        consumers=consumers,
        clock=clock,
    )
