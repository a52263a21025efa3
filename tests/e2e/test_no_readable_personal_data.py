"""P1 end to end: after a full run, a known ID number and phone number are nowhere readable — not in
any database (PostgreSQL tables, SQLite files with their WAL), not in the Kafka log, not in the logs.

The petitions go in over HTTP as a hotline integration and a clerk would send them; a clerk then reads
the case in clear (allowed, and logged). Then everything the system wrote is searched.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from shared.settings import SERVICES, Settings
from tests.support.backends import postgres_database
from tests.support.petitions import petition_body
from tests.support.system import ServiceProcesses, token
from tests.unit.intake.idcards import make_id

pytestmark = pytest.mark.e2e

ID_NUMBER = make_id(region="370703", birth="19710823", sequence="613")
PHONE = "13869512874"
ADDRESS_WORDS = "高里村东头第七户"
SECRETS = [ID_NUMBER, PHONE, ADDRESS_WORDS]


def _petitions() -> list[dict[str, object]]:
    person = {"name": "隋长林", "id_number": ID_NUMBER, "phone": PHONE, "address": f"寒亭区{ADDRESS_WORDS}"}
    return [
        petition_body(
            petitioners=[person], external_ref={"system": "12345", "id": "pii-1"}, channel="hotline"
        ),
        petition_body(
            petitioners=[person],
            title="再次反映工资拖欠",
            content="上次反映的包工头拖欠工资问题还没解决，八个人三个月的工资还是没给。",
            received_at="2026-03-05T09:00:00+08:00",
        ),
    ]


def _drive(procs: ServiceProcesses) -> list[str]:
    settings = Settings()
    clerk = {"Authorization": f"Bearer {token(settings)}"}
    case_ids = []
    with httpx.Client(timeout=10) as client:
        for body in _petitions():
            r = client.post(f"{procs.url('intake')}/petitions", json=body, headers=clerk)
            assert r.status_code in (200, 201), r.text
            case_ids.append(r.json()["case_id"])
        deadline = time.monotonic() + 30
        for case_id in case_ids:
            while time.monotonic() < deadline:
                h = client.get(f"{procs.url('reporting')}/cases/{case_id}/history", headers=clerk)
                if h.status_code == 200 and any(e["source"] == "/xinfang/supervision" for e in h.json()):
                    break
                time.sleep(0.1)
            else:
                raise AssertionError(f"case {case_id} never reached supervision")
        # the clerk sees the values in clear: the system can read them, it just never stores them readable
        view = client.get(f"{procs.url('intake')}/petitions/{case_ids[0]}", headers=clerk)
        assert view.status_code == 200, view.text
        assert ID_NUMBER in view.text and PHONE in view.text
    time.sleep(1.0)  # let relays and consumers settle, and logs flush
    return case_ids


def _found_in(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def _search_logs(data_dir: Path) -> dict[str, list[str]]:
    hits = {}
    for service in SERVICES:
        text = (data_dir / f"{service}.log").read_text(encoding="utf-8", errors="replace")
        assert text.strip(), f"{service} wrote no log at all: the search would prove nothing"
        if found := _found_in(text):
            hits[f"{service}.log"] = found
    return hits


async def _search_postgres(urls: dict[str, str]) -> dict[str, list[str]]:
    hits: dict[str, list[str]] = {}
    for service, url in urls.items():
        conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            tables = [
                r["tablename"]
                for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ]
            assert "events" in tables
            for table in tables:
                rows = await conn.fetch(f'SELECT t::text AS row FROM "{table}" t')
                dump = "\n".join(r["row"] for r in rows)
                # bytea columns print as hex: search the hex form too
                hex_secrets = {s: s.encode().hex() for s in SECRETS}
                found = _found_in(dump) + [s for s, h in hex_secrets.items() if h in dump]
                if found:
                    hits[f"{service}.{table}"] = found
        finally:
            await conn.close()
    return hits


async def _search_kafka(bootstrap: str, prefix: str) -> tuple[int, dict[str, list[str]]]:
    topics = [f"{prefix}.{s}" for s in SERVICES]
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=f"pii-search-{time.time_ns()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=10,
    )
    await consumer.start()
    records = 0
    hits: dict[str, list[str]] = {}
    try:
        idle_since = time.monotonic()
        while time.monotonic() - idle_since < 3:
            batch = await consumer.getmany(timeout_ms=200)
            for tp, messages in batch.items():
                for m in messages:
                    idle_since = time.monotonic()
                    records += 1
                    raw = (
                        (m.key or b"")
                        + b"".join(k.encode() + v for k, v in m.headers or [])
                        + (m.value or b"")
                    )
                    if found := _found_in(raw.decode("utf-8", errors="replace")):
                        hits[f"{tp.topic}@{m.offset}"] = found
    finally:
        await consumer.stop()
    return records, hits


@pytest.fixture
def pg_system(kafka_bootstrap: str, tmp_path: Path) -> Iterator[tuple[ServiceProcesses, dict[str, str]]]:
    with (
        postgres_database() as intake_db,
        postgres_database() as routing_db,
        postgres_database() as supervision_db,
        postgres_database() as reporting_db,
    ):
        urls = {
            "intake": intake_db,
            "routing": routing_db,
            "supervision": supervision_db,
            "reporting": reporting_db,
        }
        env = {
            "XINFANG_TRANSPORT": "kafka",
            "XINFANG_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "XINFANG_KAFKA_IDEMPOTENT_PRODUCER": "false",
            "XINFANG_KAFKA_FETCH_MAX_WAIT_MS": "10",
            "XINFANG_TOPIC_PREFIX": "pii",
            "XINFANG_LOG_LEVEL": "DEBUG",  # the most a misconfigured deployment would print
        }
        env.update({f"XINFANG_{s.upper()}_DATABASE_URL": u for s, u in urls.items()})
        procs = ServiceProcesses(env, tmp_path)
        try:
            procs.start_all()
            yield procs, urls
        finally:
            procs.stop_all()


def test_postgres_tables_kafka_messages_and_logs_hold_no_readable_id_or_phone(
    pg_system: tuple[ServiceProcesses, dict[str, str]], kafka_bootstrap: str
) -> None:
    procs, urls = pg_system
    _drive(procs)
    procs.stop_all()  # flush and close the logs
    records, kafka_hits = asyncio.run(_search_kafka(kafka_bootstrap, "pii"))
    assert records >= 6, "the search must have read the events"
    assert kafka_hits == {}
    assert asyncio.run(_search_postgres(urls)) == {}
    assert _search_logs(procs.data_dir) == {}


def test_sqlite_files_and_logs_of_the_embedded_system_hold_no_readable_id_or_phone(tmp_path: Path) -> None:
    procs = ServiceProcesses({"XINFANG_LOG_LEVEL": "DEBUG"}, tmp_path)
    try:
        procs.start_all()
        _drive(procs)
    finally:
        procs.stop_all()
    files = [p for p in tmp_path.iterdir() if p.name.endswith((".db", ".db-wal", ".db-shm"))]
    assert any(p.name == "bus.db" for p in files) and any(p.name == "intake.db" for p in files)
    hits = {}
    for path in files:
        raw = path.read_bytes()
        found = [s for s in SECRETS if s.encode() in raw]
        if found:
            hits[path.name] = found
    assert hits == {}
    assert _search_logs(tmp_path) == {}
