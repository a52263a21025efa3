"""The composition root of routing: the only place that wires database, bus, clock and auth."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.routing.api import actions, assignments, directory, inbox, preview
from services.routing.handlers.cases import CaseCommands
from services.routing.handlers.directory import DirectoryHolder
from services.routing.handlers.route_case import petition_consumer_handler
from shared.clock import Clock
from shared.consumers.runner import Consumer
from shared.runtime import Runtime
from shared.scope.projection import scope_consumer
from shared.service_app import build_service_app
from shared.settings import Settings


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings()
    holders: list[DirectoryHolder] = []

    def consumers(runtime: Runtime) -> list[Consumer]:
        holder = DirectoryHolder(runtime, settings.directory_dir)
        holders.append(holder)
        return [
            Consumer("petitions", [runtime.topic("intake")], petition_consumer_handler(runtime, holder)),
            # the scope (P3) is also kept in the transactions above; this one catches up an empty table
            scope_consumer(runtime.topic("intake"), runtime.topic("routing")),
        ]

    async def import_directory(runtime: Runtime) -> None:
        """An empty store gets the directory and vocabulary of ``settings.directory_dir`` (versioned)."""
        async with runtime.db.transaction() as conn:
            await holders[0].current(conn)

    app = build_service_app(
        "routing",
        settings,
        package_dir=Path(__file__).parent,
        description="属地管理、分级负责，谁主管、谁负责: every case to the unit that must handle it, with the reason.",
        routers=[preview.router, assignments.router, inbox.router, actions.router, directory.router],
        consumers=consumers,
        clock=clock,
        on_start=import_directory,
    )
    runtime: Runtime = app.state.runtime
    app.state.directory = holders[0]
    app.state.case_commands = CaseCommands(runtime, holders[0])
    return app
