"""Request body size limit and an in-memory token-bucket rate limiter.

The body limit is a middleware (``base_app`` installs it with ``settings.max_body_bytes``): a declared
``Content-Length`` over the limit is refused at once, a chunked body as soon as it grows past it; both
get a 413 problem (type ``.../content-too-large``).

The rate limiter is a dependency for public and integration endpoints::

    limiter = TokenBucketLimiter(rate=5, burst=10)
    @router.get("/public/cases/{case_no}", dependencies=[Depends(rate_limit(limiter))])

Requests over the limit get a 429 problem (type ``.../rate-limited``) with ``Retry-After`` (seconds).
Buckets live in process memory: with several processes each has its own budget. Clients are told apart
by ``X-API-Key`` (hashed) or else by client address; behind the gateway, run uvicorn with
``--proxy-headers --forwarded-allow-ips=<gateway>`` so the address is the caller's, not the gateway's.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from fastapi import HTTPException, Request
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.web.problems import DomainProblem, problem_response

DEFAULT_MAX_BODY_BYTES = 1024 * 1024


class _BodyTooLarge(HTTPException):
    """An HTTPException, so that FastAPI's body parsing passes it on to the problem handlers."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _detail(limit))


def _detail(limit: int) -> str:
    return f"request body exceeds {limit} bytes"


class BodySizeLimitMiddleware:
    """413 for a body over ``max_bytes``; ``overrides`` give single routes, keyed ``(method, path)``, a
    limit of their own (a file upload, say)."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int = DEFAULT_MAX_BODY_BYTES,
        overrides: Mapping[tuple[str, str], int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.overrides = dict(overrides or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.overrides.get((scope.get("method", ""), scope.get("path", "")), self.max_bytes)
        too_large = problem_response(413, detail=_detail(limit))
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await too_large(scope, receive, send)
            return

        received = 0
        started = False

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge(limit)
            return message

        async def send_tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive_limited, send_tracking)
        except _BodyTooLarge:
            if started:
                raise
            await too_large(scope, receive, send)


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucketLimiter:
    """``burst`` requests at once, refilled at ``rate`` per second, per key. Keeps at most ``max_keys``."""

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float:
        """Take a token for ``key``: 0.0 when allowed, else the seconds until one is available."""
        now = self.clock()
        with self._lock:
            bucket = self._buckets.pop(key, None) or _Bucket(float(self.burst), now)
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            self._buckets[key] = bucket
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate


def client_key(request: Request) -> str:
    """``key:<hash of X-API-Key>`` when the header is present, else ``ip:<client address>``."""
    api_key = request.headers.get("x-api-key")
    if api_key:
        return "key:" + hashlib.sha256(api_key.encode()).hexdigest()[:32]
    return "ip:" + (request.client.host if request.client else "unknown")


def rate_limit(
    limiter: TokenBucketLimiter, key: Callable[[Request], str] = client_key
) -> Callable[[Request], Awaitable[None]]:
    """A dependency answering 429 (with ``Retry-After``) when ``limiter`` refuses the request's key."""

    async def dependency(request: Request) -> None:
        wait = limiter.acquire(key(request))
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            raise DomainProblem(
                429,
                "rate-limited",
                "Too Many Requests",
                f"rate limit exceeded; retry in {retry_after} s",
                headers={"Retry-After": str(retry_after)},
            )

    return dependency
