"""Errors as RFC 9457 ``application/problem+json``.

Type scheme: every problem this system produces has ``type`` =
``https://xinfang.example/problems/<slug>``, where ``<slug>`` is a short kebab-case name that clients
may switch on (``validation-error``, ``unauthorized``, ``forbidden``, ``not-found``, ``rate-limited``,
``internal-error``, ...). Plain HTTP errors get the slug of their status phrase (404 -> ``not-found``).
``about:blank`` is never used, so a client always has a stable identifier.

Every problem body carries ``type``, ``title``, ``status``, ``correlation_id`` (the request's correlation
id, also in the ``X-Correlation-ID`` header) and, where there is something to say, ``detail``.
Validation errors add ``errors: [{field, location, code, message}]``; ``field`` is the dotted path
inside its location (``petitioners.0.id_number``), empty when the location as a whole is wrong (a body
that is not JSON). Submitted values are never echoed back: they may hold personal data.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.web.correlation import get_correlation_id

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://xinfang.example/problems/"

_log = logging.getLogger(__name__)


def problem_type(slug: str) -> str:
    """The ``type`` URI of a problem slug."""
    return PROBLEM_TYPE_BASE + slug


#: RFC 9110 names where Python's ``HTTPStatus`` still has the older ones.
_RFC9110_PHRASES = {413: "Content Too Large", 422: "Unprocessable Content"}


def status_title(status: int) -> str:
    """The reason phrase of ``status`` (RFC 9110)."""
    if status in _RFC9110_PHRASES:
        return _RFC9110_PHRASES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def status_slug(status: int) -> str:
    """The slug of a plain HTTP status: 404 -> ``not-found``; 500 -> ``internal-error``."""
    if status == 500:
        return "internal-error"
    if status not in _RFC9110_PHRASES:
        try:
            HTTPStatus(status)
        except ValueError:
            return f"http-{status}"
    return status_title(status).lower().replace(" ", "-").replace("'", "")


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


class Problem(BaseModel):
    """The body of a problem response (for OpenAPI); extension members are allowed."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str | None = None
    correlation_id: str | None = None


class FieldError(BaseModel):
    field: str
    location: str
    code: str
    message: str


class ValidationProblem(Problem):
    errors: list[FieldError]


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the problems a route may answer (documented as problem+json)."""
    return {status: {"model": Problem, "description": status_title(status)} for status in statuses}


def _document_problems(app: FastAPI) -> None:
    """Make the OpenAPI document say ``application/problem+json`` for every 4xx/5xx response."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        ref = "#/components/schemas/{model}"
        for model in (Problem, FieldError, ValidationProblem):
            components[model.__name__] = model.model_json_schema(ref_template=ref)
            components[model.__name__].pop("$defs", None)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if not isinstance(operation, dict):
                    continue
                for code, response in operation.get("responses", {}).items():
                    if str(code)[:1] in ("4", "5"):
                        name = "ValidationProblem" if str(code) == "422" else "Problem"
                        response["content"] = {
                            PROBLEM_JSON: {"schema": {"$ref": f"#/components/schemas/{name}"}}
                        }
        for unused in ("HTTPValidationError", "ValidationError"):  # FastAPI's default 422 body
            if f"#/components/schemas/{unused}" not in json.dumps(schema):
                components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def problem_response(
    status: int,
    slug: str | None = None,
    title: str | None = None,
    detail: str | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> ProblemResponse:
    """A ``problem+json`` response. ``extra`` holds extension members (``errors``, ``checks``...)."""
    body: dict[str, Any] = {
        "type": problem_type(slug or status_slug(status)),
        "title": title or status_title(status),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    for key, value in extra.items():
        if key not in body:
            body[key] = value
    body["correlation_id"] = get_correlation_id()
    return ProblemResponse(body, status_code=status, headers=dict(headers) if headers else None)


class DomainProblem(Exception):
    """Raise from a router or handler to answer with a problem.

    ``DomainProblem(409, "version-conflict", "Case was changed concurrently", detail="...")``.
    Keyword arguments other than ``headers`` become extension members of the body.
    """

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.headers = dict(headers or {})
        self.extra = extra

    def response(self) -> ProblemResponse:
        return problem_response(
            self.status, self.slug, self.title, self.detail, headers=self.headers, **self.extra
        )


def field_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    """Pydantic/FastAPI error dicts -> ``[{field, location, code, message}]`` (no input values)."""
    out: list[dict[str, str]] = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ())]
        location = loc[0] if loc and loc[0] in {"body", "query", "path", "header", "cookie"} else ""
        rest = loc[1:] if location else loc
        code = str(err.get("type", "invalid"))
        if code == "json_invalid":
            rest = []
        out.append(
            {"field": ".".join(rest), "location": location, "code": code, "message": str(err.get("msg", ""))}
        )
    return out


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=headers)
    detail: str | None = None
    extra: dict[str, Any] = {}
    if isinstance(exc.detail, str):
        detail = exc.detail if exc.detail != status_title(exc.status_code) else None
    elif isinstance(exc.detail, Mapping):
        extra = {str(k): v for k, v in exc.detail.items()}
        detail = extra.pop("detail", None)
    elif exc.detail is not None:
        detail = str(exc.detail)
    return problem_response(exc.status_code, detail=detail, headers=headers, **extra)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = field_errors(exc.errors())
    fields = ", ".join(e["field"] or e["location"] for e in errors)
    return problem_response(
        422,
        "validation-error",
        "Request validation failed",
        f"invalid: {fields}" if fields else None,
        errors=errors,
    )


async def _domain_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainProblem)
    return exc.response()


def internal_error_response() -> ProblemResponse:
    cid = get_correlation_id()
    detail = "An unexpected error occurred."
    if cid:
        detail += f" Quote correlation id {cid} when reporting it."
    return problem_response(500, "internal-error", "Internal Server Error", detail)


async def _unhandled(request: Request, exc: Exception) -> Response:
    # Last resort (Starlette's ServerErrorMiddleware): UnhandledErrorMiddleware normally answers first.
    _log.error("unhandled error", exc_info=exc)
    return internal_error_response()


class UnhandledErrorMiddleware:
    """Turns an exception escaping the app into a 500 problem, logged with its traceback (never sent)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception as exc:
            _log.error(
                "unhandled error",
                exc_info=exc,
                extra={"method": scope.get("method"), "path": scope.get("path")},
            )
            if started:
                raise
            await internal_error_response()(scope, receive, send)


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error of ``app`` a problem: HTTP errors, validation, :class:`DomainProblem`, crashes."""
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(DomainProblem, _domain_problem)
    app.add_exception_handler(Exception, _unhandled)
    app.add_middleware(UnhandledErrorMiddleware)
    _document_problems(app)
