"""The skeleton every service's ``create_app`` fills in: runtime + web app + lifespan.

A service's ``app.py`` stays its composition root: it names its consumers and routers and hands them
here; this module only does what all four would otherwise repeat.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI

from shared.clock import Clock, SystemClock
from shared.consumers.runner import Consumer
from shared.privacy.scrub import install_log_scrubber
from shared.runtime import Runtime
from shared.settings import Settings
from shared.store.migrate import service_history
from shared.web.admin import admin_router
from shared.web.app import base_app
from shared.web.health import add_readiness_check
from shared.web.metrics import Metrics, get_metrics

log = logging.getLogger("xinfang.runtime")

GAUGE_INTERVAL_S = 5.0


async def _update_gauges(runtime: Runtime, metrics: Metrics) -> None:
    """Keep ``xinfang_outbox_backlog`` and ``xinfang_consumer_lag`` current for /metrics."""
    while True:
        try:
            metrics.set_outbox_backlog(await runtime.relay.backlog())
            for runner in runtime.runners:
                lag = await runner.subscriber.lag()
                metrics.set_consumer_lag(runner.consumer.name, ",".join(runner.consumer.topics), lag)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("could not update gauges", exc_info=True)
        await asyncio.sleep(GAUGE_INTERVAL_S)


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
    body_limits: Mapping[tuple[str, str], int] | None = None,
) -> FastAPI:
    runtime = Runtime(service, settings, [service_history(package_dir)], clock or SystemClock())
    runtime.consumers = consumers(runtime)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        if on_start is not None:
            result = on_start(runtime)
            if inspect.isawaitable(result):
                await result
        add_readiness_check(app, "database_and_bus", runtime.ready)
        gauges = asyncio.create_task(_update_gauges(runtime, get_metrics(app)))
        try:
            yield
        finally:
            gauges.cancel()
            await runtime.stop()

    app = base_app(
        service,
        settings,
        title=f"xinfang {service}",
        lifespan=lifespan,
        description=description,
        body_limits=body_limits,
    )
    install_log_scrubber()  # P1: no readable ID number or phone in any log line
    app.state.runtime = runtime
    for router in routers:
        app.include_router(router)
    app.include_router(admin_router())
    return app
