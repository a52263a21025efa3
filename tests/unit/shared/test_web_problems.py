"""Every error is ``application/problem+json``; validation names the fields; crashes leak nothing."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI, HTTPException

from shared.web.problems import install_problem_handlers
from tests.unit.shared.conftest import assert_problem, json_lines


async def test_validation_errors_name_the_body_fields(client: httpx.AsyncClient) -> None:
    body = {"petitioners": [{"name": "张三", "id_number": "37070319800101123"}]}  # 17 chars, no title
    response = await client.post("/petitions", json=body)
    problem = assert_problem(response, 422, "validation-error")
    errors = {e["field"]: e for e in problem["errors"]}
    assert set(errors) == {"title", "petitioners.0.id_number"}
    assert errors["title"] == {
        "field": "title",
        "location": "body",
        "code": "missing",
        "message": "Field required",
    }
    assert errors["petitioners.0.id_number"]["code"] == "string_pattern_mismatch"
    assert "37070319800101123" not in response.text  # submitted values are not echoed


async def test_query_parameter_errors_say_where(client: httpx.AsyncClient) -> None:
    problem = assert_problem(await client.get("/items", params={"limit": "0"}), 422, "validation-error")
    assert [(e["field"], e["location"]) for e in problem["errors"]] == [("limit", "query")]


async def test_malformed_json_is_a_body_error(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/petitions", content=b'{"title": ', headers={"Content-Type": "application/json"}
    )
    problem = assert_problem(response, 422, "validation-error")
    assert [(e["field"], e["location"], e["code"]) for e in problem["errors"]] == [
        ("", "body", "json_invalid")
    ]


async def test_domain_problem_keeps_its_type_and_extra_members(client: httpx.AsyncClient) -> None:
    problem = assert_problem(await client.get("/conflict"), 409, "version-conflict")
    assert problem["title"] == "Case changed concurrently"
    assert problem["detail"] == "expected version 3"
    assert problem["expected_version"] == 3


async def test_unknown_path_and_wrong_method_are_problems(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/no/such/thing"), 404, "not-found")
    response = await client.delete("/items")
    assert_problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "GET"


async def test_unhandled_exception_is_a_500_problem_without_internals(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    response = await client.get("/boom")
    problem = assert_problem(response, 500, "internal-error")
    cid = response.headers["x-correlation-id"]
    assert cid in problem["detail"]
    for leak in ("Traceback", "RuntimeError", "hunter2", "boom", ".py"):
        assert leak not in response.text

    errors = [line for line in json_lines(capsys.readouterr().out) if line["level"] == "ERROR"]
    assert len(errors) == 1
    assert errors[0]["correlation_id"] == cid
    assert "RuntimeError: database password is hunter2" in errors[0]["exception"]


async def test_http_exception_detail_and_headers_are_kept() -> None:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/locked")
    async def locked() -> None:
        raise HTTPException(423, "case is being merged", headers={"Retry-After": "5"})

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get("/locked")
    assert response.status_code == 423
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert response.json() == {
        "type": "https://xinfang.example/problems/locked",
        "title": "Locked",
        "status": 423,
        "detail": "case is being merged",
        "correlation_id": None,
    }


def test_openapi_documents_problem_json_for_error_responses(app: FastAPI) -> None:
    spec = app.openapi()
    responses = spec["paths"]["/petitions"]["post"]["responses"]
    assert responses["422"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/ValidationProblem"}}
    }
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert schemas["FieldError"]["required"] == ["field", "location", "code", "message"]
