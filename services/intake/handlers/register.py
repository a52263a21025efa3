"""Use case: register a petition (DOMAIN.md §2 "every matter is registered"; R11, R12, S11, D8).

``prepare`` does what needs no database: the field checks (``validate_petition``, with the receiving
unit against the directory), the text fingerprint and the petitioners' blind indexes. ``register_in``
then works inside one transaction:

1. the same ``external_ref`` or ``Idempotency-Key`` seen before → the case registered the first time;
2. R12 against the read model: earlier cases of the same petitioner (ID number, else phone) and, unless
   switched off, similar cases of other petitioners within 7 days (a possible collective cluster);
3. the next number of the receiving unit's yearly series (the counter row is updated in this very
   transaction, so a rolled-back registration gives its number back: gap-free);
4. the petitioners' ID numbers, phones and addresses sealed by the vault (P1, ``personal.py``);
5. ``decide(Register)`` → ``petition_registered`` (+ ``repeat_merged`` / ``repeat_suspected`` /
   ``collective_cluster_flagged``), appended with the outbox; the read-model rows;
6. for a repeat merged into an open original, ``repeat_merged`` on the original's stream too.

``register_batch`` does the same for a chunk of a bulk import with fewer statements.

A repeat is acted on automatically only at or above ``AUTO_APPLY_THRESHOLD``; below it, the earlier
case is shown to the clerk (``possible_repeat``). Races (two retries of one submission, two
registrations at one unit, a concurrent change to the original) end in a unique-constraint or version
conflict; :func:`register_petition` then runs the whole transaction again.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.intake import projection, queries
from services.intake.context import Intake
from services.intake.domain.case_numbers import KIND_CODES, format_case_no, new_query_code
from services.intake.domain.commands import AttachRepeat, Register
from services.intake.domain.drafts import PetitionDraft
from services.intake.domain.errors import DomainError, FieldError
from services.intake.domain.petition import PetitionState, decide, fold
from services.intake.domain.repeats import (
    CLUSTER_WINDOW,
    REPEAT_WINDOW_MONTHS,
    ClusterFlag,
    EarlierCase,
    IncomingPetition,
    RepeatDecision,
    decide_repeat,
    find_cluster,
)
from services.intake.domain.similarity import Fingerprint, fingerprint
from services.intake.domain.validation import validate_petition
from services.intake.domain.windows import local_date, months_before
from services.intake.keys import PetitionerKeys
from services.intake.personal import seal_petitioners
from services.intake.tables import case_number_sequences
from shared.events.base import EventData
from shared.recorder import Actor, record
from shared.scope.projection import project_events
from shared.store.event_store import ConcurrencyError

MAX_ATTEMPTS = 8


class InvalidPetition(Exception):
    """Field errors: nothing was registered."""

    def __init__(self, errors: Sequence[FieldError], warnings: Sequence[FieldError] = ()) -> None:
        super().__init__(", ".join(f"{e.field}: {e.code}" for e in errors))
        self.errors = tuple(errors)
        self.warnings = tuple(warnings)


class IdempotencyKeyReused(Exception):
    """The Idempotency-Key was used before for a different request body."""


class RetryRegistration(Exception):
    """The world changed under the transaction (the original of a repeat moved on): run it again."""


@dataclass(frozen=True)
class Prepared:
    draft: PetitionDraft
    warnings: tuple[FieldError, ...]
    received_by_level: str | None
    print_: Fingerprint
    petitioners: tuple[PetitionerKeys, ...]
    idempotency_key: str | None = None
    request_digest: str | None = None
    submitter: str | None = None
    detect_clusters: bool = True


@dataclass(frozen=True)
class Registered:
    case_id: str
    case_no: str
    #: the code is shown once: None when an idempotent retry found the earlier registration
    query_code: str | None
    status: str
    flags: list[str]
    created: bool
    warnings: tuple[FieldError, ...] = ()
    repeat: RepeatDecision | None = None
    repeat_candidate: RepeatDecision | None = None
    cluster: ClusterFlag | None = None
    cluster_case_nos: dict[str, str] = field(default_factory=dict)
    urgent_evidence: list[dict[str, str]] = field(default_factory=list)
    received_at: datetime | None = None


def prepare(
    intake: Intake,
    draft: PetitionDraft,
    *,
    now: datetime,
    idempotency_key: str | None = None,
    request_digest: str | None = None,
    submitter: str | None = None,
    detect_clusters: bool = True,
) -> Prepared:
    """Check the draft and compute what the transaction needs. Raises :class:`InvalidPetition`."""
    directory = intake.directory
    result = validate_petition(draft, now=now, known_units=directory.units)
    errors = list(result.errors)
    warnings = list(result.warnings)
    unit = directory.units.get(draft.received_by)
    if unit is not None and unit.kind not in KIND_CODES:
        errors.append(
            FieldError(
                "received_by",
                "no_case_number_code",
                "该单位类型没有案件编号代码 / this kind of unit has no case-number code",
            )
        )
    if draft.category_hint and directory.categories and directory.category(draft.category_hint) is None:
        warnings.append(
            FieldError("category", "unknown_category", "类别不在分类表中，将由分办判断 / routing will classify")
        )
    if errors:
        raise InvalidPetition(errors, warnings)
    return Prepared(
        draft=draft,
        warnings=tuple(warnings),
        received_by_level=directory.unit_level(draft.received_by),
        print_=fingerprint(draft.title, draft.content),
        petitioners=tuple(intake.keys.petitioner(p) for p in draft.petitioners),
        idempotency_key=idempotency_key,
        request_digest=request_digest,
        submitter=submitter,
        detect_clusters=detect_clusters,
    )


async def reserve_case_seqs(conn: AsyncConnection, unit_id: str, year: int, count: int = 1) -> int:
    """Take the next ``count`` numbers of the receiving unit's yearly series; returns the last of them.

    One statement (an upsert that adds ``count``) inside the caller's transaction, so registrations at
    one unit queue on the counter row until the first commits, and a rollback gives the numbers back.
    """
    table = case_number_sequences
    dialect = conn.dialect.name
    if dialect in ("postgresql", "sqlite"):
        upsert: Any
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as upsert
        else:
            from sqlalchemy.dialects.sqlite import insert as upsert
        stmt = (
            upsert(table)
            .values(unit_id=unit_id, year=year, last=count)
            .on_conflict_do_update(
                index_elements=[table.c.unit_id, table.c.year], set_={"last": table.c.last + count}
            )
            .returning(table.c.last)
        )
        return int((await conn.execute(stmt)).scalar_one())
    row = (
        await conn.execute(
            update(table)
            .where(table.c.unit_id == unit_id, table.c.year == year)
            .values(last=table.c.last + count)
            .returning(table.c.last)
        )
    ).first()
    if row is not None:
        return int(row[0])
    await conn.execute(insert(table).values(unit_id=unit_id, year=year, last=count))
    return count


async def next_case_seq(conn: AsyncConnection, unit_id: str, year: int) -> int:
    """The next number in the receiving unit's yearly series, inside the caller's transaction."""
    return await reserve_case_seqs(conn, unit_id, year, 1)


def _replay(row: Any, prepared: Prepared) -> Registered:
    if (
        prepared.idempotency_key
        and row["idempotency_key"] == prepared.idempotency_key
        and row["request_digest"]
        and prepared.request_digest
        and row["request_digest"] != prepared.request_digest
    ):
        raise IdempotencyKeyReused()
    return Registered(
        case_id=row["case_id"],
        case_no=row["case_no"],
        query_code=None,
        status=row["status"],
        flags=list(row["flags"]),
        created=False,
        received_at=row["received_at"],
    )


@dataclass(frozen=True)
class _Decided:
    events: list[EventData]
    state: PetitionState
    query_code: str
    digest: str
    repeat: RepeatDecision | None
    candidate: RepeatDecision | None
    cluster: ClusterFlag | None


def _incoming(prepared: Prepared) -> IncomingPetition:
    return IncomingPetition(
        petitioner_keys=frozenset(k.primary for k in prepared.petitioners if k.primary),
        fingerprint=prepared.print_,
        received_at=prepared.draft.received_at,
    )


def _decide(
    intake: Intake,
    prepared: Prepared,
    *,
    case_no: str,
    earlier: Sequence[EarlierCase],
    recent: Sequence[EarlierCase] | None,
    sealed: tuple[dict[str, Any], ...],
    now: datetime,
) -> _Decided:
    """R12 and ``decide(Register)``: the events of a new registration (no I/O)."""
    incoming = _incoming(prepared)
    decision = decide_repeat(incoming, earlier, is_working_day=intake.is_working_day)
    repeat = decision if decision.automatic else None
    candidate = decision if decision.is_repeat and not decision.automatic else None
    cluster = find_cluster(incoming, recent) if recent is not None else None
    query_code = new_query_code()
    digest = intake.keys.query_code_digest(query_code)
    command = Register(
        case_id=str(uuid.uuid4()),
        case_no=case_no,
        draft=prepared.draft,
        at=now,
        received_by_level=prepared.received_by_level,
        query_code_digest=digest,
        repeat=repeat,
        stored_petitioners=sealed,
        repeat_candidate=candidate,
        cluster=cluster,
    )
    events = decide(command, PetitionState(), is_working_day=intake.is_working_day)
    return _Decided(events, fold(events), query_code, digest, repeat, candidate, cluster)


def _rows(prepared: Prepared, decided: _Decided, now: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    draft = prepared.draft
    return projection.case_rows(
        decided.state,
        query_code_digest=decided.digest,
        print_=prepared.print_,
        petitioner_keys=prepared.petitioners,
        external_ref=dict(draft.external_ref) if draft.external_ref else None,
        idempotency_key=prepared.idempotency_key,
        request_digest=prepared.request_digest,
        submitter=prepared.submitter,
        now=now,
    )


def _registered(prepared: Prepared, decided: _Decided, case_nos: dict[str, str]) -> Registered:
    evidence: list[dict[str, str]] = list(getattr(decided.events[0], "urgent_evidence", []))
    return Registered(
        case_id=decided.state.case_id,
        case_no=decided.state.case_no,
        query_code=decided.query_code,
        status=decided.state.status,
        flags=sorted(decided.state.flags),
        created=True,
        warnings=prepared.warnings,
        repeat=decided.repeat,
        repeat_candidate=decided.candidate,
        cluster=decided.cluster,
        cluster_case_nos=case_nos,
        urgent_evidence=evidence,
        received_at=prepared.draft.received_at,
    )


def _case_no(prepared: Prepared, seq: int) -> str:
    return format_case_no(prepared.draft.received_by, local_date(prepared.draft.received_at).year, seq)


async def register_in(
    conn: AsyncConnection, intake: Intake, prepared: Prepared, *, actor: Actor, assume_new: bool = False
) -> Registered:
    """Register inside the caller's transaction. May raise IntegrityError / ConcurrencyError: retry.

    ``assume_new``: the caller has just looked the submission up and not found it; a submission
    registered meanwhile still fails on the unique constraints.
    """
    now = intake.now()
    draft = prepared.draft
    external_ref = dict(draft.external_ref) if draft.external_ref else None
    if not assume_new:
        found = await queries.existing_registration(conn, external_ref, prepared.idempotency_key)
        if found is not None:
            return _replay(found, prepared)

    since = months_before(draft.received_at, REPEAT_WINDOW_MONTHS)
    earlier = await queries.repeat_candidates(conn, prepared.petitioners, since)
    recent = None
    if prepared.detect_clusters:
        recent = await queries.cluster_candidates(conn, prepared.petitioners, draft.received_at, CLUSTER_WINDOW)
    seq = await next_case_seq(conn, draft.received_by, local_date(draft.received_at).year)
    sealed = await seal_petitioners(conn, intake.vault, draft.petitioners)
    decided = _decide(
        intake, prepared, case_no=_case_no(prepared, seq), earlier=earlier, recent=recent, sealed=sealed, now=now
    )
    # the read-model row first: a racing retry of the same submission fails here, before any event
    row, people = _rows(prepared, decided, now)
    await projection.insert_cases(conn, [row], people)
    recorded = await record(conn, intake.runtime, decided.state.case_id, 0, decided.events, actor=actor)
    await project_events(conn, recorded)
    if decided.repeat is not None and decided.repeat.outcome == "merge" and decided.repeat.original_case_id:
        await attach_repeat(
            conn, intake, decided.repeat.original_case_id, decided.state.case_id, decided.repeat, actor=actor
        )
    case_nos = {c.case_id: c.case_no for c in [*earlier, *(recent or [])] if c.case_no}
    return _registered(prepared, decided, case_nos)


async def register_batch(
    conn: AsyncConnection, intake: Intake, batch: Sequence[Prepared], *, actor: Actor
) -> list[Registered]:
    """Register many new submissions in the caller's transaction (bulk imports).

    The caller has looked every submission up and found none registered, and asks for no cluster
    detection. R12 looks up the petitioners of the whole batch at once (rows of the batch see the rows
    before them), each unit's numbers are reserved in one statement, the read-model rows are inserted
    together; the events are appended stream by stream with the outbox, as always. Any failure rolls
    the whole batch back: the caller then registers row by row with :func:`register_in`.
    """
    if not batch:
        return []
    now = intake.now()
    keys = [k for p in batch for k in p.petitioners]
    since = min(months_before(p.draft.received_at, REPEAT_WINDOW_MONTHS) for p in batch)
    by_id: dict[str, list[queries.StoredCase]] = {}
    by_phone: dict[str, list[queries.StoredCase]] = {}

    def remember(case: queries.StoredCase) -> None:
        for k in case.petitioners:
            if k.id_key:
                by_id.setdefault(k.id_key, []).append(case)
            if k.phone_key:
                by_phone.setdefault(k.phone_key, []).append(case)

    for case in await queries.cases_of_petitioners(conn, keys, since):
        remember(case)

    counts = Counter((p.draft.received_by, local_date(p.draft.received_at).year) for p in batch)
    next_seq: dict[tuple[str, int], int] = {}
    for (unit_id, year), count in sorted(counts.items()):
        next_seq[(unit_id, year)] = await reserve_case_seqs(conn, unit_id, year, count) - count + 1

    rows: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    results: list[Registered] = []
    for prepared in batch:
        draft = prepared.draft
        pool: dict[str, queries.StoredCase] = {}
        for k in prepared.petitioners:
            for case in [*by_id.get(k.id_key or "", []), *by_phone.get(k.phone_key or "", [])]:
                pool[case.case_id] = case
        row_since = months_before(draft.received_at, REPEAT_WINDOW_MONTHS)
        earlier = queries.repeat_candidates_among(
            [c for c in pool.values() if c.received_at >= row_since], prepared.petitioners
        )
        group = (draft.received_by, local_date(draft.received_at).year)
        seq = next_seq[group]
        next_seq[group] = seq + 1
        sealed = await seal_petitioners(conn, intake.vault, draft.petitioners)
        decided = _decide(
            intake, prepared, case_no=_case_no(prepared, seq), earlier=earlier, recent=None, sealed=sealed, now=now
        )
        row, its_people = _rows(prepared, decided, now)
        rows.append(row)
        people += its_people
        recorded = await record(conn, intake.runtime, decided.state.case_id, 0, decided.events, actor=actor)
        await project_events(conn, recorded)
        repeat = decided.repeat
        if repeat is not None and repeat.outcome == "merge" and repeat.original_case_id:
            await projection.insert_cases(conn, rows, people)  # the original may be a row of this batch
            rows, people = [], []
            await attach_repeat(conn, intake, repeat.original_case_id, decided.state.case_id, repeat, actor=actor)
        remember(
            queries.StoredCase(
                case_id=decided.state.case_id,
                case_no=decided.state.case_no,
                fingerprint=prepared.print_.to_json(),
                received_at=draft.received_at,
                status=decided.state.status,
                replied_at=None,
                review_opinion_at=None,
                petitioners=prepared.petitioners,
            )
        )
        results.append(_registered(prepared, decided, {c.case_id: c.case_no for c in earlier if c.case_no}))
    await projection.insert_cases(conn, rows, people)
    return results


async def attach_repeat(
    conn: AsyncConnection,
    intake: Intake,
    original_case_id: str,
    repeat_case_id: str,
    decision: RepeatDecision | None,
    *,
    actor: Actor,
    reason: str = "",
) -> None:
    """Record ``repeat_merged`` on the original's stream (R12), inside the caller's transaction."""
    runtime = intake.runtime
    stream = await runtime.store.load(conn, original_case_id)
    original = fold(e.payload() for e in stream.events)
    command = AttachRepeat(
        repeat_case_id=repeat_case_id,
        at=intake.now(),
        similarity=decision.similarity if decision else None,
        reason=reason or (decision.reason if decision else ""),
    )
    try:
        events = decide(command, original, is_working_day=intake.is_working_day)
    except DomainError as refused:
        if decision is not None:  # decided on a read-model row that has moved on since: decide again
            raise RetryRegistration() from refused
        raise
    if events:
        recorded = await record(conn, runtime, original_case_id, stream.version, events, actor=actor)
        await project_events(conn, recorded)
        await projection.update_case(conn, fold(events, original), now=intake.now())


async def register_petition(intake: Intake, prepared: Prepared, *, actor: Actor) -> Registered:
    """Register in a transaction of its own, running it again after a lost race."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            async with intake.runtime.db.transaction() as conn:
                return await register_in(conn, intake, prepared, actor=actor)
        except (IntegrityError, ConcurrencyError, RetryRegistration):
            if attempt == MAX_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
