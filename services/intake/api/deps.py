"""What intake's routers share: the context, error translation and rate limits."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from services.intake.context import Intake
from services.intake.domain.errors import DomainError, FieldError
from shared.web.limits import TokenBucketLimiter, client_key, rate_limit
from shared.web.problems import DomainProblem


def intake_of(request: Request) -> Intake:
    intake: Intake = request.app.state.intake
    return intake


@dataclass
class IntakeLimits:
    """Token buckets per client (process memory: each replica has its own budget)."""

    #: the petitioner's pages, per client address
    public: TokenBucketLimiter = field(default_factory=lambda: TokenBucketLimiter(rate=1.0, burst=30))
    #: wrong query codes, per case number (whoever tries): slows guessing at one case from many addresses
    public_failures: TokenBucketLimiter = field(default_factory=lambda: TokenBucketLimiter(rate=0.05, burst=10))
    #: Open311 and imports, per API key or token subject or address
    integration: TokenBucketLimiter = field(default_factory=lambda: TokenBucketLimiter(rate=20.0, burst=200))


def limits_of(request: Request) -> IntakeLimits:
    limits: IntakeLimits = request.app.state.intake_limits
    return limits


def limited(
    pick: Callable[[IntakeLimits], TokenBucketLimiter], key: Callable[[Request], str] = client_key
) -> Callable[[Request], Awaitable[None]]:
    """A dependency taking a token from the limiter ``pick`` chooses on this app (429 when empty)."""

    async def dependency(request: Request) -> None:
        await rate_limit(pick(limits_of(request)), key)(request)

    return dependency


def take_token(limiter: TokenBucketLimiter, key: str) -> None:
    """Raise a 429 problem when ``limiter`` refuses ``key``."""
    wait = limiter.acquire(key)
    if wait > 0:
        retry_after = max(1, int(wait + 0.999))
        raise DomainProblem(
            429,
            "rate-limited",
            "Too Many Requests",
            f"rate limit exceeded; retry in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )


def scoped_key(owner: str, key: str) -> str:
    """An Idempotency-Key as stored: hashed together with who sent it (two clients may pick one key)."""
    return hashlib.sha256(f"{owner}\n{key}".encode()).hexdigest()


def field_problems(errors: Sequence[FieldError], location: str = "body") -> list[dict[str, str]]:
    return [{"field": e.field, "location": location, "code": e.code, "message": e.message} for e in errors]


def invalid(errors: Sequence[FieldError], warnings: Sequence[FieldError] = (), location: str = "body") -> DomainProblem:
    fields = ", ".join(dict.fromkeys(e.field for e in errors))
    extra: dict[str, Any] = {"errors": field_problems(errors, location)}
    if warnings:
        extra["warnings"] = field_problems(warnings, location)
    return DomainProblem(422, "validation-error", "Request validation failed", f"invalid: {fields}", **extra)


def refused(error: DomainError) -> DomainProblem:
    """A command the rules refuse: 422 with field errors when a value is wrong, else 409 with the rule."""
    if error.errors:
        return invalid(error.errors)
    if error.code.endswith("_required"):  # a reason or another text the rule needs is missing
        return invalid([FieldError(error.code.removesuffix("_required"), "required", error.message)])
    extra: dict[str, Any] = {"code": error.code}
    if error.rule:
        extra["rule"] = error.rule
    title = f"Refused by rule {error.rule}" if error.rule else "Refused"
    return DomainProblem(409, error.code.replace("_", "-"), title, error.message, **extra)


def not_found(what: str = "case") -> DomainProblem:
    return DomainProblem(404, "not-found", "Not Found", f"no such {what}")
