"""HTTP: the petitioner's side — progress by case number and query code, evaluation, review requests.

No login: the case number and the query code (查询码) are the credentials. A wrong code and an unknown
number get the same 404, so the page does not tell whether a case exists. Rate limited per client
address, and wrong codes also per case number (from whatever address they come).
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from services.intake import queries
from services.intake.api.deps import intake_of, limited, limits_of, not_found, refused, take_token
from services.intake.api.schemas import EvaluationIn, ReviewIn
from services.intake.context import Intake
from services.intake.domain.case_numbers import InvalidCaseNumber, parse_case_no
from services.intake.domain.commands import Evaluate, RequestReReview, RequestReview
from services.intake.domain.errors import DomainError
from services.intake.handlers import cases
from services.intake.views import EVALUATION_WORDS, public_view
from shared.recorder import Actor
from shared.web.problems import DomainProblem, problem_responses

router = APIRouter(prefix="/public", tags=["the petitioner"], dependencies=[Depends(limited(lambda lim: lim.public))])

IntakeDep = Annotated[Intake, Depends(intake_of)]
#: who acts on the public side: the petitioner holding the code (no user id)
PETITIONER = Actor("petitioner")


async def _authorised_case(request: Request, intake: Intake, case_no: str, code: str) -> str:
    """The case id when ``code`` is the case's query code; else 404 (and a token of the failure budget)."""
    try:
        number = str(parse_case_no(case_no))
    except InvalidCaseNumber:
        number = case_no.strip().upper()[:40]
    row = await queries.case_by_number(intake.runtime.db, number)
    expected = row["query_code_digest"] if row is not None else None
    given = intake.keys.query_code_digest(code) if code else ""
    if row is None or not expected or not hmac.compare_digest(given, expected):
        take_token(limits_of(request).public_failures, "case:" + number)
        raise not_found()
    return str(row["case_id"])


async def _page(intake: Intake, case_id: str) -> dict[str, Any]:
    db = intake.runtime.db
    events = await queries.case_events(db, intake.runtime.store, case_id)
    originals = [e.data["original_case_id"] for e in events if isinstance(e.data.get("original_case_id"), str)]
    return public_view(
        events,
        await queries.progress_of(db, case_id),
        intake.directory,
        await queries.case_numbers(db, originals),
        intake.is_working_day,
        intake.now(),
    )


@router.get(
    "/cases/{case_no}",
    responses=problem_responses(404, 429),
    summary="Progress of a case, for the petitioner (case number + query code)",
)
async def case_progress(
    case_no: str, request: Request, intake: IntakeDep, code: Annotated[str, Query(max_length=40)] = ""
) -> dict[str, Any]:
    case_id = await _authorised_case(request, intake, case_no, code)
    return await _page(intake, case_id)


async def _act(request: Request, intake: Intake, case_no: str, code: str, build: Any) -> dict[str, Any]:
    case_id = await _authorised_case(request, intake, case_no, code)
    try:
        await cases.execute(intake, case_id, build, actor=PETITIONER)
    except cases.CaseNotFound:
        raise not_found() from None
    except DomainError as exc:
        raise refused(exc) from None
    return await _page(intake, case_id)


@router.post(
    "/cases/{case_no}/evaluation",
    status_code=201,
    responses=problem_responses(404, 409, 422, 429),
    summary="Evaluate the reply: 满意 / 基本满意 / 不满意 (once, after the reply)",
)
async def evaluate(case_no: str, body: EvaluationIn, request: Request, intake: IntakeDep) -> dict[str, Any]:
    value = EVALUATION_WORDS.get(body.evaluation.strip())
    if value is None:
        raise DomainProblem(
            422,
            "validation-error",
            "Request validation failed",
            "invalid: evaluation",
            errors=[
                {
                    "field": "evaluation",
                    "location": "body",
                    "code": "invalid_evaluation",
                    "message": "评价应为满意、基本满意或不满意 / satisfied, basically_satisfied or unsatisfied",
                }
            ],
        )
    return await _act(
        request,
        intake,
        case_no,
        body.code,
        lambda _s, now: Evaluate(evaluation=value, at=now, comment=body.comment),  # type: ignore[arg-type]
    )


@router.post(
    "/cases/{case_no}/review",
    status_code=201,
    responses=problem_responses(404, 409, 422, 429),
    summary="Request a review (复查) within 30 days of receiving the reply (D4)",
)
async def request_review(case_no: str, body: ReviewIn, request: Request, intake: IntakeDep) -> dict[str, Any]:
    return await _act(request, intake, case_no, body.code, lambda _s, now: RequestReview(reason=body.reason, at=now))


@router.post(
    "/cases/{case_no}/re-review",
    status_code=201,
    responses=problem_responses(404, 409, 422, 429),
    summary="Request a re-review (复核) within 30 days of receiving the review opinion (D5)",
)
async def request_re_review(case_no: str, body: ReviewIn, request: Request, intake: IntakeDep) -> dict[str, Any]:
    return await _act(
        request, intake, case_no, body.code, lambda _s, now: RequestReReview(reason=body.reason, at=now)
    )
