"""HTTP: registering petitions, the staff view of a case and the clerk's changes. No SQL here.

Every read of a case and every change to one goes through the caller's scope first (P3, P2;
``shared/scope``): a case outside it answers 404 ``case-not-found``, exactly as a case that does not
exist, before any role-specific rule is looked at."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Response

from services.intake import queries
from services.intake.api.deps import intake_of, invalid, refused, scoped_key
from services.intake.api.schemas import (
    CaseChanged,
    ClusterOut,
    CorrectionIn,
    FieldProblem,
    LinkedCase,
    MaterialIn,
    MergeIn,
    OpinionIn,
    PetitionCreated,
    PetitionIn,
    QueryCodeOut,
    ReasonIn,
    RepeatOut,
    ReplyIn,
    TerminationIn,
    UrgentConfirmIn,
    UrgentEvidenceOut,
)
from services.intake.context import Intake
from services.intake.domain.case_numbers import InvalidCaseNumber, parse_case_no
from services.intake.domain.commands import (
    AddMaterial,
    Command,
    ConfirmUrgent,
    CorrectField,
    MarkAbnormal,
    RecordReply,
    RecordReReviewOpinion,
    RecordReviewOpinion,
    RecordTermination,
    Withdraw,
)
from services.intake.domain.errors import DomainError
from services.intake.domain.petition import PetitionState
from services.intake.handlers import cases
from services.intake.handlers.register import (
    IdempotencyKeyReused,
    InvalidPetition,
    Registered,
    prepare,
    register_petition,
)
from services.intake.personal import fields_in_clear, present_petitioners
from services.intake.views import staff_view, without_cases
from shared.privacy.access_log import AccessLogUnavailable, AccessRecord, log_access
from shared.recorder import Actor
from shared.scope.web import CaseReader, case_not_found, viewer_of
from shared.web.auth import Principal, require_roles
from shared.web.problems import DomainProblem, problem_responses

router = APIRouter(tags=["petitions"])

IntakeDep = Annotated[Intake, Depends(intake_of)]
Registrar = Annotated[Principal, Depends(require_roles("clerk", "integration", "admin"))]
Clerk = Annotated[Principal, Depends(require_roles("clerk", "admin"))]
#: who reads the staff view of a case (each within their scope; personal data by role, P1)
Staff = CaseReader


def actor(principal: Principal) -> Actor:
    return Actor(principal.sub, principal.unit)


def created_body(result: Registered) -> PetitionCreated:
    decision = result.repeat or result.repeat_candidate
    repeat = None
    if decision is not None:
        repeat = RepeatOut(
            outcome=decision.outcome,
            applied=result.repeat is not None,
            original_case_id=decision.original_case_id,
            original_case_no=decision.original_case_no,
            similarity=decision.similarity,
            rules=list(decision.rules),
            reason=decision.reason,
            window_ends_at=decision.window_ends_at,
            shared_words=list(decision.shared_words),
        )
    cluster = None
    if result.cluster is not None:
        cluster = ClusterOut(
            linked=[LinkedCase(case_id=c, case_no=result.cluster_case_nos.get(c)) for c in result.cluster.case_ids],
            petitioners=result.cluster.petitioners,
            min_similarity=result.cluster.min_similarity,
            window_days=result.cluster.window_days,
            shared_words=list(result.cluster.shared_words),
        )
    return PetitionCreated(
        case_id=result.case_id,
        case_no=result.case_no,
        query_code=result.query_code,
        status=result.status,
        flags=result.flags,
        warnings=[FieldProblem(field=w.field, code=w.code, message=w.message) for w in result.warnings],
        repeat=repeat,
        cluster=cluster,
        urgent_suggestion=[UrgentEvidenceOut(**e) for e in result.urgent_evidence],
    )


async def register(
    intake: Intake,
    body: PetitionIn,
    principal: Principal,
    *,
    idempotency_key: str | None,
    submitter: str | None = None,
) -> Registered:
    """Shared by ``POST /petitions`` and Open311: prepare, register, translate refusals to problems."""
    try:
        prepared = prepare(
            intake,
            body.draft(),
            now=intake.now(),
            idempotency_key=scoped_key(principal.sub, idempotency_key) if idempotency_key else None,
            request_digest=body.digest(),
            submitter=submitter,
        )
        return await register_petition(intake, prepared, actor=actor(principal))
    except InvalidPetition as exc:
        raise invalid(exc.errors, exc.warnings) from None
    except IdempotencyKeyReused:
        raise DomainProblem(
            422,
            "idempotency-key-reused",
            "Idempotency-Key reused",
            "this Idempotency-Key was used before for a different request",
        ) from None
    except DomainError as exc:
        raise refused(exc) from None


@router.post(
    "/petitions",
    status_code=201,
    response_model=PetitionCreated,
    responses={
        200: {"description": "the same external_ref or Idempotency-Key was registered before: that case"},
        **problem_responses(401, 403, 422),
    },
    summary="Register a petition from any channel",
)
async def post_petition(
    body: PetitionIn,
    response: Response,
    intake: IntakeDep,
    principal: Registrar,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> PetitionCreated:
    result = await register(intake, body, principal, idempotency_key=idempotency_key)
    if not result.created:
        response.status_code = 200
    response.headers["Location"] = f"/petitions/{result.case_id}"
    return created_body(result)


async def _in_scope(intake: Intake, case_id: str, principal: Principal) -> None:
    """404 for a case the caller may not see, the same as for a case that does not exist."""
    if await queries.visible_case_id(intake.runtime.db, viewer_of(principal), case_id=case_id) is None:
        raise case_not_found(case_id)


async def _view(intake: Intake, case_id: str, principal: Principal, endpoint: str) -> dict[str, Any]:
    db = intake.runtime.db
    await _in_scope(intake, case_id, principal)
    events = await queries.case_events(db, intake.runtime.store, case_id)
    if not events:
        raise case_not_found(case_id)
    linked: set[str] = set()
    for e in events:
        for key in ("repeat_of", "original_case_id", "candidate_case_id"):
            if isinstance(e.data.get(key), str):
                linked.add(e.data[key])
        if e.data.get("case_id") and e.data["case_id"] != case_id:
            linked.add(e.data["case_id"])
        linked.update(e.data.get("linked_case_ids") or [])
    people: list[dict[str, Any]] = list(events[0].data.get("petitioners") or [])
    clear = fields_in_clear(people, principal.roles)
    if clear:  # P3: log, then reveal
        subjects = {p.get("subject_id") for p in people if p.get("subject_id")}
        record = AccessRecord.for_principal(
            principal,
            case_id=case_id,
            fields=clear,
            purpose="staff view of the case",
            endpoint=endpoint,
            subject_id=subjects.pop() if len(subjects) == 1 else None,
        )
        try:
            await log_access(db, record, at=intake.now())
        except AccessLogUnavailable:
            raise DomainProblem(
                503, "access-log-unavailable", "Service Unavailable", "personal data is shown only when its read is logged"
            ) from None
    seen = await queries.visible_case_ids(db, viewer_of(principal), linked)
    view = staff_view(
        events,
        await queries.progress_of(db, case_id),
        intake.directory,
        await queries.case_numbers(db, seen),
        intake.is_working_day,
        await present_petitioners(intake.vault, people, principal.roles),
    )
    return without_cases(view, linked - seen)


@router.get(
    "/petitions/by-number/{case_no}",
    responses=problem_responses(401, 403, 404, 503),
    summary="A case by its number (staff)",
)
async def get_petition_by_number(case_no: str, intake: IntakeDep, principal: Staff) -> dict[str, Any]:
    try:
        number = str(parse_case_no(case_no))
    except InvalidCaseNumber:
        raise case_not_found(case_no) from None
    case_id = await queries.visible_case_id(intake.runtime.db, viewer_of(principal), case_no=number)
    if case_id is None:
        raise case_not_found(case_no)
    return await _view(intake, case_id, principal, "GET /petitions/by-number/{case_no}")


@router.get(
    "/petitions/{case_id}",
    responses=problem_responses(401, 403, 404, 503),
    summary="A case as staff see it (personal data in clear only for roles that need it; such reads are logged)",
)
async def get_petition(case_id: str, intake: IntakeDep, principal: Staff) -> dict[str, Any]:
    return await _view(intake, case_id, principal, "GET /petitions/{case_id}")


# --- the clerk's changes ---------------------------------------------------------------------------


async def _change(
    intake: Intake, case_id: str, build: Callable[[PetitionState, datetime], Command], principal: Principal
) -> CaseChanged:
    await _in_scope(intake, case_id, principal)
    try:
        outcome = await cases.execute(intake, case_id, build, actor=actor(principal))
    except cases.CaseNotFound:
        raise case_not_found(case_id) from None
    except DomainError as exc:
        raise refused(exc) from None
    state = outcome.state
    return CaseChanged(
        case_id=state.case_id,
        case_no=state.case_no,
        status=state.status,
        flags=sorted(state.flags),
        version=state.version,
        recorded=[e.event_type for e in outcome.events],
    )


_CHANGE_PROBLEMS = problem_responses(401, 403, 404, 409, 422)


@router.post("/petitions/{case_id}/materials", status_code=201, summary="Add material (补充材料)", response_model=CaseChanged, responses=_CHANGE_PROBLEMS)
async def add_material(case_id: str, body: MaterialIn, intake: IntakeDep, principal: Clerk) -> CaseChanged:
    material_id = body.material_id or str(uuid.uuid4())
    return await _change(
        intake,
        case_id,
        lambda _s, now: AddMaterial(
            material_id=material_id,
            kind=body.kind,
            title=body.title,
            at=now,
            media_type=body.media_type,
            size_bytes=body.size_bytes,
            sha256=body.sha256,
        ),
        principal,
    )


@router.post(
    "/petitions/{case_id}/corrections",
    summary="Correct a registered field: a new event with the reason; the old value stays in the history",
    response_model=CaseChanged,
    responses=_CHANGE_PROBLEMS,
)
async def correct_field(case_id: str, body: CorrectionIn, intake: IntakeDep, principal: Clerk) -> CaseChanged:
    return await _change(
        intake, case_id, lambda _s, now: CorrectField(field=body.field, value=body.value, reason=body.reason, at=now), principal
    )


@router.post("/petitions/{case_id}/withdraw", summary="Record that the petitioner withdrew (撤回)", response_model=CaseChanged, responses=_CHANGE_PROBLEMS)
async def withdraw(case_id: str, body: ReasonIn, intake: IntakeDep, principal: Clerk) -> CaseChanged:
    return await _change(intake, case_id, lambda _s, now: Withdraw(at=now, reason=body.reason), principal)


@router.post("/petitions/{case_id}/abnormal", summary="Mark an abnormal petition (非正常上访, I9)", response_model=CaseChanged, responses=_CHANGE_PROBLEMS)
async def mark_abnormal(case_id: str, body: ReasonIn, intake: IntakeDep, principal: Clerk) -> CaseChanged:
    return await _change(intake, case_id, lambda _s, now: MarkAbnormal(reason=body.reason, at=now), principal)


@router.post("/petitions/{case_id}/urgent/confirm", summary="Confirm an urgent matter (S11)", response_model=CaseChanged, responses=_CHANGE_PROBLEMS)
async def confirm_urgent(case_id: str, body: UrgentConfirmIn, intake: IntakeDep, principal: Clerk) -> CaseChanged:
    return await _change(
        intake,
        case_id,
        lambda _s, now: ConfirmUrgent(
            kinds=tuple(body.kinds),  # type: ignore[arg-type]  # the domain refuses unknown kinds
            at=now,
            evidence=tuple(body.evidence),
            note=body.note,
        ),
        principal,
    )


@router.post("/petitions/{case_id}/merge", summary="Merge this repeat into its open original (R12)", response_model=CaseChanged, responses=_CHANGE_PROBLEMS)
async def merge(case_id: str, body: MergeIn, intake: IntakeDep, principal: Clerk) -> CaseChanged:
    await _in_scope(intake, case_id, principal)
    original_id = body.original_case_id
    if original_id is None and body.original_case_no:
        try:
            number: str | None = str(parse_case_no(body.original_case_no))
        except InvalidCaseNumber:
            number = None
        if number is not None:
            original_id = await queries.visible_case_id(intake.runtime.db, viewer_of(principal), case_no=number)
        if original_id is None:
            raise case_not_found(body.original_case_no)
    if original_id is None:
        raise DomainProblem(
            422,
            "validation-error",
            "Request validation failed",
            "invalid: original_case_id",
            errors=[
                {
                    "field": "original_case_id",
                    "location": "body",
                    "code": "required",
                    "message": "请给出原件的案件标识或编号 / give original_case_id or original_case_no",
                }
            ],
        )
    await _in_scope(intake, original_id, principal)
    try:
        outcome = await cases.merge_repeat(
            intake, case_id, original_id, reason=body.reason, similarity=body.similarity, actor=actor(principal)
        )
    except cases.CaseNotFound as exc:
        raise case_not_found(str(exc)) from None
    except DomainError as exc:
        raise refused(exc) from None
    state = outcome.state
    return CaseChanged(
        case_id=state.case_id,
        case_no=state.case_no,
        status=state.status,
        flags=sorted(state.flags),
        version=state.version,
        recorded=[e.event_type for e in outcome.events],
    )


@router.post(
    "/petitions/{case_id}/query-code",
    response_model=QueryCodeOut,
    responses=problem_responses(401, 403, 404, 409),
    summary="Issue a new query code (the old one stops working); shown once",
)
async def reissue_query_code(case_id: str, intake: IntakeDep, principal: Registrar) -> QueryCodeOut:
    await _in_scope(intake, case_id, principal)
    try:
        outcome = await cases.reissue_query_code(intake, case_id, actor=actor(principal))
    except cases.CaseNotFound:
        raise case_not_found(case_id) from None
    except DomainError as exc:
        raise refused(exc) from None
    assert outcome.secret is not None
    return QueryCodeOut(case_id=outcome.state.case_id, case_no=outcome.state.case_no, query_code=outcome.secret)


# --- facts from the handling units, recorded by a clerk until supervision reports them --------------


@router.post("/petitions/{case_id}/reply", summary="Record the reply (答复) and its delivery", response_model=CaseChanged, responses=_CHANGE_PROBLEMS)
async def record_reply(case_id: str, body: ReplyIn, intake: IntakeDep, principal: Clerk) -> CaseChanged:
    return await _change(
        intake,
        case_id,
        lambda _s, now: RecordReply(replied_at=body.replied_at, at=now, delivered_at=body.delivered_at),
        principal,
    )


@router.post("/petitions/{case_id}/review-opinion", summary="Record the review opinion (复查意见)", response_model=CaseChanged, responses=_CHANGE_PROBLEMS)
async def record_review_opinion(case_id: str, body: OpinionIn, intake: IntakeDep, principal: Clerk) -> CaseChanged:
    return await _change(
        intake,
        case_id,
        lambda _s, now: RecordReviewOpinion(decided_at=body.decided_at, at=now, delivered_at=body.delivered_at),
        principal,
    )


@router.post("/petitions/{case_id}/re-review-opinion", summary="Record the re-review opinion (复核意见)", response_model=CaseChanged, responses=_CHANGE_PROBLEMS)
async def record_re_review_opinion(case_id: str, body: OpinionIn, intake: IntakeDep, principal: Clerk) -> CaseChanged:
    return await _change(
        intake,
        case_id,
        lambda _s, now: RecordReReviewOpinion(decided_at=body.decided_at, at=now, delivered_at=body.delivered_at),
        principal,
    )


@router.post("/petitions/{case_id}/termination", summary="Record the termination (终结, D6)", response_model=CaseChanged, responses=_CHANGE_PROBLEMS)
async def record_termination(case_id: str, body: TerminationIn, intake: IntakeDep, principal: Clerk) -> CaseChanged:
    return await _change(
        intake,
        case_id,
        lambda _s, now: RecordTermination(terminated_at=body.terminated_at, at=now, reason=body.reason),
        principal,
    )
