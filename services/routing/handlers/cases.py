"""Use cases on a routed case: sign for, return (R13), triage decision (R9), dispute decision (R13),
reassignment. Each loads the case's routing stream, decides with the domain, and appends the events with
the expected version in one transaction with the outbox and the read model; a version conflict (another
command on the same case won the race) is retried from the start.

After a return, a dispute, a triage decision or a reassignment a new ``CaseRouted`` is recorded
(``detail.cause`` says why), so every consumer that follows decisions — supervision's D2 clock among
them — sees the case's new unit the same way it saw the first one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.routing.domain.assignment import (
    Assignment,
    Refused,
    decide_dispute,
    decide_reassign,
    decide_return,
    decide_sign,
    decide_triage,
    disputed,
    fold,
    placed,
    routed,
)
from services.routing.domain.decision import ReturnedUnit, RoutingInput
from services.routing.domain.errors import RoutingInputError
from services.routing.domain.router import route
from services.routing.handlers.directory import Current, DirectoryHolder
from services.routing.handlers.projection import entries, project
from services.routing.handlers.route_case import unroutable
from services.routing.queries import petition_input
from shared.events.base import EventData
from shared.events.catalogue.routing import (
    CaseDisputed,
    CaseReassigned,
    CaseReturned,
    CaseRouted,
    CaseSigned,
    DisputeDecided,
    TriageDecided,
)
from shared.events.envelope import CloudEvent
from shared.recorder import Actor, record
from shared.runtime import Runtime
from shared.scope.projection import project_events
from shared.store.event_store import ConcurrencyError

MAX_ATTEMPTS = 5

Decide = Callable[[AsyncConnection, Current, Assignment], Awaitable[Sequence[EventData]]]


@dataclass
class CaseCommands:
    runtime: Runtime
    holder: DirectoryHolder

    async def _run(self, case_id: str, actor: Actor, decide: Decide) -> list[CloudEvent]:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                async with self.runtime.db.transaction() as conn:
                    current = await self.holder.current(conn)
                    stream = await self.runtime.store.load(conn, case_id)
                    state = fold(entries(stream.events))
                    payloads = await decide(conn, current, state)
                    envelopes = await record(conn, self.runtime, case_id, stream.version, payloads, actor=actor)
                    await project_events(conn, envelopes)
                    await project(conn, case_id, envelopes, self.holder.calendar)
                return envelopes
            except ConcurrencyError:
                if attempt == MAX_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    async def sign(self, case_id: str, actor: Actor) -> list[CloudEvent]:
        """签收 by the actor's unit."""

        async def decide(conn: AsyncConnection, current: Current, state: Assignment) -> list[EventData]:
            signed = decide_sign(state, actor.unit or "", self.runtime.clock.now())
            return [CaseSigned(case_id=case_id, unit_id=signed.unit_id, signed_at=signed.at)]

        return await self._run(case_id, actor, decide)

    async def return_case(self, case_id: str, actor: Actor, reason: str) -> list[CloudEvent]:
        """R13 退回 by the actor's unit: routed again without it, or disputed."""

        async def decide(conn: AsyncConnection, current: Current, state: Assignment) -> list[EventData]:
            now = self.runtime.clock.now()
            ret = decide_return(state, actor.unit or "", reason, now, self.holder.calendar, current.directory)
            out: list[EventData] = [
                CaseReturned(
                    case_id=case_id,
                    unit_id=ret.unit_id,
                    reason=ret.reason,
                    received_at=ret.received_at,
                    deadline=ret.deadline,
                    returned_at=now,
                )
            ]
            if ret.disputed_units:
                out.append(
                    CaseDisputed(
                        case_id=case_id,
                        disputed_units=[u.id for u in ret.disputed_units],
                        bureau_id=ret.dispute_bureau.id if ret.dispute_bureau else None,
                        reason=ret.reason,
                        disputed_at=now,
                    )
                )
                data = disputed(state.last, ret, current.directory)
            else:
                returned = [ReturnedUnit(unit_id=r.unit_id, reason=r.reason) for r in ret.all_returns]
                data = await self._reroute(conn, case_id, current, state, returned)
                data["detail"].update(reason=ret.reason, previous_unit_id=ret.unit_id)
            out.append(CaseRouted(case_id=case_id, **data))
            return out

        return await self._run(case_id, actor, decide)

    async def _reroute(
        self,
        conn: AsyncConnection,
        case_id: str,
        current: Current,
        state: Assignment,
        returned: list[ReturnedUnit],
    ) -> dict[str, Any]:
        body = await petition_input(conn, case_id)
        if body is None:
            raise Refused("conflict", "petition-unavailable", "找不到本件的登记内容，无法重新分办 / petition not found")
        try:
            decision = route(RoutingInput.model_validate(body), current.directory, current.classifier, returned=returned)
        except RoutingInputError as exc:
            return unroutable(current, str(body.get("received_by")), str(exc))
        return routed(
            decision, current.directory, cause="return", vocabulary_version=current.vocabulary_version
        )

    async def triage(
        self,
        case_id: str,
        actor: Actor,
        *,
        unit_id: str,
        disposition: str,
        category: str | None,
        reason: str,
    ) -> list[CloudEvent]:
        """R9 by a clerk of the bureau holding the case (binding when the case is disputed, R13)."""

        async def decide(conn: AsyncConnection, current: Current, state: Assignment) -> list[EventData]:
            placement = decide_triage(
                state, actor.unit or "", unit_id, disposition, category, reason, current.directory
            )
            now = self.runtime.clock.now()
            return [
                TriageDecided(
                    case_id=case_id,
                    bureau_id=actor.unit or "",
                    unit_id=placement.unit.id,
                    disposition=placement.disposition,
                    category=placement.category,
                    reason=placement.reason,
                    binding=placement.binding,
                    decided_at=now,
                ),
                CaseRouted(case_id=case_id, **placed(state.last, placement, current.directory)),
            ]

        return await self._run(case_id, actor, decide)

    async def decide_dispute(self, case_id: str, actor: Actor, *, unit_id: str, reason: str) -> list[CloudEvent]:
        """R13: the binding decision of the bureau one level above the disputed units."""

        async def decide(conn: AsyncConnection, current: Current, state: Assignment) -> list[EventData]:
            placement = decide_dispute(state, actor.unit or "", unit_id, reason, current.directory)
            return [
                DisputeDecided(
                    case_id=case_id,
                    bureau_id=actor.unit or "",
                    unit_id=placement.unit.id,
                    reason=placement.reason,
                    decided_at=self.runtime.clock.now(),
                ),
                CaseRouted(case_id=case_id, **placed(state.last, placement, current.directory)),
            ]

        return await self._run(case_id, actor, decide)

    async def reassign(
        self,
        case_id: str,
        actor: Actor,
        *,
        unit_id: str,
        reason: str,
        disposition: str | None,
        may_supervise: Callable[[Current, Assignment], bool],
    ) -> list[CloudEvent]:
        """A supervisor moves the case; ``may_supervise`` checks the supervisor's scope (P3)."""

        async def decide(conn: AsyncConnection, current: Current, state: Assignment) -> list[EventData]:
            if state.routed and not may_supervise(current, state):
                raise Refused(
                    "not_yours", "outside-supervision", "本件不在您所在单位的督办范围内 / outside your unit's scope"
                )
            placement = decide_reassign(
                state, unit_id, reason, current.directory, by_unit=actor.unit, disposition=disposition
            )
            return [
                CaseReassigned(
                    case_id=case_id,
                    from_unit_id=state.unit_id,
                    unit_id=placement.unit.id,
                    disposition=placement.disposition,
                    reason=placement.reason,
                    reassigned_at=self.runtime.clock.now(),
                ),
                CaseRouted(case_id=case_id, **placed(state.last, placement, current.directory)),
            ]

        return await self._run(case_id, actor, decide)
