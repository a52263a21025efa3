"""The scope projection (``shared/scope/projection.py``) on SQLite and PostgreSQL: intake's and routing's
topics arrive in either order and any number of times, and the scope that results is the same; an accused
unit named by name sees nothing before or after routing resolves the name (P2)."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from shared.events.base import EventData
from shared.events.catalogue.intake import FieldCorrected, PetitionRegistered
from shared.events.catalogue.routing import CaseRouted
from shared.events.envelope import CloudEvent, new_event
from shared.scope.policy import Viewer
from shared.scope.projection import project_scope
from shared.scope.queries import can_see_case
from shared.scope.tables import case_scope, case_units
from shared.store.db import Database
from shared.store.migrate import CORE, migrate

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
BUREAU = "370703:petition_bureau"
TOWNSHIP = "370703004:township_government"  # 高里街道
NATURAL_RESOURCES = "370703:natural_resources"
CITY_SUPERVISOR = Viewer.of(["supervisor"], "370700:petition_bureau")


@pytest.fixture(params=["sqlite", "postgres"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        database = Database(f"sqlite+aiosqlite:///{tmp_path / 'scope.db'}")
    else:
        pg_url: str = request.getfixturevalue("pg_url")
        schema = f"p_{uuid.uuid4().hex[:8]}"
        setup = Database(pg_url)
        async with setup.transaction() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await setup.dispose()
        database = Database(pg_url, schema=schema)
    await migrate(database, [CORE])
    yield database
    await database.dispose()


def _event(payload: EventData, case_id: str, seq: int) -> CloudEvent:
    return new_event(service=payload.service, payload=payload, subject=case_id, time=T0, sequence=seq)


def registered(case_id: str, **fields: Any) -> CloudEvent:
    data: dict[str, Any] = {
        "case_id": case_id,
        "case_no": "370703-2026-000001",
        "channel": "visit",
        "received_at": T0,
        "received_by": BUREAU,
        "headcount": 1,
        "title": "取土毁田",
        "content": "高里村耕地被挖",
        "place": {"address": "寒亭区高里街道高里村"},
    }
    return _event(PetitionRegistered(**(data | fields)), case_id, 1)


def routed(case_id: str, seq: int = 1, **fields: Any) -> CloudEvent:
    data: dict[str, Any] = {
        "case_id": case_id,
        "category": "land_resources",
        "category_confidence": 0.9,
        "region_code": "370703004201",
        "unit_id": NATURAL_RESOURCES,
        "disposition": "forwarded",
        "detail": {"cause": "registration", "accused_units": []},
    }
    return _event(CaseRouted(**(data | fields)), case_id, seq)


async def apply(db: Database, events: Sequence[CloudEvent]) -> None:
    for event in events:
        async with db.transaction() as conn:
            await project_scope(conn, event)


async def scope_of(db: Database, case_id: str) -> tuple[dict[str, Any], set[tuple[str, str]]]:
    async with db.read() as conn:
        row = (await conn.execute(select(case_scope).where(case_scope.c.case_id == case_id))).mappings().one()
        units = (await conn.execute(select(case_units).where(case_units.c.case_id == case_id))).all()
    return dict(row) | {"case_id": "-"}, {(u.unit_id, u.relation) for u in units}


async def sees(db: Database, viewer: Viewer, case_id: str) -> bool:
    async with db.read() as conn:
        return await can_see_case(conn, viewer, case_id)


async def test_either_order_and_redelivery_give_the_same_scope(db: Database) -> None:
    results = []
    for order in itertools.permutations(["registered", "routed", "reassigned"]):
        case_id = str(uuid.uuid4())
        events = {
            "registered": registered(case_id, accused_units=["高里街道办事处"]),
            "routed": routed(case_id, detail={"accused_units": [TOWNSHIP]}),
            "reassigned": routed(case_id, 2, unit_id="370703:agriculture_rural", detail={"accused_units": [TOWNSHIP]}),
        }
        await apply(db, [events[name] for name in order])
        await apply(db, list(events.values()))  # delivered again: nothing changes
        results.append(await scope_of(db, case_id))
    first = results[0]
    assert all(r == first for r in results)
    row, units = first
    assert (row["received_by"], row["place_region"], row["accusation"]) == (BUREAU, "370703004201", False)
    assert units == {
        (BUREAU, "received"),
        (NATURAL_RESOURCES, "handling"),
        ("370703:agriculture_rural", "handling"),
        (TOWNSHIP, "accused"),
    }


async def test_an_accused_named_by_name_sees_nothing_before_or_after_routing(db: Database) -> None:
    case_id = str(uuid.uuid4())
    township = Viewer.of(["handler"], TOWNSHIP)
    await apply(db, [registered(case_id, place={"region_code": "370703004201"}, accused_units=["高里街道办事处"])])
    assert not await sees(db, township, case_id)  # the name is not resolved yet: no region-wide view
    assert not await sees(db, CITY_SUPERVISOR, case_id)
    assert await sees(db, Viewer.of(["clerk"], BUREAU), case_id)  # the receiving bureau, of course
    await apply(db, [routed(case_id, detail={"accused_units": [TOWNSHIP]})])
    assert not await sees(db, township, case_id)  # resolved: excluded as accused
    assert await sees(db, CITY_SUPERVISOR, case_id)  # and the region-wide view is back for everyone else
    assert await sees(db, Viewer.of(["handler"], "370703:government"), case_id)


async def test_routing_before_registration_gives_no_region_wide_view_until_the_petition_is_known(
    db: Database,
) -> None:
    case_id = str(uuid.uuid4())
    await apply(db, [routed(case_id, category=None, disposition="triage", unit_id=BUREAU, region_code=None)])
    assert await sees(db, Viewer.of(["clerk"], BUREAU), case_id)  # the unit it went to
    assert not await sees(db, CITY_SUPERVISOR, case_id)  # accusation or not is not known yet
    await apply(db, [registered(case_id, category_hint="discipline")])
    assert not await sees(db, CITY_SUPERVISOR, case_id)  # an accusation (R5)
    other = str(uuid.uuid4())
    await apply(db, [routed(other, category=None, disposition="triage", unit_id=BUREAU), registered(other)])
    assert await sees(db, CITY_SUPERVISOR, other)


async def test_routings_category_decides_whether_it_is_an_accusation(db: Database) -> None:
    case_id = str(uuid.uuid4())
    await apply(db, [registered(case_id)])  # no hint: not an accusation by the petition
    await apply(db, [routed(case_id, category="discipline", unit_id="370700:discipline")])
    assert not await sees(db, CITY_SUPERVISOR, case_id)
    assert await sees(db, Viewer.of(["handler"], "370700:discipline"), case_id)


async def test_a_unit_named_as_accused_in_a_correction_loses_the_case(db: Database) -> None:
    case_id = str(uuid.uuid4())
    government = Viewer.of(["handler"], "370703:government")
    await apply(db, [registered(case_id), routed(case_id)])
    assert await sees(db, government, case_id)
    correction = FieldCorrected(
        case_id=case_id,
        field="accused_units",
        old_value=[],
        new_value=["370703:government"],
        reason="来访人补充",
        corrected_at=T0,
    )
    await apply(db, [_event(correction, case_id, 2)])
    assert not await sees(db, government, case_id)
    assert await sees(db, CITY_SUPERVISOR, case_id)
    by_name = FieldCorrected(
        case_id=case_id,
        field="accused_units",
        old_value=["370703:government"],
        new_value=["370703:government", "高里街道办事处"],
        reason="来访人补充",
        corrected_at=T0,
    )
    await apply(db, [_event(by_name, case_id, 3)])
    assert not await sees(db, Viewer.of(["handler"], TOWNSHIP), case_id)  # a name: no region-wide view
    assert await sees(db, Viewer.of(["handler"], NATURAL_RESOURCES), case_id)  # the handling unit still does


async def test_two_consumers_projecting_the_same_case_at_once_lose_nothing(db: Database) -> None:
    cases = [str(uuid.uuid4()) for _ in range(10)]
    await asyncio.gather(
        *(apply(db, [registered(c, accused_units=["高里街道办事处"])]) for c in cases),
        *(apply(db, [routed(c, detail={"accused_units": [TOWNSHIP]})]) for c in cases),
        *(apply(db, [registered(c, accused_units=["高里街道办事处"])]) for c in cases),
    )
    for case_id in cases:
        row, units = await scope_of(db, case_id)
        assert (row["received_by"], row["place_region"], row["accusation"]) == (BUREAU, "370703004201", False)
        assert units == {(BUREAU, "received"), (NATURAL_RESOURCES, "handling"), (TOWNSHIP, "accused")}
