"""The SQL form of the scope (``shared/scope/queries.py``) decides exactly as the pure policy does,
on SQLite and on PostgreSQL: the queries enforce P3/P2, and they enforce the same rule."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text

from shared.scope.policy import CaseFacts, Viewer, can_see
from shared.scope.queries import visible
from shared.scope.regions import region_of_unit
from shared.scope.tables import case_scope, case_units
from shared.store.db import Database
from shared.store.migrate import CORE, migrate

UNITS = [
    "370703:petition_bureau",
    "370703:natural_resources",
    "370703:government",
    "370703004:township_government",
    "370703003:township_government",
    "370702:petition_bureau",
    "370700:petition_bureau",
    "370700:discipline",
]
ROLES = [["clerk"], ["handler"], ["supervisor"], ["auditor"]]


def _cases() -> list[tuple[str, CaseFacts]]:
    out = []
    places = [None, "370703004201", "370702002001"]
    for received, handling, place, accused, accusation in itertools.product(
        ["370703:petition_bureau", "370702:petition_bureau"],
        [(), ("370703:natural_resources",), ("370700:discipline",)],
        places,
        [(), ("370703:government",), ("370703:natural_resources",)],
        [False, True],
    ):
        out.append(
            (str(uuid.uuid4()), CaseFacts(received, frozenset(handling), place, frozenset(accused), accusation))
        )
    return out


@pytest.fixture(params=["sqlite", "postgres"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        database = Database(f"sqlite+aiosqlite:///{tmp_path / 'scope.db'}")
    else:
        pg_url: str = request.getfixturevalue("pg_url")
        schema = f"s_{uuid.uuid4().hex[:8]}"
        setup = Database(pg_url)
        async with setup.transaction() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await setup.dispose()
        database = Database(pg_url, schema=schema)
    await migrate(database, [CORE])
    yield database
    await database.dispose()


async def test_sql_visibility_equals_the_policy_for_every_viewer_and_case(db: Database) -> None:
    cases = _cases()
    async with db.transaction() as conn:
        for case_id, f in cases:
            await conn.execute(
                insert(case_scope).values(
                    case_id=case_id,
                    received_by=f.received_by,
                    received_region=region_of_unit(f.received_by),
                    place_region=f.place_region,
                    accusation=f.accusation,
                )
            )
            rel = [(f.received_by, "received")] + [(u, "handling") for u in f.handling_units]
            rel += [(u, "accused") for u in f.accused_units]
            for unit, relation in rel:
                await conn.execute(insert(case_units).values(case_id=case_id, unit_id=unit, relation=relation))
    checked = 0
    async with db.read() as conn:
        for roles, unit in itertools.product(ROLES, UNITS):
            viewer = Viewer.of(roles, unit)
            rows = await conn.execute(select(case_scope.c.case_id).where(visible(viewer, case_scope.c.case_id)))
            seen = {r.case_id for r in rows}
            expected = {case_id for case_id, f in cases if can_see(viewer, f)}
            assert seen == expected, (roles, unit)
            checked += len(cases)
    assert checked == len(ROLES) * len(UNITS) * len(cases)
