"""The composition root of supervision: the only place that wires database, bus, clock and auth."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.supervision.api import clocks
from services.supervision.domain.policies import load_policies
from services.supervision.handlers.clocks import Deadlines, case_events_handler
from shared.calendar.statutory import StatutoryCalendar
from shared.clock import Clock
from shared.consumers.runner import Consumer
from shared.runtime import Runtime
from shared.scope.projection import scope_consumer
from shared.service_app import build_service_app
from shared.settings import Settings


def consumers(runtime: Runtime) -> list[Consumer]:
    directory = runtime.settings.directory_dir
    deadlines = Deadlines(
        StatutoryCalendar.from_directory(directory / "calendar"), load_policies(directory / "clock_policies.yaml")
    )
    topics = [runtime.topic("intake"), runtime.topic("routing")]
    return [
        Consumer("cases", topics, case_events_handler(runtime, deadlines)),
        scope_consumer(runtime.topic("intake"), runtime.topic("routing")),
    ]


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return build_service_app(
        "supervision",
        settings or Settings(),
        package_dir=Path(__file__).parent,
        description="Statutory clocks (D1–D8), urging, supervision notices and escalation.",
        routers=[clocks.router],
        consumers=consumers,
        clock=clock,
    )
