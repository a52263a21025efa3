"""The composition root of intake: the only place that wires database, bus, clock and auth."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.intake.api import petitions
from shared.clock import Clock
from shared.service_app import build_service_app
from shared.settings import Settings


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return build_service_app(
        "intake",
        settings or Settings(),
        package_dir=Path(__file__).parent,
        description="Registration of petitions from every channel; the petitioner's side.",
        routers=[petitions.router],
        clock=clock,
    )
