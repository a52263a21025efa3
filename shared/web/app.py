"""The FastAPI app every service starts from.

``base_app`` wires, outermost first: request logging with correlation ids, request metrics, the body
size limit, the last-resort 500 problem, then FastAPI's routing with problem handlers for every
error; and the routes ``/healthz``, ``/readyz`` and ``/metrics``. ``app.state`` holds ``settings``,
``service_name``, ``authenticator`` (see :mod:`shared.web.auth`), ``metrics`` (see
:mod:`shared.web.metrics`) and ``readiness_checks`` (see :mod:`shared.web.health`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import FastAPI

from shared.settings import Settings
from shared.web.auth import TokenVerifier, make_authenticator
from shared.web.health import health_router, readiness_checks
from shared.web.limits import BodySizeLimitMiddleware
from shared.web.logging import RequestLoggingMiddleware, configure_logging
from shared.web.metrics import MetricsMiddleware, create_metrics, metrics_router
from shared.web.problems import install_problem_handlers


def base_app(
    service_name: str,
    settings: Settings,
    *,
    title: str | None = None,
    version: str = "0.1.0",
    description: str = "",
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[Any]] | None = None,
    authenticator: TokenVerifier | None = None,
    configure_logs: bool = True,
    body_limits: Mapping[tuple[str, str], int] | None = None,
) -> FastAPI:
    """A FastAPI app with problems, logging, metrics, health, body limit and auth wired in.

    ``lifespan`` is the service's start-up/shut-down context (open the database, start consumers,
    register readiness checks). ``authenticator`` replaces the one ``settings`` ask for (tests).
    ``configure_logs=False`` leaves the process's logging configuration alone. ``body_limits`` gives
    single routes, keyed ``(method, path)``, a body limit other than ``XINFANG_MAX_BODY_BYTES``.
    """
    if configure_logs:
        configure_logging(service_name, settings.log_level)
    app = FastAPI(
        title=title or f"xinfang {service_name}",
        version=version,
        description=description,
        lifespan=lifespan,
    )
    metrics = create_metrics(service_name)
    app.state.settings = settings
    app.state.service_name = service_name
    app.state.authenticator = authenticator or make_authenticator(settings)
    app.state.metrics = metrics
    readiness_checks(app)

    install_problem_handlers(app)  # innermost middleware: unhandled exception -> 500 problem
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes, overrides=body_limits)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(RequestLoggingMiddleware, service=service_name)  # outermost

    app.include_router(health_router())
    app.include_router(metrics_router())
    return app
