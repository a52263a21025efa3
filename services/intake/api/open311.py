"""Open311 GeoReport v2 for hotline and online-portal systems (https://wiki.open311.org/GeoReport_v2).

Endpoints (JSON only; ``.xml`` answers 400): ``discovery.json``, ``services.json``,
``services/{service_code}.json``, ``POST requests.json`` (form-encoded or JSON), ``GET requests.json``,
``GET requests/{service_request_id}.json``, ``GET tokens/{token}.json``. Errors are the spec's
``[{"code": ..., "description": ...}]`` with the HTTP status as the code.

Mapping: a service is a category of ``categories.yaml`` (``service_code`` = category code, a hint for
routing); a service request is a petition, ``service_request_id`` its case number. ``description`` is
the content, ``first_name``/``last_name``/``phone`` the petitioner, ``address_string``/``lat``/``long`` the
place. Extension attributes (``attribute[received_by]`` ...) carry what a petition needs beyond the
spec; see ``services/{code}.json``. ``email``, ``device_id``, ``account_id`` and ``media_url`` are not kept.

Auth: ``api_key`` (per the spec; created by an admin at ``/admin/api-keys``) or a bearer token with the
``integration`` or ``admin`` role. A caller sees only the requests it submitted (admin: all). Every
endpoint is rate limited per key, token subject or client address.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.intake import queries
from services.intake.api.deps import intake_of, limits_of, take_token
from services.intake.api.petitions import register
from services.intake.api.schemas import PetitionIn
from services.intake.context import Intake
from services.intake.domain.case_numbers import InvalidCaseNumber, parse_case_no
from services.intake.domain.channels import CHANNELS
from services.intake.domain.windows import CHINA
from services.intake.handlers.integrations import issue_token, verify_key
from services.intake.views import OPEN_STATUSES, STATUS_TEXT, expected_at, responsible_unit
from shared.web.auth import InvalidToken, KeysUnavailable, Principal
from shared.web.limits import client_key
from shared.web.problems import DomainProblem

SPEC = "http://wiki.open311.org/GeoReport_v2"
#: GET requests.json without ids or dates covers this many days (the spec's default)
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000


def error(status: int, *descriptions: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    body = [{"code": status, "description": d} for d in descriptions] or [{"code": status, "description": ""}]
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def _problem_descriptions(problem: DomainProblem) -> list[str]:
    errors = problem.extra.get("errors")
    if isinstance(errors, list) and errors:
        return [f"{e.get('field') or 'request'}: {e.get('message')}" for e in errors if isinstance(e, dict)]
    return [problem.detail or problem.title]


class Open311Route(APIRoute):
    """Answers every error of these routes in the spec's format instead of problem+json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                return error(
                    400, *(f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}" for e in exc.errors())
                )
            except DomainProblem as exc:
                status = 400 if exc.status == 422 else exc.status
                return error(status, *_problem_descriptions(exc), headers=exc.headers)
            except StarletteHTTPException as exc:
                return error(exc.status_code, str(exc.detail), headers=exc.headers)

        return route


router = APIRouter(prefix="/open311/v2", tags=["Open311 GeoReport v2"], route_class=Open311Route)
IntakeDep = Annotated[Intake, Depends(intake_of)]


def _fail(status: int, description: str) -> DomainProblem:
    return DomainProblem(status, "open311", description, description)


# --- who is calling --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    principal: Principal
    submitter: str  # whose requests these are
    system: str  # external_ref system for attribute[external_id]
    unit_id: str | None
    channel: str | None
    sees_all: bool
    rate_key: str


async def _caller(request: Request, intake: Intake, api_key: str | None) -> Caller:
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        try:
            principal: Principal = await request.app.state.authenticator.verify(authorization[7:].strip())
        except InvalidToken:
            raise _fail(401, "invalid bearer token") from None
        except KeysUnavailable:
            raise _fail(503, "authentication unavailable") from None
        if not principal.has_any_role("integration", "admin"):
            raise _fail(403, "requires the integration or admin role")
        return Caller(
            principal=principal,
            submitter=f"user:{principal.sub}",
            system=f"open311:{principal.sub}",
            unit_id=principal.unit,
            channel=None,
            sees_all=principal.has_any_role("admin"),
            rate_key=f"user:{principal.sub}",
        )
    key = api_key or request.headers.get("x-api-key")
    client = await verify_key(intake, key) if key else None
    if client is None:
        take_token(limits_of(request).integration, client_key(request))  # guessing keys costs tokens too
        raise _fail(403, "a valid api_key is required" if key else "api_key is required")
    principal = Principal(
        sub=f"system:{client.system}", name=client.name, roles=frozenset({"integration"}), unit=client.unit_id or ""
    )
    return Caller(
        principal=principal,
        submitter=f"system:{client.system}",
        system=client.system,
        unit_id=client.unit_id,
        channel=client.channel,
        sees_all=False,
        rate_key=f"key:{client.key_id}",
    )


def _limit_anonymous(request: Request) -> None:
    take_token(limits_of(request).integration, client_key(request))


def _check_jurisdiction(intake: Intake, jurisdiction_id: str | None) -> None:
    if jurisdiction_id and jurisdiction_id not in intake.directory.regions:
        raise _fail(404, "jurisdiction_id not found")


# --- discovery and services --------------------------------------------------------------------------


@router.get("/discovery.json", summary="Where the endpoints are (GeoReport v2 discovery)")
async def discovery(request: Request) -> dict[str, Any]:
    _limit_anonymous(request)
    base = str(request.base_url).rstrip("/") + "/open311/v2"
    return {
        "changeset": "2026-01-01T00:00:00+08:00",
        "contact": "信访局 / petition bureau: see the operator's contact page",
        "key_service": "API keys are issued by the petition bureau's administrator (/admin/api-keys)",
        "endpoints": [
            {
                "specification": SPEC,
                "url": base,
                "changeset": "2026-01-01T00:00:00+08:00",
                "type": "production",
                "formats": ["application/json"],
            }
        ],
    }


@router.get("/services.json", summary="Service types: the categories of matters (categories.yaml)")
async def services(
    request: Request, intake: IntakeDep, jurisdiction_id: Annotated[str | None, Query(max_length=40)] = None
) -> list[dict[str, Any]]:
    _limit_anonymous(request)
    _check_jurisdiction(intake, jurisdiction_id)
    return [
        {
            "service_code": c.code,
            "service_name": c.name,
            "description": "、".join(c.examples),
            "metadata": True,
            "type": "realtime",
            "keywords": ",".join(c.examples),
            "group": c.channel,
        }
        for c in intake.directory.categories
    ]


def _attributes(intake: Intake) -> list[dict[str, Any]]:
    def attr(order: int, code: str, datatype: str, description: str, **extra: Any) -> dict[str, Any]:
        return {
            "variable": True,
            "code": code,
            "datatype": datatype,
            "required": False,
            "datatype_description": extra.pop("datatype_description", ""),
            "order": order,
            "description": description,
            **extra,
        }

    return [
        attr(1, "received_by", "string", "接收单位 id (e.g. 370703:petition_bureau); default: the API key's unit"),
        attr(
            2,
            "channel",
            "singlevaluelist",
            "渠道; default: the API key's channel, else online",
            values=[{"key": k, "name": v} for k, v in CHANNELS.items()],
        ),
        attr(3, "received_at", "datetime", "接收时间 (ISO 8601 with offset); default: now"),
        attr(4, "title", "string", "标题; default: the start of the description"),
        attr(5, "id_number", "string", "信访人身份证号 (GB 11643)"),
        attr(6, "headcount", "number", "涉及人数; default: 1"),
        attr(7, "external_id", "string", "the ticket id in the calling system: a resubmission returns the same request"),
        attr(8, "region_code", "string", "发生地行政区划代码"),
        attr(9, "accused_units", "string", "被反映单位, comma-separated"),
    ]


@router.get("/services/{service_code}.json", summary="A service definition: the extension attributes")
async def service_definition(
    service_code: str,
    request: Request,
    intake: IntakeDep,
    jurisdiction_id: Annotated[str | None, Query(max_length=40)] = None,
) -> dict[str, Any]:
    _limit_anonymous(request)
    _check_jurisdiction(intake, jurisdiction_id)
    if intake.directory.category(service_code) is None:
        raise _fail(404, "service_code not found")
    return {"service_code": service_code, "attributes": _attributes(intake)}


# --- requests --------------------------------------------------------------------------------------


async def _params(request: Request) -> dict[str, Any]:
    """The POST parameters, form-encoded or JSON, with ``attribute[code]`` collected into ``attribute``."""
    params: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    items: list[tuple[str, Any]] = list(request.query_params.multi_items())
    if media == "application/json":
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            raise _fail(400, "the body is not JSON") from None
        if not isinstance(data, dict):
            raise _fail(400, "the JSON body must be an object")
        nested = data.pop("attribute", None)
        if isinstance(nested, dict):
            attributes.update({str(k): v for k, v in nested.items()})
        items += list(data.items())
    elif media in ("application/x-www-form-urlencoded", ""):
        try:
            items += parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            raise _fail(400, "the body is not UTF-8") from None
    else:
        raise _fail(400, "send application/x-www-form-urlencoded or application/json")
    for key, value in items:
        if key.startswith("attribute[") and "]" in key:
            code = key[len("attribute[") : key.index("]")]
            if key.endswith("[]"):
                attributes.setdefault(code, []).append(value)
            else:
                attributes[code] = value
        else:
            params[key] = value
    params["attribute"] = attributes
    return params


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _petition(intake: Intake, caller: Caller, p: Mapping[str, Any], now: datetime) -> PetitionIn:
    attributes: Mapping[str, Any] = p["attribute"]
    service_code = _text(p.get("service_code"))
    if not service_code:
        raise _fail(400, "service_code: is required")
    if intake.directory.category(service_code) is None:
        raise _fail(404, "service_code not found")
    address = _text(p.get("address_string"))
    lat, long = _text(p.get("lat")), _text(p.get("long"))
    if not address and not (lat and long) and not _text(p.get("address_id")):
        raise _fail(400, "a location is required: address_string, or lat and long")
    description = _text(p.get("description"))
    first, last = _text(p.get("first_name")), _text(p.get("last_name"))
    # Chinese names are written surname first; Latin ones given name first
    name = f"{last}{first}" if (last + first) and not (last + first).isascii() else " ".join(x for x in (first, last) if x)
    petitioner = {
        "name": name,
        "phone": _text(p.get("phone")) or None,
        "id_number": _text(attributes.get("id_number")) or None,
    }
    place: dict[str, Any] = {}
    if address:
        place["address"] = address
    if lat and long:
        place["lat"], place["long"] = lat, long
    if _text(attributes.get("region_code")):
        place["region_code"] = _text(attributes.get("region_code"))
    external_id = _text(attributes.get("external_id"))
    headcount = _text(attributes.get("headcount"))
    accused = _text(attributes.get("accused_units"))
    body = {
        "channel": _text(attributes.get("channel")) or caller.channel or "online",
        "received_at": _text(attributes.get("received_at")) or now.isoformat(),
        "received_by": _text(attributes.get("received_by")) or caller.unit_id or "",
        "petitioners": [petitioner] if any(petitioner.values()) else [],
        "headcount": headcount or 1,
        "title": _text(attributes.get("title")) or description.split("\n", 1)[0][:30],
        "content": description,
        "place": place,
        "category": service_code,
        "accused_units": [u.strip() for u in accused.split(",") if u.strip()],
        "external_ref": {"system": caller.system[:80], "id": external_id[:200]} if external_id else None,
    }
    try:
        return PetitionIn.model_validate(body)
    except ValidationError as exc:
        raise _in_spec_words(
            DomainProblem(
                422,
                "validation-error",
                "invalid request",
                errors=[{"field": ".".join(str(x) for x in e["loc"]), "message": e["msg"]} for e in exc.errors()],
            )
        ) from None


@router.post(
    "/requests.json",
    status_code=201,
    summary="Submit a service request (a petition): form-encoded or JSON",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
                "application/json": {"schema": {"type": "object"}},
            }
        }
    },
)
async def post_request(request: Request, response: Response, intake: IntakeDep) -> list[dict[str, Any]]:
    params = await _params(request)
    caller = await _caller(request, intake, _text(params.get("api_key")) or None)
    take_token(limits_of(request).integration, caller.rate_key)
    _check_jurisdiction(intake, _text(params.get("jurisdiction_id")) or None)
    body = _petition(intake, caller, params, intake.now())
    try:
        result = await register(
            intake,
            body,
            caller.principal,
            idempotency_key=request.headers.get("idempotency-key"),
            submitter=caller.submitter,
        )
    except DomainProblem as problem:
        raise _in_spec_words(problem) from None
    if not result.created:
        response.status_code = 200
    token = await issue_token(intake, result.case_id)
    notice = "请凭案件编号和查询码查询办理进度、评价答复"
    if result.query_code is None:
        notice = "此前已提交，案件编号不变；查询码已随首次提交给出"
    return [
        {
            "service_request_id": result.case_no,
            "token": token,
            "service_notice": notice,
            "account_id": None,
            # extension: the petitioner's query code (查询码), given once
            "query_code": result.query_code,
        }
    ]


#: petition fields as a GeoReport client named them
_SPEC_NAMES = {
    "content": "description",
    "title": "attribute[title]",
    "channel": "attribute[channel]",
    "received_by": "attribute[received_by]",
    "received_at": "attribute[received_at]",
    "headcount": "attribute[headcount]",
    "petitioners": "first_name/last_name/phone",
    "petitioners.0": "first_name/last_name/phone",
    "petitioners.0.name": "first_name/last_name",
    "petitioners.0.phone": "phone",
    "petitioners.0.id_number": "attribute[id_number]",
}


def _in_spec_words(problem: DomainProblem) -> DomainProblem:
    errors = problem.extra.get("errors")
    if isinstance(errors, list):
        problem.extra["errors"] = [
            e | {"field": _SPEC_NAMES.get(str(e.get("field")), e.get("field"))} for e in errors if isinstance(e, dict)
        ]
    return problem


def _request_view(intake: Intake, row: Mapping[str, Any], progress: list[Any]) -> dict[str, Any]:
    category = intake.directory.category(row["category_hint"] or "")
    status = "open" if row["status"] in OPEN_STATUSES else "closed"
    unit = responsible_unit(progress) or row["received_by"]
    return {
        "service_request_id": row["case_no"],
        "status": status,
        "status_notes": STATUS_TEXT.get(row["status"], row["status"]),
        "service_name": category.name if category else None,
        "service_code": row["category_hint"],
        "description": row["title"],
        "agency_responsible": intake.directory.unit_name(unit),
        "service_notice": None,
        "requested_datetime": row["received_at"].astimezone(CHINA).isoformat(),
        "updated_datetime": (row["updated_at"] or row["registered_at"]).astimezone(CHINA).isoformat(),
        "expected_datetime": expected_at(row["received_at"], progress, intake.is_working_day).isoformat()
        if status == "open"
        else None,
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


async def _views(intake: Intake, rows: list[Any]) -> list[dict[str, Any]]:
    progress = await queries.progress_of_many(intake.runtime.db, [r["case_id"] for r in rows])
    return [_request_view(intake, r, progress.get(r["case_id"], [])) for r in rows]


def _when(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _fail(400, f"{name}: not a W3C date-time") from None
    if moment.tzinfo is None:
        raise _fail(400, f"{name}: give a time zone offset")
    return moment


def _numbers(text: str) -> list[str]:
    numbers = []
    for part in text.split(","):
        if part.strip():
            try:
                numbers.append(str(parse_case_no(part)))
            except InvalidCaseNumber:
                numbers.append(part.strip()[:40])
    return numbers


@router.get("/requests.json", summary="Service requests this caller submitted")
async def get_requests(
    request: Request,
    intake: IntakeDep,
    api_key: Annotated[str | None, Query(max_length=200)] = None,
    jurisdiction_id: Annotated[str | None, Query(max_length=40)] = None,
    service_request_id: Annotated[str | None, Query(max_length=4000)] = None,
    service_code: Annotated[str | None, Query(max_length=80)] = None,
    start_date: Annotated[str | None, Query(max_length=40)] = None,
    end_date: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
) -> list[dict[str, Any]]:
    caller = await _caller(request, intake, api_key)
    take_token(limits_of(request).integration, caller.rate_key)
    _check_jurisdiction(intake, jurisdiction_id)
    numbers = _numbers(service_request_id or "")
    start, end = _when(start_date, "start_date"), _when(end_date, "end_date")
    if not numbers and start is None and end is None:
        start = intake.now() - timedelta(days=DEFAULT_DAYS)
    wanted = {s.strip() for s in (status or "").split(",") if s.strip()}
    if wanted - {"open", "closed"}:
        raise _fail(400, "status: open or closed")
    rows = await queries.submitted_requests(
        intake.runtime.db,
        submitter=None if caller.sees_all else caller.submitter,
        case_nos=numbers,
        category=service_code,
        start=start,
        end=end,
        limit=MAX_REQUESTS,
    )
    if wanted and wanted != {"open", "closed"}:
        keep_open = "open" in wanted
        rows = [r for r in rows if (r["status"] in OPEN_STATUSES) == keep_open]
    return await _views(intake, rows)


@router.get("/requests/{service_request_id}.json", summary="One service request")
async def get_request(
    service_request_id: str,
    request: Request,
    intake: IntakeDep,
    api_key: Annotated[str | None, Query(max_length=200)] = None,
    jurisdiction_id: Annotated[str | None, Query(max_length=40)] = None,
) -> list[dict[str, Any]]:
    caller = await _caller(request, intake, api_key)
    take_token(limits_of(request).integration, caller.rate_key)
    _check_jurisdiction(intake, jurisdiction_id)
    rows = await queries.submitted_requests(
        intake.runtime.db,
        submitter=None if caller.sees_all else caller.submitter,
        case_nos=_numbers(service_request_id),
        limit=1,
    )
    if not rows:
        raise _fail(404, "service_request_id not found")
    return await _views(intake, rows)


@router.get("/tokens/{token}.json", summary="The service request id of a token")
async def get_token(
    token: str,
    request: Request,
    intake: IntakeDep,
    api_key: Annotated[str | None, Query(max_length=200)] = None,
    jurisdiction_id: Annotated[str | None, Query(max_length=40)] = None,
) -> list[dict[str, Any]]:
    caller = await _caller(request, intake, api_key)
    take_token(limits_of(request).integration, caller.rate_key)
    row = await queries.token_case(intake.runtime.db, token[:64])
    if row is None or not (caller.sees_all or row["submitter"] == caller.submitter):
        raise _fail(404, "token not found")
    return [{"service_request_id": row["case_no"], "token": row["token"]}]


@router.api_route("/{path:path}.xml", methods=["GET", "POST"], include_in_schema=False)
async def xml_not_supported(path: str) -> Response:
    return error(400, "only the JSON format is offered: use .json")
