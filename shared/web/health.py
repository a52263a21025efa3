"""``GET /healthz`` (the process answers) and ``GET /readyz`` (its dependencies answer).

A readiness check is an async callable taking no arguments; it fails by raising or by returning
``False``, and has :data:`CHECK_TIMEOUT_S` seconds. Services register theirs at start-up::

    add_readiness_check(app, "database", lambda: store.ping())
    add_readiness_check(app, "bus", bus.ping)

``/readyz`` answers 200 ``{status: "ok", checks: {name: "ok"}}`` when all pass, otherwise 503
``problem+json`` (type ``.../not-ready``) naming the failing checks in ``detail`` and ``failed``. The
reason for a failure is logged, not returned (connection errors name hosts and users).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, FastAPI, Request
from starlette.responses import JSONResponse, Response

from shared.web.problems import problem_response

ReadinessCheck = Callable[[], Awaitable[bool | None]]

CHECK_TIMEOUT_S = 2.0

_log = logging.getLogger(__name__)


def readiness_checks(app: FastAPI) -> dict[str, ReadinessCheck]:
    checks: dict[str, ReadinessCheck] | None = getattr(app.state, "readiness_checks", None)
    if checks is None:
        checks = {}
        app.state.readiness_checks = checks
    return checks


def add_readiness_check(app: FastAPI, name: str, check: ReadinessCheck) -> None:
    """Register (or replace) the check called ``name``."""
    readiness_checks(app)[name] = check


async def _run(name: str, check: ReadinessCheck, limit_s: float) -> str:
    try:
        async with asyncio.timeout(limit_s):
            result = await check()
    except TimeoutError:
        _log.warning("readiness check timed out", extra={"check": name, "timeout_s": limit_s})
        return "timeout"
    except Exception as exc:
        _log.warning("readiness check failed", extra={"check": name, "error": repr(exc)})
        return "failed"
    if result is False:
        _log.warning("readiness check failed", extra={"check": name})
        return "failed"
    return "ok"


def health_router(*, check_timeout_s: float = CHECK_TIMEOUT_S) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Database, bus and other dependencies are reachable")
    async def readyz(request: Request) -> Response:
        checks = dict(readiness_checks(request.app))
        names = list(checks)
        outcomes = await asyncio.gather(*(_run(n, checks[n], check_timeout_s) for n in names))
        results = dict(zip(names, outcomes, strict=True))
        failed = [name for name, outcome in results.items() if outcome != "ok"]
        if failed:
            return problem_response(
                503,
                "not-ready",
                "Service not ready",
                "failing checks: " + ", ".join(failed),
                failed=failed,
                checks=results,
            )
        return JSONResponse({"status": "ok", "checks": results})

    return router
