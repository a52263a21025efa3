"""Tokens and principals: the claims this system reads, and HS256 tokens with a local secret.

A token carries ``sub``, ``name``, ``roles`` (a list; roles outside :data:`ROLES` are ignored) and
``unit`` (the user's unit id, e.g. ``370703:petition_bureau``); ``exp`` is always required, ``iss`` and
``aud`` are checked when configured. :func:`mint_token` makes local tokens for the CLI and tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import jwt

from shared.settings import Settings

ROLES: frozenset[str] = frozenset(
    {"clerk", "handler", "unit_head", "supervisor", "leader", "analyst", "auditor", "admin", "integration"}
)
#: Clock skew tolerated on ``exp``/``iat``/``nbf``, in seconds.
LEEWAY_S = 30


@dataclass(frozen=True)
class Principal:
    sub: str
    name: str
    roles: frozenset[str]
    unit: str

    def has_any_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)


class InvalidToken(Exception):
    """The token is missing, malformed, expired, badly signed or lacks a claim (-> 401)."""


class KeysUnavailable(Exception):
    """The identity provider's keys could not be fetched (-> 503)."""


class TokenVerifier(Protocol):
    async def verify(self, token: str) -> Principal: ...


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    sub = claims.get("sub")
    unit = claims.get("unit")
    roles = claims.get("roles", [])
    name = claims.get("name")
    if not isinstance(sub, str) or not sub:
        raise InvalidToken("token lacks the sub claim")
    if not isinstance(unit, str) or not unit:
        raise InvalidToken("token lacks the unit claim")
    if not isinstance(roles, list | tuple) or not all(isinstance(r, str) for r in roles):
        raise InvalidToken("the roles claim is not a list of strings")
    return Principal(
        sub=sub,
        name=name if isinstance(name, str) and name else sub,
        roles=frozenset(roles) & ROLES,
        unit=unit,
    )


def decode_claims(token: str, key: Any, algorithm: str, issuer: str, audience: str) -> dict[str, Any]:
    required = ["exp", "sub"] + (["iss"] if issuer else []) + (["aud"] if audience else [])
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            issuer=issuer or None,
            audience=audience or None,
            leeway=LEEWAY_S,
            options={"require": required, "verify_aud": bool(audience)},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("token expired") from exc
    except jwt.InvalidSignatureError as exc:
        raise InvalidToken("invalid token signature") from exc
    except jwt.MissingRequiredClaimError as exc:
        raise InvalidToken(f"token lacks the {exc.claim} claim") from exc
    except jwt.InvalidIssuerError as exc:
        raise InvalidToken("token issuer not accepted") from exc
    except jwt.InvalidAudienceError as exc:
        raise InvalidToken("token audience not accepted") from exc
    except jwt.InvalidTokenError as exc:
        raise InvalidToken("malformed or invalid token") from exc
    return claims


def unverified_header(token: str) -> dict[str, Any]:
    try:
        return jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as exc:
        raise InvalidToken("malformed token") from exc


class LocalVerifier:
    """HS256 with a shared secret (embedded mode)."""

    def __init__(self, secret: str, *, issuer: str = "", audience: str = "") -> None:
        if not secret:
            raise ValueError("an empty JWT secret is not allowed")
        self._secret = secret
        self.issuer = issuer
        self.audience = audience

    async def verify(self, token: str) -> Principal:
        if unverified_header(token).get("alg") != "HS256":
            raise InvalidToken("token algorithm not accepted")
        return principal_from_claims(decode_claims(token, self._secret, "HS256", self.issuer, self.audience))


def mint_token(
    settings: Settings,
    sub: str,
    roles: Iterable[str],
    unit: str,
    name: str | None = None,
    ttl: timedelta = timedelta(hours=12),
) -> str:
    """An HS256 token the local verifier accepts (local auth mode only)."""
    if settings.auth_mode != "local":
        raise ValueError("tokens can be minted only with XINFANG_AUTH_MODE=local")
    role_list = sorted(set(roles))
    unknown = set(role_list) - ROLES
    if unknown:
        raise ValueError(f"unknown roles: {', '.join(sorted(unknown))}; known: {', '.join(sorted(ROLES))}")
    if not sub or not unit:
        raise ValueError("sub and unit are required")
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": sub,
        "name": name or sub,
        "roles": role_list,
        "unit": unit,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    if settings.jwt_issuer:
        claims["iss"] = settings.jwt_issuer
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
