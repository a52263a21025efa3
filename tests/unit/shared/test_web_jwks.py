"""JWKS (RS256/ES256) verification against keys served by a real local HTTP server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from shared.web.auth import InvalidToken, JwksVerifier, KeysUnavailable
from tests.unit.shared.conftest import SECRET, UNIT, assert_problem, make_app, make_settings

ISSUER = "https://idp.test/realms/xinfang"
AUDIENCE = "xinfang-api"

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: PrivateKey, kid: str) -> dict[str, Any]:
    jwk: dict[str, Any]
    if isinstance(key, rsa.RSAPrivateKey):
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        jwk["alg"] = "RS256"
    else:
        jwk = jwt.algorithms.ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
        jwk["alg"] = "ES256"
    return {**jwk, "kid": kid, "use": "sig"}


def sign(key: PrivateKey, kid: str, **changes: Any) -> str:
    claims: dict[str, Any] = {
        "sub": "sup-1",
        "name": "李强",
        "roles": ["supervisor"],
        "unit": UNIT,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": int((datetime.now(UTC) + timedelta(minutes=10)).timestamp()),
    }
    claims.update(changes)
    algorithm = "RS256" if isinstance(key, rsa.RSAPrivateKey) else "ES256"
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})


class IdentityProvider:
    """What the JWKS endpoint serves, and how often it was asked."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.hits = 0
        self.url = ""

    def app(self) -> Starlette:
        async def certs(request: Request) -> JSONResponse:
            self.hits += 1
            return JSONResponse({"keys": self.keys})

        return Starlette(routes=[Route("/realms/xinfang/protocol/openid-connect/certs", certs)])


@contextmanager
def serve(app: Starlette) -> Iterator[str]:
    """Run ``app`` with uvicorn on a free 127.0.0.1 port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("JWKS test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def _idp_server() -> Iterator[IdentityProvider]:
    idp = IdentityProvider()
    with serve(idp.app()) as base:
        idp.url = base + "/realms/xinfang/protocol/openid-connect/certs"
        yield idp


@pytest.fixture
def idp(_idp_server: IdentityProvider) -> IdentityProvider:
    _idp_server.keys = []
    _idp_server.hits = 0
    return _idp_server


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_verifier(url: str, clock: FakeClock | None = None, **kwargs: Any) -> JwksVerifier:
    return JwksVerifier(url, issuer=ISSUER, audience=AUDIENCE, clock=clock or FakeClock(), **kwargs)


async def test_app_in_jwks_mode_accepts_a_token_signed_by_a_served_key(idp: IdentityProvider) -> None:
    key = rsa_key()
    idp.keys = [public_jwk(key, "k1")]
    settings = make_settings(auth_mode="jwks", jwks_url=idp.url, jwt_issuer=ISSUER, jwt_audience=AUDIENCE)
    app = make_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        headers = {"Authorization": "Bearer " + sign(key, "k1")}
        response = await client.get("/supervision", headers=headers)
        assert response.status_code == 200, response.text
        assert response.json() == {"sub": "sup-1"}
        assert (await client.get("/whoami", headers=headers)).json()["name"] == "李强"
    assert idp.hits == 1  # the key set is cached between requests


async def test_token_signed_by_another_key_is_refused(idp: IdentityProvider) -> None:
    idp.keys = [public_jwk(rsa_key(), "k1")]
    app = make_app(make_settings(auth_mode="jwks", jwks_url=idp.url))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        forged = sign(rsa_key(), "k1")  # same kid, different key
        body = assert_problem(
            await client.get("/whoami", headers={"Authorization": "Bearer " + forged}), 401, "unauthorized"
        )
    assert body["detail"] == "invalid token signature"


async def test_key_rotation_is_picked_up_on_an_unknown_kid(idp: IdentityProvider) -> None:
    old, new = rsa_key(), rsa_key()
    idp.keys = [public_jwk(old, "2024")]
    clock = FakeClock()
    verifier = make_verifier(idp.url, clock)
    assert (await verifier.verify(sign(old, "2024"))).sub == "sup-1"

    idp.keys = [public_jwk(new, "2025")]  # the provider rotates and drops the old key
    clock.now += 60
    principal = await verifier.verify(sign(new, "2025"))
    assert principal.roles == frozenset({"supervisor"})
    assert idp.hits == 2
    with pytest.raises(InvalidToken, match="unknown key"):
        await verifier.verify(sign(old, "2024"))


async def test_unknown_kids_do_not_hammer_the_identity_provider(idp: IdentityProvider) -> None:
    key = rsa_key()
    idp.keys = [public_jwk(key, "k1")]
    clock = FakeClock()
    verifier = make_verifier(idp.url, clock, min_refresh_interval_s=30)
    await verifier.verify(sign(key, "k1"))
    for n in range(5):
        with pytest.raises(InvalidToken, match="unknown key"):
            await verifier.verify(sign(rsa_key(), f"bogus-{n}"))
    assert idp.hits == 1
    clock.now += 31
    with pytest.raises(InvalidToken):
        await verifier.verify(sign(rsa_key(), "bogus-late"))
    assert idp.hits == 2


async def test_keys_are_refetched_when_the_cache_expires(idp: IdentityProvider) -> None:
    key = rsa_key()
    idp.keys = [public_jwk(key, "k1")]
    clock = FakeClock()
    verifier = make_verifier(idp.url, clock, cache_ttl_s=600)
    await verifier.verify(sign(key, "k1"))
    idp.keys = []  # the key is withdrawn
    clock.now += 601
    with pytest.raises(InvalidToken, match="unknown key"):
        await verifier.verify(sign(key, "k1"))
    assert idp.hits == 2


async def test_issuer_audience_and_expiry_are_enforced(idp: IdentityProvider) -> None:
    key = rsa_key()
    idp.keys = [public_jwk(key, "k1")]
    verifier = make_verifier(idp.url)
    with pytest.raises(InvalidToken, match="issuer"):
        await verifier.verify(sign(key, "k1", iss="https://other.test"))
    with pytest.raises(InvalidToken, match="audience"):
        await verifier.verify(sign(key, "k1", aud="someone-else"))
    with pytest.raises(InvalidToken, match="expired"):
        await verifier.verify(sign(key, "k1", exp=int(time.time()) - 300))


async def test_hs256_token_is_refused_in_jwks_mode(idp: IdentityProvider) -> None:
    idp.keys = [public_jwk(rsa_key(), "k1")]
    token = jwt.encode(
        {"sub": "x", "roles": ["admin"], "unit": UNIT, "exp": int(time.time()) + 600},
        SECRET,
        algorithm="HS256",
        headers={"kid": "k1"},
    )
    with pytest.raises(InvalidToken, match="algorithm"):
        await make_verifier(idp.url).verify(token)


async def test_es256_keys_work_too() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    document = {"keys": [public_jwk(key, "ec-1")]}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=document))
    verifier = make_verifier("https://idp.test/certs", transport=transport)
    assert (await verifier.verify(sign(key, "ec-1"))).unit == UNIT


async def test_unreachable_identity_provider_is_503_not_401() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(502))
    verifier = make_verifier("https://idp.test/certs", transport=transport)
    with pytest.raises(KeysUnavailable):
        await verifier.verify(sign(rsa_key(), "k1"))
    app = make_app(make_settings(), authenticator=verifier)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        token = sign(rsa_key(), "k1")
        response = await client.get("/whoami", headers={"Authorization": "Bearer " + token})
    assert_problem(response, 503, "auth-unavailable")
