"""The skeleton every service's ``create_app`` fills in: runtime + web app + lifespan.

A service's ``app.py`` stays its composition root: it names its consumers and routers and hands them
here; this module only does what all four would otherwise repeat.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI

from shared.clock import Clock, SystemClock
from shared.consumers.runner import Consumer
from shared.runtime import Runtime
from shared.settings import Settings
from shared.store.migrate import service_history
from shared.web.admin import admin_router
from shared.web.app import base_app
from shared.web.health import add_readiness_check


def build_service_app(
    service: str,
    settings: Settings,
    *,
    package_dir: Path,
    description: str,
    routers: Sequence[APIRouter],
    consumers: Callable[[Runtime], list[Consumer]] = lambda _rt: [],
    clock: Clock | None = None,
    on_start: Callable[[Runtime], object] | None = None,
) -> FastAPI:
    runtime = Runtime(service, settings, [service_history(package_dir)], clock or SystemClock())
    runtime.consumers = consumers(runtime)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        if on_start is not None:
            result = on_start(runtime)
            if hasattr(result, "__await__"):
                await result  # type: ignore[misc]
        add_readiness_check(app, "database_and_bus", runtime.ready)
        try:
            yield
        finally:
            await runtime.stop()

    app = base_app(service, settings, title=f"xinfang {service}", lifespan=lifespan, description=description)
    app.state.runtime = runtime
    for router in routers:
        app.include_router(router)
    app.include_router(admin_router())
    return app
