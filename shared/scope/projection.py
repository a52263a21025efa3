"""Keeps ``case_scope`` / ``case_units`` current from intake's and routing's events.

Every service runs it (``scope_consumer``), in the consumer's transaction. Intake and routing also apply
it to the events they record themselves, in the transaction that records them (:func:`project_events`),
so a case is visible to the unit that registered it, and to the unit it was routed to, together with
the event that made it so. Applying an event twice changes nothing.

Intake's and routing's topics are delivered independently (a consumer catching up may see a case's
``case_routed`` before its ``petition_registered``), so the projection keeps what each source said in
its own columns and derives ``place_region`` and ``accusation`` from them after every event:

- the place is routing's (it reads addresses and text), else the petition's region code;
- a case is an accusation (R5: no region-wide view) when routing's category says so, else when the
  petition's category hint does; a case whose petition has not been seen yet gets no region-wide view;
- a petition that names an accused unit *by name* gets no region-wide view until routing has resolved
  the names to units (``detail.accused_units`` of ``case_routed``), so an accused township never sees
  it, not even in that moment (P2). Units given by id are excluded at once; so are units named in a
  later correction of ``accused_units`` (by id; by name, the region-wide view stays withheld).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Insert, Table, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.consumers.runner import Consumer
from shared.events.base import UnknownEventType
from shared.events.catalogue.intake import FieldCorrected, PetitionRegistered
from shared.events.catalogue.routing import CaseRouted
from shared.events.envelope import CloudEvent
from shared.scope.regions import region_of_unit
from shared.scope.tables import case_scope, case_units

ACCUSATION_CATEGORIES = frozenset({"discipline"})

#: the columns of a ``case_scope`` row nobody has said anything about yet
_EMPTY: Mapping[str, Any] = {
    "received_by": "",
    "received_region": "",
    "petition_region": None,
    "petition_accusation": None,
    "accused_by_name": None,
    "routed_region": None,
    "routed_accusation": None,
    "accused_resolved": None,
}


def _unit_ids(values: Iterable[object]) -> list[str]:
    """Accused units given as ids (``<region>:<kind>``); names are resolved by routing's decision."""
    return [v for v in values if isinstance(v, str) and ":" in v]


def _named(values: Iterable[object]) -> bool:
    return any(isinstance(v, str) and v.strip() and ":" not in v for v in values)


def derived(facts: Mapping[str, Any]) -> dict[str, Any]:
    """``place_region`` and ``accusation`` from what the petition and routing said (see the module)."""
    place = facts.get("routed_region") or facts.get("petition_region")
    if facts.get("routed_accusation") is not None:
        accusation = bool(facts["routed_accusation"])
    elif facts.get("petition_accusation") is not None:
        accusation = bool(facts["petition_accusation"])
    else:
        accusation = True  # the petition is not known yet: no region-wide view
    unresolved = bool(facts.get("accused_by_name")) and not facts.get("accused_resolved")
    return {"place_region": place, "accusation": accusation or unresolved}


def _insert_once(conn: AsyncConnection, table: Table, values: Mapping[str, Any]) -> Insert:
    """An INSERT that does nothing when the row is there already (another consumer may project the same
    case at the same moment)."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).values(**values).on_conflict_do_nothing()
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table).values(**values).on_conflict_do_nothing()
    return insert(table).values(**values)


async def _load(conn: AsyncConnection, case_id: str) -> dict[str, Any] | None:
    query = select(case_scope).where(case_scope.c.case_id == case_id).with_for_update()
    row = (await conn.execute(query)).mappings().first()
    return dict(row) if row is not None else None


async def _merge(conn: AsyncConnection, case_id: str, said: Mapping[str, Any]) -> None:
    row = await _load(conn, case_id)
    if row is None:
        facts = {**_EMPTY, **said}
        values = {k: facts[k] for k in _EMPTY} | derived(facts)
        result = await conn.execute(_insert_once(conn, case_scope, {"case_id": case_id, **values}))
        if result.rowcount == 1:
            return
        row = await _load(conn, case_id)  # inserted meanwhile by another transaction
        assert row is not None
    facts = {**_EMPTY, **row, **said}
    values = {k: facts[k] for k in _EMPTY} | derived(facts)
    await conn.execute(update(case_scope).where(case_scope.c.case_id == case_id).values(**values))


async def _relate(conn: AsyncConnection, case_id: str, unit_id: str, relation: str) -> None:
    await conn.execute(_insert_once(conn, case_units, {"case_id": case_id, "unit_id": unit_id, "relation": relation}))


async def project_scope(conn: AsyncConnection, event: CloudEvent) -> None:
    if event.type not in (PetitionRegistered.event_type, CaseRouted.event_type, FieldCorrected.event_type):
        return
    try:
        payload = event.payload()
    except UnknownEventType:
        return
    if isinstance(payload, PetitionRegistered):
        await _merge(
            conn,
            payload.case_id,
            {
                "received_by": payload.received_by,
                "received_region": region_of_unit(payload.received_by),
                "petition_region": (payload.place or {}).get("region_code"),
                "petition_accusation": payload.category_hint in ACCUSATION_CATEGORIES,
                "accused_by_name": _named(payload.accused_units),
            },
        )
        await _relate(conn, payload.case_id, payload.received_by, "received")
        for unit in _unit_ids(payload.accused_units):
            await _relate(conn, payload.case_id, unit, "accused")
    elif isinstance(payload, CaseRouted):
        detail = payload.detail or {}
        said: dict[str, Any] = {}
        if payload.region_code:
            said["routed_region"] = payload.region_code
        if payload.category is not None:
            said["routed_accusation"] = payload.category in ACCUSATION_CATEGORIES
        resolved = detail.get("accused_units")
        if isinstance(resolved, list):
            said["accused_resolved"] = True
        await _merge(conn, payload.case_id, said)
        if payload.unit_id:
            await _relate(conn, payload.case_id, payload.unit_id, "handling")
        for unit in _unit_ids(resolved or ()):
            await _relate(conn, payload.case_id, unit, "accused")
    elif isinstance(payload, FieldCorrected) and payload.field == "accused_units":
        # a unit named as accused in a correction loses the case at once (P2); routing does not decide
        # again on a correction, so a unit named by name withholds the region-wide view from then on
        named = payload.new_value if isinstance(payload.new_value, list) else []
        for unit in _unit_ids(named):
            await _relate(conn, payload.case_id, unit, "accused")
        if _named(named):
            await _merge(conn, payload.case_id, {"accused_by_name": True, "accused_resolved": False})


async def project_events(conn: AsyncConnection, events: Iterable[CloudEvent]) -> None:
    """Apply events a service has just recorded, in the transaction that records them."""
    for event in events:
        await project_scope(conn, event)


def scope_consumer(intake_topic: str, routing_topic: str) -> Consumer:
    return Consumer("scope", [intake_topic, routing_topic], project_scope)
