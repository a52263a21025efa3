"""Faults: a service killed (SIGKILL) in the middle of a load and restarted loses nothing and
doubles nothing — on PostgreSQL and a Kafka-protocol broker, driven over HTTP only."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.settings import Settings
from tests.support.backends import postgres_database
from tests.support.petitions import petition_body
from tests.support.system import ServiceProcesses, token

pytestmark = pytest.mark.e2e


@pytest.fixture
def system(kafka_bootstrap: str, tmp_path: Path) -> Iterator[ServiceProcesses]:
    with (
        postgres_database() as intake_db,
        postgres_database() as routing_db,
        postgres_database() as supervision_db,
        postgres_database() as reporting_db,
    ):
        procs = ServiceProcesses(
            {
                "XINFANG_TRANSPORT": "kafka",
                "XINFANG_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
                "XINFANG_KAFKA_IDEMPOTENT_PRODUCER": "false",
                "XINFANG_KAFKA_FETCH_MAX_WAIT_MS": "10",
                "XINFANG_TOPIC_PREFIX": "faults",
                "XINFANG_INTAKE_DATABASE_URL": intake_db,
                "XINFANG_ROUTING_DATABASE_URL": routing_db,
                "XINFANG_SUPERVISION_DATABASE_URL": supervision_db,
                "XINFANG_REPORTING_DATABASE_URL": reporting_db,
            },
            tmp_path,
        )
        try:
            procs.start_all()
            yield procs
        finally:
            procs.stop_all()


def test_killing_routing_and_supervision_mid_load_loses_and_doubles_nothing(system: ServiceProcesses) -> None:
    headers = {"Authorization": f"Bearer {token(Settings())}"}
    case_ids: list[str] = []
    with httpx.Client(timeout=10) as client:
        for i in range(40):
            body = petition_body(title=f"工地拖欠工资第{i}件", external_ref={"system": "faults", "id": str(i)})
            r = client.post(f"{system.url('intake')}/petitions", json=body, headers=headers)
            assert r.status_code == 201, r.text
            case_ids.append(r.json()["case_id"])
            if i == 10:
                system.kill("routing")
            if i == 20:
                system.kill("supervision")
            if i == 25:
                system.start("routing")
            if i == 30:
                system.start("supervision")

        deadline = time.monotonic() + 60
        pending = set(case_ids)
        histories: dict[str, list[dict[str, str]]] = {}
        while pending and time.monotonic() < deadline:
            for case_id in list(pending):
                h = client.get(f"{system.url('reporting')}/cases/{case_id}/history", headers=headers)
                if h.status_code != 200:
                    continue
                events = h.json()
                types = Counter(e["type"] for e in events)
                if types["xinfang.routing.case_routed.v1"] and types["xinfang.supervision.clock_started.v1"]:
                    histories[case_id] = events
                    pending.discard(case_id)
            time.sleep(0.2)
    assert not pending, f"{len(pending)} cases never got routed and clocked"
    for case_id, events in histories.items():
        types = Counter(e["type"] for e in events)
        assert types["xinfang.intake.petition_registered.v1"] == 1
        assert types["xinfang.routing.case_routed.v1"] == 1, (case_id, types)
        ids = [e["id"] for e in events]
        assert len(ids) == len(set(ids))
