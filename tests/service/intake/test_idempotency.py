"""The same submission twice returns the same case: external_ref and Idempotency-Key, also racing."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from services.intake.tables import petitions
from shared.store.schema import events
from tests.service.intake.conftest import Intake
from tests.support.petitions import petition_body


async def _counts(intake: Intake) -> tuple[int, int]:
    async with intake.app.state.runtime.db.read() as conn:
        cases = await conn.scalar(select(func.count()).select_from(petitions))
        recorded = await conn.scalar(select(func.count()).select_from(events))
    return int(cases or 0), int(recorded or 0)


async def test_the_same_external_ref_returns_the_same_case(intake: Intake) -> None:
    body = petition_body(channel="hotline", external_ref={"system": "12345", "id": "HT-20260302-0017"})
    first = await intake.register(body)
    again = await intake.register(body | {"content": body["content"] + "（补充）"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["case_id"] == again.json()["case_id"]
    assert first.json()["case_no"] == again.json()["case_no"]
    assert again.json()["query_code"] is None  # shown once only
    assert await _counts(intake) == (1, 1)


async def test_the_same_idempotency_key_returns_the_same_case(intake: Intake) -> None:
    first = await intake.register(petition_body(), **{"Idempotency-Key": "k-1"})
    again = await intake.register(petition_body(), **{"Idempotency-Key": "k-1"})
    other = await intake.register(petition_body(), **{"Idempotency-Key": "k-2"})
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert first.json()["case_id"] == again.json()["case_id"] != other.json()["case_id"]


async def test_an_idempotency_key_belongs_to_its_sender(intake: Intake) -> None:
    mine = await intake.client.post(
        "/petitions", json=petition_body(), headers={**intake.headers(sub="clerk-1"), "Idempotency-Key": "k"}
    )
    theirs = await intake.client.post(
        "/petitions", json=petition_body(), headers={**intake.headers(sub="clerk-2"), "Idempotency-Key": "k"}
    )
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["case_id"] != theirs.json()["case_id"]


async def test_an_idempotency_key_reused_for_another_body_is_refused(intake: Intake) -> None:
    await intake.register(petition_body(), **{"Idempotency-Key": "k-1"})
    r = await intake.register(petition_body(title="另一件事"), **{"Idempotency-Key": "k-1"})
    assert r.status_code == 422 and r.json()["type"].endswith("/idempotency-key-reused")


async def test_racing_retries_of_one_external_ref_register_one_case(intake: Intake) -> None:
    body = petition_body(channel="online", external_ref={"system": "portal", "id": "W-88"})
    responses = await asyncio.gather(*(intake.register(body) for _ in range(12)))
    assert sorted(r.status_code for r in responses) == [200] * 11 + [201]
    assert len({r.json()["case_id"] for r in responses}) == 1
    assert await _counts(intake) == (1, 1)


async def test_racing_retries_of_one_idempotency_key_register_one_case(intake: Intake) -> None:
    responses = await asyncio.gather(
        *(intake.register(petition_body(), **{"Idempotency-Key": "race"}) for _ in range(12))
    )
    assert sorted(r.status_code for r in responses) == [200] * 11 + [201]
    assert len({r.json()["case_id"] for r in responses}) == 1


async def test_a_lost_query_code_is_reissued_and_the_old_one_stops_working(intake: Intake) -> None:
    first = (await intake.register(petition_body())).json()
    r = await intake.client.post(f"/petitions/{first['case_id']}/query-code", headers=intake.headers())
    assert r.status_code == 200, r.text
    new_code = r.json()["query_code"]
    assert new_code != first["query_code"]
    old = await intake.client.get(f"/public/cases/{first['case_no']}", params={"code": first["query_code"]})
    new = await intake.client.get(f"/public/cases/{first['case_no']}", params={"code": new_code})
    assert (old.status_code, new.status_code) == (404, 200)
