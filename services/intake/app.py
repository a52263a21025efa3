"""The composition root of intake: the only place that wires database, bus, clock, auth, the directory,
the keys, the rate limits and the import runner."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from services.intake.api import access_log, api_keys, imports, open311, petitions, public
from services.intake.api.deps import IntakeLimits
from services.intake.context import Intake
from services.intake.directory import Directory
from services.intake.handlers.imports import ImportRunner
from services.intake.handlers.maintenance import digest_legacy_query_codes, run_retention
from services.intake.handlers.progress import progress_handler
from services.intake.keys import IntakeKeys
from shared.calendar.statutory import StatutoryCalendar
from shared.clock import Clock
from shared.consumers.runner import Consumer
from shared.privacy.vault import Vault
from shared.runtime import Runtime
from shared.scope.projection import scope_consumer
from shared.service_app import build_service_app
from shared.settings import Settings

#: Largest upload ``POST /imports`` accepts (other requests keep ``XINFANG_MAX_BODY_BYTES``).
IMPORT_MAX_BYTES = 256 * 1024 * 1024


def consumers(runtime: Runtime) -> list[Consumer]:
    topics = [runtime.topic("routing"), runtime.topic("supervision")]
    return [
        Consumer("progress", topics, progress_handler()),
        # the scope (P3): where routing sends a case; intake's own events are also projected as recorded
        scope_consumer(runtime.topic("intake"), runtime.topic("routing")),
    ]


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings()
    directory = Directory.load(settings.directory_dir)
    keys = IntakeKeys.from_settings(settings)
    app = build_service_app(
        "intake",
        settings,
        package_dir=Path(__file__).parent,
        description="Registration of petitions from every channel, Open311, bulk imports; the petitioner's side.",
        routers=[petitions.router, public.router, open311.router, imports.router, api_keys.router, access_log.router],
        consumers=consumers,
        clock=clock,
        body_limits={("POST", "/imports"): IMPORT_MAX_BYTES},  # a file of thousands of paper records
    )
    runtime = app.state.runtime
    calendar_dir = settings.directory_dir / "calendar"
    calendar = StatutoryCalendar.from_directory(calendar_dir) if calendar_dir.is_dir() else StatutoryCalendar()
    intake = Intake(
        runtime, directory, keys, Vault.from_settings(runtime.db, settings, clock=runtime.clock), calendar
    )
    runner = ImportRunner(intake)
    app.state.intake = intake
    app.state.intake_limits = IntakeLimits()
    app.state.imports = runner

    service_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with service_lifespan(app):
            await digest_legacy_query_codes(intake)
            await runner.start()
            stop = asyncio.Event()
            retention = asyncio.create_task(run_retention(intake, stop))
            try:
                yield
            finally:
                stop.set()
                await retention
                await runner.stop()

    app.router.lifespan_context = lifespan
    return app
