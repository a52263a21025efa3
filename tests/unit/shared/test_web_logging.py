"""JSON log lines, correlation ids in and out, and what the access line must never hold."""

from __future__ import annotations

import logging
import re
from typing import Any

import httpx
import pytest

from shared.web.logging import configure_logging
from tests.unit.shared.conftest import json_lines


def access_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line["logger"] == "xinfang.access"]


async def test_correlation_id_is_echoed_and_logged(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    response = await client.get("/cases/c-42", headers={"X-Correlation-ID": "req-7f3a.1"})
    assert response.headers["x-correlation-id"] == "req-7f3a.1"

    lines = json_lines(capsys.readouterr().out)
    handler_line = next(line for line in lines if line["message"] == "case read")
    assert handler_line["correlation_id"] == "req-7f3a.1"
    assert handler_line["case_id"] == "c-42"
    assert handler_line["service"] == "intake"
    (access,) = access_lines(lines)
    assert access["correlation_id"] == "req-7f3a.1"
    assert access["method"] == "GET"
    assert access["path"] == "/cases/c-42"
    assert access["route"] == "/cases/{case_id}"
    assert access["status"] == 200
    assert isinstance(access["duration_ms"], float)
    assert set(access) >= {"time", "level", "logger", "message", "service"}


async def test_request_id_is_adopted_when_there_is_no_correlation_id(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    response = await client.get("/items", headers={"X-Request-ID": "gw-123"})
    assert response.headers["x-correlation-id"] == "gw-123"
    assert access_lines(json_lines(capsys.readouterr().out))[0]["correlation_id"] == "gw-123"


async def test_a_correlation_id_is_created_when_none_is_sent(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    first = (await client.get("/items")).headers["x-correlation-id"]
    second = (await client.get("/items")).headers["x-correlation-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second
    logged = access_lines(json_lines(capsys.readouterr().out))
    assert [line["correlation_id"] for line in logged] == [first, second]


async def test_an_unsafe_incoming_id_is_replaced(client: httpx.AsyncClient) -> None:
    for bad in ("abc def", "x" * 200, '"}{"level":"ERROR'):
        response = await client.get("/items", headers={"X-Correlation-ID": bad})
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-correlation-id"])


async def test_access_line_never_holds_the_query_string(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    response = await client.get("/public/cases/XF2025000123", params={"code": "QC-SECRET-9981"})
    assert response.status_code == 200
    out = capsys.readouterr().out
    assert "QC-SECRET-9981" not in out
    (access,) = access_lines(json_lines(out))
    assert access["path"] == "/public/cases/XF2025000123"


def test_configure_logging_twice_writes_each_line_once(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("routing", "INFO")
    configure_logging("routing", "INFO")
    logging.getLogger("tests.web").info("assigned %s", "c-1", extra={"unit_id": "370703:gov"})
    logging.getLogger("tests.web").debug("not shown at INFO")
    (line,) = json_lines(capsys.readouterr().out)
    assert line["message"] == "assigned c-1"
    assert line["service"] == "routing"
    assert line["level"] == "INFO"
    assert line["unit_id"] == "370703:gov"
    assert line["correlation_id"] is None


def test_chinese_text_is_written_as_is(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("intake", "INFO")
    logging.getLogger("tests.web").info("登记信访事项")
    out = capsys.readouterr().out
    assert "登记信访事项" in out
    assert json_lines(out)[0]["message"] == "登记信访事项"
