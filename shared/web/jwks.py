"""Verification against an identity provider's JWKS (RS256/ES256), for production.

Keys are fetched with httpx from ``XINFANG_JWKS_URL`` and cached; a token naming an unknown ``kid``
triggers a re-fetch (key rotation), at most once per ``min_refresh_interval_s`` so that forged tokens
cannot make the service hammer the provider; the whole set is re-fetched when older than
``cache_ttl_s``. Only RSA and EC signing keys are used: a JWKS never yields an HMAC secret.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

from shared.web.tokens import (
    InvalidToken,
    KeysUnavailable,
    Principal,
    decode_claims,
    principal_from_claims,
    unverified_header,
)

JWKS_ALGORITHMS = ("RS256", "ES256")

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Key:
    algorithm: str
    key: Any


def _jwks_algorithm(jwk: Mapping[str, Any]) -> str | None:
    if jwk.get("alg"):
        return str(jwk["alg"])
    if jwk.get("kty") == "RSA":
        return "RS256"
    if jwk.get("kty") == "EC" and jwk.get("crv", "P-256") == "P-256":
        return "ES256"
    return None


def parse_jwks(document: Any, algorithms: Iterable[str] = JWKS_ALGORITHMS) -> dict[str, _Key]:
    """Signing keys by ``kid`` (``""`` for a key without one); other keys are skipped."""
    allowed = set(algorithms)
    keys: dict[str, _Key] = {}
    entries = document.get("keys") if isinstance(document, Mapping) else None
    if not isinstance(entries, list):
        raise KeysUnavailable("the JWKS document has no keys list")
    for jwk in entries:
        if not isinstance(jwk, Mapping) or jwk.get("use", "sig") != "sig":
            continue
        algorithm = _jwks_algorithm(jwk)
        if algorithm not in allowed or jwk.get("kty") not in ("RSA", "EC"):
            continue
        try:
            key = jwt.PyJWK(dict(jwk), algorithm=algorithm).key
        except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError) as exc:
            _log.warning("skipping unusable JWKS key", extra={"kid": jwk.get("kid"), "error": str(exc)})
            continue
        keys[str(jwk.get("kid", ""))] = _Key(algorithm, key)
    return keys


class JwksVerifier:
    """RS256/ES256 against an identity provider's JWKS (production mode)."""

    def __init__(
        self,
        jwks_url: str,
        *,
        issuer: str = "",
        audience: str = "",
        algorithms: Iterable[str] = JWKS_ALGORITHMS,
        cache_ttl_s: float = 600.0,
        min_refresh_interval_s: float = 30.0,
        timeout_s: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not jwks_url:
            raise ValueError("JWKS authentication needs XINFANG_JWKS_URL")
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience
        self.algorithms = tuple(algorithms)
        self.cache_ttl_s = cache_ttl_s
        self.min_refresh_interval_s = min_refresh_interval_s
        self.timeout_s = timeout_s
        self.fetches = 0
        self._transport = transport
        self._clock = clock
        self._keys: dict[str, _Key] | None = None
        self._fetched_at = 0.0
        self._attempted_at: float | None = None
        self._lock: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    async def verify(self, token: str) -> Principal:
        header = unverified_header(token)
        algorithm = header.get("alg")
        if algorithm not in self.algorithms:
            raise InvalidToken("token algorithm not accepted")
        kid = header.get("kid")
        key = await self._key(kid if isinstance(kid, str) else None)
        if key.algorithm != algorithm:
            raise InvalidToken("token algorithm does not match its key")
        return principal_from_claims(decode_claims(token, key.key, key.algorithm, self.issuer, self.audience))

    def _find(self, kid: str | None) -> _Key | None:
        if self._keys is None:
            return None
        if kid is None:
            return next(iter(self._keys.values())) if len(self._keys) == 1 else None
        return self._keys.get(kid)

    def _may_fetch(self) -> bool:
        return self._attempted_at is None or self._clock() - self._attempted_at >= self.min_refresh_interval_s

    async def _key(self, kid: str | None) -> _Key:
        stale = self._keys is None or self._clock() - self._fetched_at > self.cache_ttl_s
        if (stale or self._find(kid) is None) and self._may_fetch():
            await self._refresh()
        if self._keys is None:
            raise KeysUnavailable("signing keys unavailable")
        key = self._find(kid)
        if key is None:
            raise InvalidToken("token signed by an unknown key")
        return key

    def _get_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock[0] is not loop:
            self._lock = (loop, asyncio.Lock())
        return self._lock[1]

    async def _refresh(self) -> None:
        async with self._get_lock():
            if not self._may_fetch():  # another request refreshed while this one waited
                return
            self._attempted_at = self._clock()
            self.fetches += 1
            try:
                async with httpx.AsyncClient(transport=self._transport, timeout=self.timeout_s) as client:
                    response = await client.get(self.jwks_url, headers={"Accept": "application/json"})
                    response.raise_for_status()
                    keys = parse_jwks(response.json(), self.algorithms)
            except (httpx.HTTPError, ValueError, KeysUnavailable) as exc:
                _log.warning("JWKS fetch failed", extra={"jwks_url": self.jwks_url, "error": repr(exc)})
                return
            self._keys = keys
            self._fetched_at = self._clock()
            _log.info("JWKS fetched", extra={"jwks_url": self.jwks_url, "kids": sorted(keys)})
