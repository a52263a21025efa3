"""Structured JSON logs on stdout, one object per line, and the per-request access line.

Each line has ``time`` (UTC, ISO-8601), ``level``, ``logger``, ``message``, ``service``,
``correlation_id`` and any ``extra={...}`` fields given to the logging call; a logged exception adds
``exception`` (the traceback: it goes to the log, never into a response).

The access line (logger ``xinfang.access``, message ``request``) holds ``method``, ``path``, ``route``,
``status`` and ``duration_ms``. It never holds the query string (a petitioner's query code travels
there), headers or bodies. Uvicorn's own access log, which prints query strings, is switched off by
:func:`configure_logging` (and httpx's request log is raised to WARNING); run uvicorn with
``log_config=None`` so its other messages come out as JSON.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.web.correlation import (
    acceptable_correlation_id,
    correlation_context,
    get_correlation_id,
    new_correlation_id,
)

CORRELATION_HEADER = "X-Correlation-ID"
REQUEST_ID_HEADER = "X-Request-ID"
ACCESS_LOGGER = "xinfang.access"

#: Paths probed every few seconds: their access lines are logged at DEBUG.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

_service: ContextVar[str | None] = ContextVar("xinfang_service", default=None)

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
# (``color_message`` is uvicorn's ANSI-coloured copy of the message.)
_RECORD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "service": _service.get() or self.service,
            "correlation_id": get_correlation_id(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRS and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


class _StdoutHandler(logging.Handler):
    """Writes to whatever ``sys.stdout`` is at the time of the call."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
            stream = sys.stdout
            stream.write(line + "\n")
            stream.flush()
        except Exception:
            self.handleError(record)


def configure_logging(service: str, level: str | int = "INFO") -> None:
    """Send all logging to stdout as JSON lines. Calling it again replaces, never duplicates."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _StdoutHandler)]:
        root.removeHandler(handler)
    handler = _StdoutHandler()
    handler.setFormatter(JsonFormatter(service))
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for name in ("uvicorn", "uvicorn.error"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    # httpx logs every outgoing URL at INFO, query string included.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    access.disabled = True


class RequestLoggingMiddleware:
    """Adopts or creates the correlation id, echoes it, and logs one access line per request."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service
        self.log = logging.getLogger(ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cid = (
            acceptable_correlation_id(headers.get(CORRELATION_HEADER))
            or acceptable_correlation_id(headers.get(REQUEST_ID_HEADER))
            or new_correlation_id()
        )
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message.setdefault("headers", [])
                MutableHeaders(scope=message)[CORRELATION_HEADER] = cid
            await send(message)

        service_token = _service.set(self.service)
        try:
            with correlation_context(cid):
                try:
                    await self.app(scope, receive, send_with_id)
                finally:
                    self._access(scope, status, started)
        finally:
            _service.reset(service_token)

    def _access(self, scope: Scope, status: int, started: float) -> None:
        path = str(scope.get("path", ""))
        route = scope.get("route")
        level = logging.DEBUG if path in QUIET_PATHS else logging.INFO
        self.log.log(
            level,
            "request",
            extra={
                "method": scope.get("method"),
                "path": path,
                "route": getattr(route, "path", None),
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            },
        )
