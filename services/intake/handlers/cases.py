"""Use cases on a registered case: the clerk's changes, facts reported by other units, the
petitioner's evaluation and review requests. Each loads the stream, decides with the domain, appends
with the expected version and updates the read model in one transaction; a version conflict (somebody
else appended first) runs it again on the new state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake import projection
from services.intake.context import Intake
from services.intake.domain.case_numbers import new_query_code
from services.intake.domain.commands import Command, CorrectField, Merge, ReissueQueryCode
from services.intake.domain.petition import PetitionState, decide, fold
from services.intake.handlers.register import attach_repeat
from shared.events.base import EventData
from shared.recorder import Actor, record
from shared.scope.projection import project_events
from shared.store.event_store import ConcurrencyError

MAX_ATTEMPTS = 8


class CaseNotFound(Exception):
    pass


@dataclass(frozen=True)
class Outcome:
    state: PetitionState
    events: list[EventData]
    #: a value to show once (a reissued query code)
    secret: str | None = None


async def load_state(conn: AsyncConnection, intake: Intake, case_id: str) -> tuple[PetitionState, int]:
    stream = await intake.runtime.store.load(conn, case_id)
    if stream.version == 0:
        raise CaseNotFound(case_id)
    return fold(e.payload() for e in stream.events), stream.version


async def execute(
    intake: Intake,
    case_id: str,
    build: Callable[[PetitionState, datetime], Command],
    *,
    actor: Actor,
) -> Outcome:
    """Decide the command ``build`` makes from the current state and the time; record what it produces."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            async with intake.runtime.db.transaction() as conn:
                state, version = await load_state(conn, intake, case_id)
                now = intake.now()
                command = build(state, now)
                events = decide(command, state, is_working_day=intake.is_working_day)
                if events:
                    recorded = await record(conn, intake.runtime, case_id, version, events, actor=actor)
                    await project_events(conn, recorded)
                    state = fold(events, state)
                    refingerprint = isinstance(command, CorrectField) and command.field in ("title", "content")
                    digest = command.query_code_digest if isinstance(command, ReissueQueryCode) else None
                    await projection.update_case(
                        conn, state, now=now, refingerprint=refingerprint, query_code_digest=digest
                    )
                return Outcome(state, list(events))
        except ConcurrencyError:
            if attempt == MAX_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


async def reissue_query_code(intake: Intake, case_id: str, *, actor: Actor) -> Outcome:
    """A new query code; the old one stops working. The code is returned once, only its digest is kept."""
    code = new_query_code()
    digest = intake.keys.query_code_digest(code)
    outcome = await execute(intake, case_id, lambda _s, now: ReissueQueryCode(digest, now), actor=actor)
    return Outcome(outcome.state, outcome.events, secret=code)


async def merge_repeat(
    intake: Intake,
    case_id: str,
    original_case_id: str,
    *,
    reason: str,
    similarity: float | None,
    actor: Actor,
) -> Outcome:
    """R12 by a clerk: merge ``case_id`` into the open ``original_case_id``; both streams record it."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            async with intake.runtime.db.transaction() as conn:
                state, version = await load_state(conn, intake, case_id)
                try:
                    await load_state(conn, intake, original_case_id)
                except CaseNotFound:
                    raise CaseNotFound(original_case_id) from None
                now = intake.now()
                command = Merge(original_case_id=original_case_id, at=now, similarity=similarity, reason=reason)
                events = decide(command, state, is_working_day=intake.is_working_day)
                await attach_repeat(conn, intake, original_case_id, case_id, None, actor=actor, reason=reason)
                recorded = await record(conn, intake.runtime, case_id, version, events, actor=actor)
                await project_events(conn, recorded)
                state = fold(events, state)
                await projection.update_case(conn, state, now=now)
                return Outcome(state, list(events))
        except ConcurrencyError:
            if attempt == MAX_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


