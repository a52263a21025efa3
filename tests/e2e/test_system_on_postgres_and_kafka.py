"""End to end: the four services as real processes on PostgreSQL and a Kafka-protocol broker,
driven only over HTTP, as a client would."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from shared.settings import SERVICES, Settings
from tests.support.backends import postgres_database
from tests.support.petitions import petition_body
from tests.support.system import processes, token

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def system(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    data_dir = tmp_path_factory.mktemp("e2e")
    with (
        postgres_database() as intake_db,
        postgres_database() as routing_db,
        postgres_database() as supervision_db,
        postgres_database() as reporting_db,
    ):
        env = {
            "XINFANG_TRANSPORT": "kafka",
            "XINFANG_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "XINFANG_KAFKA_IDEMPOTENT_PRODUCER": "false",  # the test broker refuses InitProducerId
            "XINFANG_KAFKA_FETCH_MAX_WAIT_MS": "10",
            "XINFANG_TOPIC_PREFIX": "e2e",
            "XINFANG_INTAKE_DATABASE_URL": intake_db,
            "XINFANG_ROUTING_DATABASE_URL": routing_db,
            "XINFANG_SUPERVISION_DATABASE_URL": supervision_db,
            "XINFANG_REPORTING_DATABASE_URL": reporting_db,
        }
        with processes(env, data_dir) as urls:
            yield urls


def _headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {token(Settings())}"}


def test_every_service_is_up_and_ready(system: dict[str, str]) -> None:
    for service in SERVICES:
        assert httpx.get(f"{system[service]}/healthz").status_code == 200
        ready = httpx.get(f"{system[service]}/readyz")
        assert ready.status_code == 200, (service, ready.text)


def test_a_petition_flows_through_all_four_services(system: dict[str, str]) -> None:
    r = httpx.post(f"{system['intake']}/petitions", json=petition_body(), headers=_headers())
    assert r.status_code == 201, r.text
    case_id = r.json()["case_id"]

    deadline = time.monotonic() + 30
    sources: set[str] = set()
    events: list[dict[str, object]] = []
    while time.monotonic() < deadline:
        h = httpx.get(f"{system['reporting']}/cases/{case_id}/history", headers=_headers())
        if h.status_code == 200:
            events = h.json()
            sources = {str(e["source"]) for e in events}
            if {"/xinfang/intake", "/xinfang/routing", "/xinfang/supervision"} <= sources:
                break
        time.sleep(0.1)
    assert {"/xinfang/intake", "/xinfang/routing", "/xinfang/supervision"} <= sources, events
    assert events[0]["type"] == "xinfang.intake.petition_registered.v1"

    clocks = httpx.get(f"{system['supervision']}/cases/{case_id}/clocks", headers=_headers()).json()
    assert any(c["kind"] == "dispatch" for c in clocks)
    assignment = httpx.get(f"{system['routing']}/cases/{case_id}/assignment", headers=_headers())
    assert assignment.status_code == 200
