"""Keeps ``case_scope`` / ``case_units`` current from intake's and routing's events.

Every service runs it (``scope_consumer``), in the consumer's transaction, so a case becomes visible
to its handling unit together with the event that assigned it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.consumers.runner import Consumer
from shared.events.catalogue.intake import PetitionRegistered
from shared.events.catalogue.routing import CaseRouted
from shared.events.envelope import CloudEvent
from shared.scope.regions import region_of_unit
from shared.scope.tables import case_scope, case_units

ACCUSATION_CATEGORIES = frozenset({"discipline"})


def _unit_ids(values: Iterable[str]) -> list[str]:
    """Accused units given as ids (``<region>:<kind>``); names are resolved by routing's decision."""
    return [v for v in values if ":" in v]


async def _relate(conn: AsyncConnection, case_id: str, unit_id: str, relation: str) -> None:
    exists = await conn.scalar(
        select(case_units.c.unit_id).where(
            case_units.c.case_id == case_id,
            case_units.c.unit_id == unit_id,
            case_units.c.relation == relation,
        )
    )
    if exists is None:
        await conn.execute(insert(case_units).values(case_id=case_id, unit_id=unit_id, relation=relation))


async def project_scope(conn: AsyncConnection, event: CloudEvent) -> None:
    if event.type == PetitionRegistered.event_type:
        p = event.payload()
        assert isinstance(p, PetitionRegistered)
        await conn.execute(delete(case_scope).where(case_scope.c.case_id == p.case_id))
        await conn.execute(
            insert(case_scope).values(
                case_id=p.case_id,
                received_by=p.received_by,
                received_region=region_of_unit(p.received_by),
                place_region=(p.place or {}).get("region_code"),
                accusation=p.category_hint in ACCUSATION_CATEGORIES,
            )
        )
        await _relate(conn, p.case_id, p.received_by, "received")
        for unit in _unit_ids(p.accused_units):
            await _relate(conn, p.case_id, unit, "accused")
    elif event.type == CaseRouted.event_type:
        d = event.payload()
        assert isinstance(d, CaseRouted)
        values: dict[str, object] = {}
        if d.region_code:
            values["place_region"] = d.region_code
        if d.category is not None:
            values["accusation"] = d.category in ACCUSATION_CATEGORIES
        if values:
            await conn.execute(update(case_scope).where(case_scope.c.case_id == d.case_id).values(**values))
        if d.unit_id:
            await _relate(conn, d.case_id, d.unit_id, "handling")
        for unit in _unit_ids(str(u) for u in (d.detail or {}).get("accused_units", [])):
            await _relate(conn, d.case_id, unit, "accused")


def scope_consumer(intake_topic: str, routing_topic: str) -> Consumer:
    return Consumer("scope", [intake_topic, routing_topic], project_scope)
