"""Bearer JWT in local (HS256) mode: who gets in, who gets 401 or 403, and unsafe configurations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from pydantic import ValidationError

from shared.settings import DEFAULT_JWT_SECRET, Settings
from shared.web.auth import make_authenticator, mint_token, require_roles
from tests.unit.shared.conftest import SECRET, UNIT, assert_problem, make_app, make_settings


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_valid_token_identifies_the_caller(client: httpx.AsyncClient) -> None:
    token = mint_token(make_settings(), "clerk-1", ["clerk"], UNIT, name="王芳")
    response = await client.get("/whoami", headers=bearer(token))
    assert response.status_code == 200
    assert response.json() == {"sub": "clerk-1", "name": "王芳", "roles": ["clerk"], "unit": UNIT}


async def test_missing_token_is_401_with_bearer_challenge(client: httpx.AsyncClient) -> None:
    response = await client.get("/whoami")
    body = assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == 'Bearer realm="xinfang"'
    assert body["detail"] == "missing bearer token"


async def test_other_scheme_is_treated_as_missing(client: httpx.AsyncClient) -> None:
    response = await client.get("/whoami", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_problem(response, 401, "unauthorized")


@pytest.mark.parametrize(
    ("make_token", "detail"),
    [
        (
            lambda: mint_token(make_settings(), "u", ["clerk"], UNIT, ttl=timedelta(minutes=-5)),
            "token expired",
        ),
        (
            lambda: mint_token(
                make_settings(jwt_secret="another-secret-of-sufficient-length-xyz"), "u", ["clerk"], UNIT
            ),
            "invalid token signature",
        ),
        (lambda: "not-a-jwt", "malformed token"),
        (lambda: "eyJhbGciOiJIUzI1NiJ9.garbage.garbage", "malformed token"),
    ],
    ids=["expired", "wrong-secret", "not-a-jwt", "garbage-segments"],
)
async def test_bad_token_is_401_invalid_token(
    client: httpx.AsyncClient, make_token: Callable[[], str], detail: str
) -> None:
    response = await client.get("/whoami", headers=bearer(make_token()))
    body = assert_problem(response, 401, "unauthorized")
    assert body["detail"] == detail
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer ") and 'error="invalid_token"' in challenge


def _claims(**changes: object) -> dict[str, object]:
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "sub": "u",
        "roles": ["clerk"],
        "unit": UNIT,
        "exp": int((now + timedelta(hours=1)).timestamp()),
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


async def test_unsigned_token_is_refused(client: httpx.AsyncClient) -> None:
    token = jwt.encode(_claims(roles=["admin"]), "", algorithm="none")
    assert_problem(await client.get("/whoami", headers=bearer(token)), 401, "unauthorized")


async def test_token_without_exp_is_refused(client: httpx.AsyncClient) -> None:
    token = jwt.encode(_claims(exp=None), SECRET, algorithm="HS256")
    body = assert_problem(await client.get("/whoami", headers=bearer(token)), 401, "unauthorized")
    assert body["detail"] == "token lacks the exp claim"


async def test_token_without_unit_is_refused(client: httpx.AsyncClient) -> None:
    token = jwt.encode(_claims(unit=None), SECRET, algorithm="HS256")
    body = assert_problem(await client.get("/whoami", headers=bearer(token)), 401, "unauthorized")
    assert body["detail"] == "token lacks the unit claim"


async def test_roles_outside_the_known_set_are_ignored(client: httpx.AsyncClient) -> None:
    token = jwt.encode(_claims(roles=["clerk", "superuser"]), SECRET, algorithm="HS256")
    response = await client.get("/whoami", headers=bearer(token))
    assert response.status_code == 200
    assert response.json()["roles"] == ["clerk"]


async def test_role_not_allowed_is_403(client: httpx.AsyncClient) -> None:
    token = mint_token(make_settings(), "clerk-1", ["clerk", "handler"], UNIT)
    body = assert_problem(await client.get("/supervision", headers=bearer(token)), 403, "forbidden")
    assert body["detail"] == "requires one of the roles: leader, supervisor"


async def test_any_one_allowed_role_is_enough(client: httpx.AsyncClient) -> None:
    token = mint_token(make_settings(), "leader-1", ["leader"], UNIT)
    response = await client.get("/supervision", headers=bearer(token))
    assert response.status_code == 200
    assert response.json() == {"sub": "leader-1"}


async def test_issuer_and_audience_are_checked_when_configured() -> None:
    strict = make_settings(jwt_issuer="https://idp.example/realms/xinfang", jwt_audience="xinfang-api")
    app = make_app(strict)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        good = mint_token(strict, "u", ["clerk"], UNIT)
        assert (await client.get("/whoami", headers=bearer(good))).status_code == 200
        no_aud = mint_token(make_settings(jwt_issuer=strict.jwt_issuer), "u", ["clerk"], UNIT)
        body = assert_problem(await client.get("/whoami", headers=bearer(no_aud)), 401, "unauthorized")
        assert body["detail"] == "token lacks the aud claim"
        wrong_iss = jwt.encode(
            _claims(iss="https://evil.example", aud="xinfang-api"), SECRET, algorithm="HS256"
        )
        body = assert_problem(await client.get("/whoami", headers=bearer(wrong_iss)), 401, "unauthorized")
        assert body["detail"] == "token issuer not accepted"


def test_mint_token_rejects_unknown_roles_and_jwks_mode() -> None:
    with pytest.raises(ValueError, match="unknown roles: superuser"):
        mint_token(make_settings(), "u", ["superuser"], UNIT)
    jwks = make_settings(auth_mode="jwks", jwks_url="https://idp.example/certs")
    with pytest.raises(ValueError, match="local"):
        mint_token(jwks, "u", ["clerk"], UNIT)


def test_require_roles_rejects_a_misspelt_role() -> None:
    with pytest.raises(ValueError, match="supervsior"):
        require_roles("supervsior")


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ValidationError, match="default JWT secret"):
        Settings(mode="production", jwt_secret=DEFAULT_JWT_SECRET)


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ValueError, match="at least 32"):
        make_app(make_settings(mode="production", jwt_secret="short-secret"))


def test_production_starts_with_a_strong_secret() -> None:
    app = make_app(make_settings(mode="production"))
    assert app.state.authenticator is not None


def test_jwks_mode_refuses_an_empty_jwks_url() -> None:
    embedded_jwks = make_settings(auth_mode="jwks", jwks_url="")  # the settings only check production
    with pytest.raises(ValueError, match="XINFANG_JWKS_URL"):
        make_authenticator(embedded_jwks)
    with pytest.raises(ValueError, match="XINFANG_JWKS_URL"):
        make_app(embedded_jwks)
    with pytest.raises(ValidationError, match="XINFANG_JWKS_URL"):
        Settings(mode="production", auth_mode="jwks", jwks_url="")
