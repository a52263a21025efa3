"""Use case: route each registered petition and record the decision (R1–R14); follow intake's changes.

Runs inside the consumer's transaction: the decision event, its outbox row, the assignment read model,
the case's scope (``shared/scope``) and the processed-event marker commit together.

- ``PetitionRegistered`` → the router's decision (``CaseRouted``, ``detail.cause = registration``). A
  repeat is routed with what intake found (R12): a repeat of an open case (``repeat_outcome = merge``)
  is recorded as ``merged`` with the original's unit and goes to no inbox; supervision starts no D2
  clock for it (it starts D2 only on ``forwarded`` / ``assigned``). A repeat after a reply is assigned
  (R8); a repeat of a terminated matter is ``not_accepted``.
- ``RepeatMerged`` (on the repeat's own stream, when a clerk confirms a suspected repeat later) → a
  ``merged`` decision, if the case was routed otherwise.
- ``PetitionWithdrawn`` → the case leaves inboxes and queues.
- ``FieldCorrected`` → the stored petition is corrected, so a later re-routing (after a return) reads the
  corrected text; the decision already made stands (a clerk reassigns if it must change).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.domain.assignment import fold, merged_into, routed
from services.routing.domain.decision import RoutingInput
from services.routing.domain.errors import RoutingInputError
from services.routing.domain.router import route
from services.routing.handlers.directory import Current, DirectoryHolder
from services.routing.handlers.projection import close, entries, project
from services.routing.queries import assignment_row, petition_input
from services.routing.tables import assignments, petition_inputs
from shared.consumers.runner import Handler
from shared.events.base import UnknownEventType
from shared.events.catalogue.intake import FieldCorrected, PetitionRegistered, PetitionWithdrawn, RepeatMerged
from shared.events.catalogue.routing import CaseRouted
from shared.events.envelope import CloudEvent
from shared.recorder import record
from shared.runtime import Runtime
from shared.scope.projection import project_events, project_scope

#: intake's corrected field → the router's field
_CORRECTED = {
    "title": "title",
    "content": "content",
    "place": "place",
    "category_hint": "category",
    "accused_units": "accused_units",
    "headcount": "headcount",
    "channel": "channel",
    "received_at": "received_at",
    "leader_instructed": "leader_instructed",
}


def routing_body(petition: PetitionRegistered) -> dict[str, Any]:
    """The petition as the router reads it. Of the petitioners only their number and addresses are kept
    (an address tells where a matter arose, R2); names, ID numbers and phones never reach routing's store."""
    petitioners = [
        {"address": p["address"]} if isinstance(p, dict) and isinstance(p.get("address"), str) else {}
        for p in petition.petitioners
    ]
    return {
        "channel": petition.channel,
        "received_at": petition.received_at.isoformat(),
        "received_by": petition.received_by,
        "petitioners": petitioners,
        "headcount": petition.headcount if petition.headcount >= 1 else None,
        "title": petition.title,
        "content": petition.content,
        "place": {k: v for k, v in petition.place.items() if k in ("address", "region_code")},
        "category": petition.category_hint,
        "accused_units": list(petition.accused_units),
        "urgent": petition.urgent,
        "leader_instructed": petition.leader_instructed,
    }


def unroutable(current: Current, received_by: str, reason: str) -> dict[str, Any]:
    """A petition the router cannot take at all (its receiving unit is not in the directory): to the triage
    queue of the nearest petition bureau of the unit's region, if any."""
    directory = current.directory
    region = received_by.split(":", 1)[0]
    bureau = directory.petition_bureau_for(region) if directory.region(region) else None
    where = bureau.name if bureau else "（目录中找不到信访部门）"
    return {
        "category": None,
        "category_confidence": 0.0,
        "region_code": None,
        "unit_id": bureau.id if bureau else None,
        "disposition": "triage",
        "flags": [],
        "explanation": [f"R9 人工分流：{reason}，转{where}分流，由工作人员决定去向并记录理由"],
        "directory_version": directory.version,
        "detail": {
            "cause": "registration",
            "unit_rule": "R9",
            "unit_name": bureau.name if bureau else None,
            "vocabulary_version": current.vocabulary_version,
            "why": [f"R9：{reason}，转{where}人工分流"],
        },
    }


async def route_registered(
    conn: AsyncConnection, runtime: Runtime, holder: DirectoryHolder, petition: PetitionRegistered, cause: CloudEvent
) -> None:
    case_id = petition.case_id
    if await runtime.store.version(conn, case_id) > 0:
        return  # already routed (the same registration seen through another path)
    current = await holder.current(conn)
    body = routing_body(petition)
    await conn.execute(
        insert(petition_inputs).values(
            case_id=case_id, case_no=petition.case_no, input=body, registered_at=cause.time
        )
    )
    if petition.repeat_of and petition.repeat_outcome:
        original = await assignment_row(conn, petition.repeat_of)
        body = {
            **body,
            "repeat": {
                "of_case": (original or {}).get("case_no") or petition.repeat_of,
                "status": petition.repeat_outcome,
                "unit_id": (original or {}).get("unit_id"),
            },
        }
    try:
        decision = route(RoutingInput.model_validate(body), current.directory, current.classifier)
        data = routed(
            decision, current.directory, cause="registration", vocabulary_version=current.vocabulary_version
        )
    except RoutingInputError as exc:
        data = unroutable(current, petition.received_by, str(exc))
    if petition.repeat_of:
        data["detail"]["repeat_of"] = petition.repeat_of
    envelopes = await record(conn, runtime, case_id, 0, [CaseRouted(case_id=case_id, **data)], cause=cause)
    await project_events(conn, envelopes)
    await project(
        conn,
        case_id,
        envelopes,
        holder.calendar,
        petition={
            "case_no": petition.case_no,
            "title": petition.title,
            "received_by": petition.received_by,
            "petition_received_at": petition.received_at,
        },
    )


async def merge_repeat(
    conn: AsyncConnection, runtime: Runtime, holder: DirectoryHolder, merged: RepeatMerged, cause: CloudEvent
) -> None:
    stream = await runtime.store.load(conn, merged.case_id)
    state = fold(entries(stream.events))
    if not state.routed or state.disposition == "merged":
        return
    current = await holder.current(conn)
    original = await assignment_row(conn, merged.original_case_id) or {}
    data = merged_into(
        state.last, original.get("case_no") or merged.original_case_id, original.get("unit_id"), current.directory
    )
    data["detail"]["repeat_of"] = merged.original_case_id
    payload = CaseRouted(case_id=merged.case_id, **data)
    envelopes = await record(conn, runtime, merged.case_id, stream.version, [payload], cause=cause)
    await project_events(conn, envelopes)
    await project(conn, merged.case_id, envelopes, holder.calendar)


async def correct_input(conn: AsyncConnection, corrected: FieldCorrected) -> None:
    key = _CORRECTED.get(corrected.field)
    if key is None:
        return
    body = await petition_input(conn, corrected.case_id)
    if body is None:
        return
    value = corrected.new_value
    if key == "place" and isinstance(value, dict):
        value = {k: v for k, v in value.items() if k in ("address", "region_code")}
    body[key] = value
    await conn.execute(update(petition_inputs).where(petition_inputs.c.case_id == corrected.case_id).values(input=body))
    if key == "title" and isinstance(value, str):
        await conn.execute(update(assignments).where(assignments.c.case_id == corrected.case_id).values(title=value))


def petition_consumer_handler(runtime: Runtime, holder: DirectoryHolder) -> Handler:
    async def handle(conn: AsyncConnection, event: CloudEvent) -> None:
        try:
            payload = event.payload()
        except UnknownEventType:
            return  # a newer intake event this version does not know
        # the scope (P3) in this transaction: the case is visible where it is routed as soon as it is
        await project_scope(conn, event)
        match payload:
            case PetitionRegistered():
                await route_registered(conn, runtime, holder, payload, event)
            case RepeatMerged() if event.subject == payload.case_id:
                await merge_repeat(conn, runtime, holder, payload, event)
            case PetitionWithdrawn():
                await close(conn, payload.case_id)
            case FieldCorrected():
                await correct_input(conn, payload)

    return handle
