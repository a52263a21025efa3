"""Use case: route a registered petition and record the decision (R1–R14).

Runs inside the consumer's transaction: the decision event, its outbox row, the assignment read
model and the processed-event marker commit together.
"""

from __future__ import annotations

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.tables import assignments
from shared.events.catalogue.intake import PetitionRegistered
from shared.events.catalogue.routing import CaseRouted
from shared.events.envelope import CloudEvent
from shared.recorder import record
from shared.runtime import Runtime


def decide_route(petition: PetitionRegistered) -> CaseRouted:
    """Placeholder policy: every case goes to the triage queue of the receiving petition bureau (R9)."""
    region = petition.received_by.split(":", 1)[0]
    return CaseRouted(
        case_id=petition.case_id,
        category=petition.category_hint,
        category_confidence=0.0,
        region_code=None,
        unit_id=f"{region}:petition_bureau",
        disposition="triage",
        flags=[],
        explanation=["R9：待分类，转本级信访局人工分办"],
        directory_version="",
    )


async def project_assignment(conn: AsyncConnection, decision: CaseRouted, received_by: str | None, at: object) -> None:
    await conn.execute(delete(assignments).where(assignments.c.case_id == decision.case_id))
    await conn.execute(
        insert(assignments).values(
            case_id=decision.case_id,
            category=decision.category,
            category_confidence=decision.category_confidence,
            region_code=decision.region_code,
            unit_id=decision.unit_id,
            disposition=decision.disposition,
            flags=decision.flags,
            explanation=decision.explanation,
            directory_version=decision.directory_version,
            received_by=received_by,
            routed_at=at,
        )
    )


def petition_consumer_handler(runtime: Runtime):  # type: ignore[no-untyped-def]
    async def handle(conn: AsyncConnection, event: CloudEvent) -> None:
        payload = event.payload()
        if not isinstance(payload, PetitionRegistered):
            return
        version = await runtime.store.version(conn, payload.case_id)
        if version > 0:
            return  # already routed (e.g. the same registration seen through another path)
        decision = decide_route(payload)
        await record(conn, runtime, payload.case_id, version, [decision], cause=event)
        await project_assignment(conn, decision, payload.received_by, runtime.clock.now())

    return handle
