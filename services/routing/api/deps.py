"""What routers of routing share: the directory holder, the case commands, and domain refusals as problems."""

from __future__ import annotations

from fastapi import Request

from services.routing.domain.assignment import Refused
from services.routing.handlers.cases import CaseCommands
from services.routing.handlers.directory import DirectoryHolder
from shared.recorder import Actor
from shared.runtime import Runtime
from shared.web.auth import Principal
from shared.web.problems import DomainProblem

#: how a domain refusal is answered
_STATUS = {"not_routed": 404, "not_yours": 403, "conflict": 409, "invalid": 422}
_TITLES = {
    "not_routed": "Not routed",
    "not_yours": "Not your unit's case",
    "conflict": "Not allowed in the case's state",
    "invalid": "Invalid request",
}


def runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


def holder(request: Request) -> DirectoryHolder:
    h: DirectoryHolder = request.app.state.directory
    return h


def commands(request: Request) -> CaseCommands:
    c: CaseCommands = request.app.state.case_commands
    return c


def actor(principal: Principal) -> Actor:
    return Actor(principal.sub, principal.unit)


def problem(exc: Refused) -> DomainProblem:
    extra = dict(exc.extra)
    if exc.rule:
        extra["rule"] = exc.rule
    if exc.kind == "invalid":
        extra["errors"] = [{"field": "", "location": "body", "code": exc.code, "message": exc.message}]
    return DomainProblem(_STATUS[exc.kind], exc.code, _TITLES[exc.kind], exc.message, **extra)


def forbidden(detail: str) -> DomainProblem:
    return DomainProblem(403, "forbidden", "Forbidden", detail)
