"""HTTP: bulk import of paper records (D8). See ``handlers/imports.py`` for how a job runs.

``POST /imports`` takes the file as the request body (``Content-Type: text/csv`` or
``application/x-ndjson``, or ``?format=csv|jsonl``), streams it to disk and answers ``202`` with the
import id at once; ``GET /imports/{id}`` shows progress and ``GET /imports/{id}/errors`` every row error.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from services.intake import queries
from services.intake.api.deps import intake_of, invalid, limited, not_found
from services.intake.context import Intake
from services.intake.domain.channels import CHANNELS
from services.intake.domain.errors import FieldError
from services.intake.handlers.imports import ImportRunner, progress, spool_upload
from services.intake.import_rows import FORMATS
from shared.web.auth import Principal, require_roles
from shared.web.problems import DomainProblem, problem_responses

router = APIRouter(tags=["imports"])

IntakeDep = Annotated[Intake, Depends(intake_of)]
Importer = Annotated[Principal, Depends(require_roles("clerk", "integration", "admin"))]

_MEDIA_FORMATS = {
    "text/csv": "csv",
    "application/csv": "csv",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/x-jsonlines": "jsonl",
    "application/json-lines": "jsonl",
}
#: rows listed in ``GET /imports/{id}``; the rest through ``/errors``
ERRORS_SHOWN = 100


def _runner(request: Request) -> ImportRunner:
    runner: ImportRunner = request.app.state.imports
    return runner


@router.post(
    "/imports",
    status_code=202,
    responses=problem_responses(401, 403, 413, 415, 422, 429),
    dependencies=[Depends(limited(lambda lim: lim.integration))],
    summary="Import a backlog of paper records (CSV or JSON lines); runs in the background",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
        }
    },
)
async def post_import(
    request: Request,
    response: Response,
    intake: IntakeDep,
    principal: Importer,
    format: Annotated[str | None, Query(pattern="^(csv|jsonl)$")] = None,  # noqa: A002
    received_by: Annotated[str | None, Query(max_length=80, description="for rows without one")] = None,
    channel: Annotated[str | None, Query(max_length=32, description="for rows without one")] = None,
    source: Annotated[str, Query(max_length=60, description="a name for this backlog")] = "paper",
    clusters: Annotated[bool, Query(description="also flag possible collective clusters (R12)")] = False,
) -> dict[str, Any]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = format or _MEDIA_FORMATS.get(media)
    if fmt not in FORMATS:
        raise DomainProblem(
            415, "unsupported-media-type", "Unsupported Media Type", "send text/csv or application/x-ndjson"
        )
    errors = []
    if received_by is not None and received_by not in intake.directory.units:
        errors.append(FieldError("received_by", "unknown_unit", "接收单位不在目录中 / not in the directory"))
    if channel is not None and channel not in CHANNELS:
        errors.append(FieldError("channel", "unknown_channel", "未知的信访渠道 / unknown channel"))
    if errors:
        raise invalid(errors, location="query")
    defaults = {k: v for k, v in (("received_by", received_by), ("channel", channel)) if v}
    job = await spool_upload(
        intake,
        request.stream(),
        fmt=str(fmt),
        source=source,
        defaults=defaults,
        detect_clusters=clusters,
        created_by=principal.sub,
        actor_unit=principal.unit,
    )
    if job is None:
        raise invalid([FieldError("", "empty", "上传内容为空 / the upload is empty")])
    _runner(request).submit(job.import_id)
    response.headers["Location"] = f"/imports/{job.import_id}"
    return {"import_id": job.import_id, "status": job.status, "progress": f"/imports/{job.import_id}"}


def _unit_filter(principal: Principal) -> str | None:
    """An import is read by the unit that submitted it (its rows are that unit's cases); admins read any."""
    return None if principal.has_any_role("admin") else principal.unit


@router.get("/imports/{import_id}", responses=problem_responses(401, 403, 404), summary="Progress of an import")
async def get_import(import_id: str, intake: IntakeDep, principal: Importer) -> dict[str, Any]:
    job = await queries.get_import(intake.runtime.db, import_id, unit=_unit_filter(principal))
    if job is None:
        raise not_found("import")
    errors = await queries.import_error_rows(intake.runtime.db, import_id, limit=ERRORS_SHOWN + 1)
    return progress(job) | {
        "errors": [dict(e) for e in errors[:ERRORS_SHOWN]],
        "errors_truncated": len(errors) > ERRORS_SHOWN,
    }


@router.get(
    "/imports/{import_id}/errors", responses=problem_responses(401, 403, 404), summary="Every row error of an import"
)
async def get_import_errors(
    import_id: str,
    intake: IntakeDep,
    principal: Importer,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[dict[str, Any]]:
    if await queries.get_import(intake.runtime.db, import_id, unit=_unit_filter(principal)) is None:
        raise not_found("import")
    return [dict(e) for e in await queries.import_error_rows(intake.runtime.db, import_id, offset=offset, limit=limit)]
