"""Bearer JWT authentication and role checks.

Tokens carry ``sub``, ``name``, ``roles`` (a list; roles outside :data:`ROLES` are ignored) and ``unit``
(the user's unit id, e.g. ``370703:petition_bureau``); ``exp`` is always required, ``iss`` and ``aud``
are checked when ``XINFANG_JWT_ISSUER`` / ``XINFANG_JWT_AUDIENCE`` are set. With an OIDC provider
(Keycloak), add protocol mappers emitting ``roles`` and ``unit`` as top-level claims.

- ``XINFANG_AUTH_MODE=local`` (embedded): HS256 with ``XINFANG_JWT_SECRET``; :func:`mint_token` makes
  tokens for the CLI and tests.
- ``XINFANG_AUTH_MODE=jwks`` (production): RS256/ES256 against the provider's JWKS at
  ``XINFANG_JWKS_URL``, cached, re-fetched when a token names an unknown ``kid`` (at most once per
  ``min_refresh_interval_s``) and when the cache is older than ``cache_ttl_s``.

Routers use :func:`current_principal` or :func:`require_roles`; both answer 401 problems (with
``WWW-Authenticate: Bearer``) for a missing or invalid token and :func:`require_roles` 403 for a
principal with none of the roles. No role implies another: list every role a route admits.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Annotated

import httpx
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.settings import DEFAULT_JWT_SECRET, Settings
from shared.web.jwks import JwksVerifier
from shared.web.problems import DomainProblem
from shared.web.tokens import (
    ROLES,
    InvalidToken,
    KeysUnavailable,
    LocalVerifier,
    Principal,
    TokenVerifier,
    mint_token,
)

__all__ = [
    "ROLES",
    "CurrentPrincipal",
    "InvalidToken",
    "JwksVerifier",
    "KeysUnavailable",
    "LocalVerifier",
    "Principal",
    "TokenVerifier",
    "current_principal",
    "make_authenticator",
    "mint_token",
    "require_roles",
]

#: Shortest HMAC secret production accepts (RFC 7518 §3.2: at least the hash size, 256 bits).
MIN_SECRET_LENGTH = 32

_log = logging.getLogger(__name__)


def make_authenticator(
    settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> TokenVerifier:
    """The verifier ``settings`` ask for. Refuses unsafe configurations with ``ValueError``."""
    if settings.auth_mode == "jwks":
        if not settings.jwks_url:
            raise ValueError("XINFANG_AUTH_MODE=jwks needs XINFANG_JWKS_URL")
        return JwksVerifier(
            settings.jwks_url,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            transport=transport,
        )
    if settings.mode == "production" and (
        settings.jwt_secret == DEFAULT_JWT_SECRET or len(settings.jwt_secret) < MIN_SECRET_LENGTH
    ):
        raise ValueError(
            f"XINFANG_MODE=production needs XINFANG_JWT_SECRET of at least {MIN_SECRET_LENGTH} "
            "characters, not the default (or XINFANG_AUTH_MODE=jwks)"
        )
    return LocalVerifier(settings.jwt_secret, issuer=settings.jwt_issuer, audience=settings.jwt_audience)


# --- FastAPI dependencies ----------------------------------------------------------------------

_bearer = HTTPBearer(auto_error=False, description="JWT with sub, name, roles and unit claims")

_REALM = 'Bearer realm="xinfang"'


def _unauthorized(detail: str, *, invalid: bool) -> DomainProblem:
    challenge = f'{_REALM}, error="invalid_token", error_description="{detail}"' if invalid else _REALM
    return DomainProblem(401, "unauthorized", "Unauthorized", detail, headers={"WWW-Authenticate": challenge})


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The authenticated caller, verified by ``request.app.state.authenticator``."""
    if credentials is None or not credentials.credentials:
        raise _unauthorized("missing bearer token", invalid=False)
    verifier: TokenVerifier | None = getattr(request.app.state, "authenticator", None)
    if verifier is None:
        raise RuntimeError("app.state.authenticator is not set: build the app with base_app")
    try:
        principal = await verifier.verify(credentials.credentials)
    except InvalidToken as exc:
        _log.info("authentication failed", extra={"reason": str(exc)})
        raise _unauthorized(str(exc), invalid=True) from exc
    except KeysUnavailable as exc:
        raise DomainProblem(
            503,
            "auth-unavailable",
            "Authentication unavailable",
            "the identity provider's keys are unavailable",
        ) from exc
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency admitting a principal holding at least one of ``roles`` (else 403)."""
    allowed = frozenset(roles)
    if not allowed or not allowed <= ROLES:
        raise ValueError(f"require_roles needs roles from {sorted(ROLES)}, got {sorted(allowed)}")

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if not principal.has_any_role(*allowed):
            raise DomainProblem(
                403, "forbidden", "Forbidden", "requires one of the roles: " + ", ".join(sorted(allowed))
            )
        return principal

    return dependency
