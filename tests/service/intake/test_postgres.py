"""Intake on PostgreSQL: gap-free case numbers and idempotency under concurrent registrations.

SQLite serialises writers; PostgreSQL lets the transactions really overlap, so this is where the
counter row and the unique constraints have to do their work.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from services.intake.app import create_app
from shared.clock import FixedClock
from shared.settings import Settings
from tests.service.intake.conftest import NOW, Intake
from tests.support.petitions import petition_body
from tests.unit.intake.idcards import make_id


@pytest.fixture
async def pg_intake(pg_url: str, tmp_path: object) -> AsyncIterator[Intake]:
    """Intake alone on a fresh database of the test run's PostgreSQL server."""
    url = make_url(pg_url)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"xinfang_intake_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    settings = Settings(
        data_dir=tmp_path,  # type: ignore[arg-type]
        intake_database_url=url.set(database=name).render_as_string(hide_password=False),
        relay_interval_ms=10,
        poll_interval_ms=10,
    )
    clock = FixedClock(NOW)
    try:
        app = create_app(settings, clock=clock)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
                yield Intake(app, client, settings, clock)
    finally:
        admin = await asyncpg.connect(dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def test_concurrent_registrations_on_postgres_are_numbered_without_gaps(pg_intake: Intake) -> None:
    n = 40
    people = [{"name": f"信访人{i}", "id_number": make_id("370703", "19700101", f"{i:03d}")} for i in range(n)]
    responses = await asyncio.gather(
        *(pg_intake.register(petition_body(petitioners=[people[i]], title=f"事项{i}")) for i in range(n)),
        *(
            pg_intake.register(petition_body(received_by="370703:natural_resources", petitioners=[people[i]]))
            for i in range(10)
        ),
    )
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses if r.status_code != 201]
    bureau = sorted(int(r.json()["case_no"].rsplit("-", 1)[1]) for r in responses if "ZR" not in r.json()["case_no"])
    department = sorted(int(r.json()["case_no"].rsplit("-", 1)[1]) for r in responses if "ZR" in r.json()["case_no"])
    assert bureau == list(range(1, n + 1))
    assert department == list(range(1, 11))


async def test_racing_retries_on_postgres_register_one_case(pg_intake: Intake) -> None:
    body = petition_body(channel="hotline", external_ref={"system": "12345", "id": "HT-RACE"})
    keyed = petition_body(channel="online")
    responses = await asyncio.gather(
        *(pg_intake.register(body) for _ in range(10)),
        *(pg_intake.register(keyed, **{"Idempotency-Key": "race-key"}) for _ in range(10)),
    )
    by_ref, by_key = responses[:10], responses[10:]
    for group in (by_ref, by_key):
        assert sorted(r.status_code for r in group) == [200] * 9 + [201], [r.text for r in group]
        assert len({r.json()["case_id"] for r in group}) == 1
    numbers = sorted(int(r.json()["case_no"].rsplit("-", 1)[1]) for r in (by_ref[0], by_key[0]))
    assert numbers == [1, 2]  # the losers gave their numbers back


async def test_an_import_on_postgres_keeps_the_good_rows_and_can_run_again(pg_intake: Intake) -> None:
    from tests.service.intake.test_imports import row, run_import, to_csv

    rows = [row(n) for n in range(1, 21)]
    rows[4]["content"] = ""
    data = to_csv(rows).encode()
    first = await run_import(pg_intake, data)
    again = await run_import(pg_intake, data)
    assert (first["created"], first["failed"]) == (19, 1)
    assert (again["created"], again["duplicates"], again["failed"]) == (0, 19, 1)
