"""HTTP: the directory (regions, units, categories) and the classifier vocabulary, versioned.

Reading: admins, and the roles that pick units and categories (clerks, supervisors) or report on them.
Publishing a new version: admins only. A file with problems is refused with 422 and one entry per
problem in ``errors``, each naming the file and the line.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from services.routing.api.deps import actor, holder, runtime
from services.routing.domain.directory import export_categories, export_jurisdiction
from services.routing.domain.errors import DataFileError
from services.routing.handlers.directory import (
    DIRECTORY_STREAM,
    VOCABULARY_FILE,
    VOCABULARY_STREAM,
    Current,
    term_count,
)
from services.routing.queries import stream_events
from shared.events.catalogue.routing import DirectoryPublished, VocabularyPublished
from shared.store.event_store import ConcurrencyError
from shared.web.auth import Principal, require_roles
from shared.web.problems import DomainProblem, problem_responses

router = APIRouter(prefix="/directory", tags=["directory"])

Reader = Annotated[
    Principal, Depends(require_roles("admin", "clerk", "supervisor", "analyst", "auditor", "integration"))
]
Admin = Annotated[Principal, Depends(require_roles("admin"))]
YAML = "application/yaml; charset=utf-8"
_WHERE = re.compile(r"^(?P<file>[^:\s]+\.ya?ml):(?P<line>\d+): ")


class VersionInfo(BaseModel):
    version: str
    published_at: datetime
    published_by: str
    note: str


class DirectorySummary(BaseModel):
    directory_version: str
    vocabulary_version: str
    directory: VersionInfo
    vocabulary: VersionInfo
    counts: dict[str, int] = Field(description="regions, units, categories, vocabulary_terms")
    ignored_vocabulary_categories: list[str] = Field(
        default=[], description="vocabulary categories the directory does not have (not used)"
    )


class PublishedVersion(BaseModel):
    kind: str = Field(description="directory or vocabulary")
    version: str
    sequence: int
    published_at: datetime
    published_by: str
    note: str
    current: bool
    counts: dict[str, int] = {}


class DirectoryImport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jurisdiction_yaml: str | None = Field(default=None, description="the whole jurisdiction.yaml")
    categories_yaml: str | None = Field(default=None, description="the whole categories.yaml")
    note: str = Field(default="", max_length=500, description="why this version (shown in the version list)")


class UnitInfo(BaseModel):
    id: str
    name: str
    kind: str
    region: str
    region_name: str
    level: str


def _summary(current: Current) -> DirectorySummary:
    d, v = current.directory_published, current.vocabulary_published
    return DirectorySummary(
        directory_version=current.directory.version,
        vocabulary_version=current.vocabulary_version,
        directory=VersionInfo(version=d.version, published_at=d.published_at, published_by=d.published_by, note=d.note),
        vocabulary=VersionInfo(version=v.version, published_at=v.published_at, published_by=v.published_by, note=v.note),
        counts={
            "regions": len(current.directory.regions),
            "units": len(current.directory.units),
            "categories": len(current.directory.categories),
            "vocabulary_terms": term_count(current.vocabulary),
        },
        ignored_vocabulary_categories=list(current.classifier.ignored_categories),
    )


def _invalid(exc: DataFileError, field_of: dict[str, str]) -> DomainProblem:
    errors: list[dict[str, Any]] = []
    for problem in exc.problems:
        match = _WHERE.match(problem)
        file = match.group("file") if match else ""
        errors.append(
            {
                "field": field_of.get(file, ""),
                "location": "body",
                "code": "invalid_file",
                "message": problem,
                "file": file,
                "line": int(match.group("line")) if match else None,
            }
        )
    return DomainProblem(
        422, "invalid-directory", "The file has problems", f"{len(errors)} problem(s); nothing was published", errors=errors
    )


async def _current(request: Request) -> Current:
    async with runtime(request).db.read() as conn:
        return await holder(request).current(conn, write=False)


@router.get("", response_model=DirectorySummary, responses=problem_responses(401, 403))
async def directory_summary(request: Request, _p: Reader) -> DirectorySummary:
    """The versions in use, who published them, and what they hold."""
    return _summary(await _current(request))


@router.get(
    "/jurisdiction.yaml",
    response_class=PlainTextResponse,
    responses={**problem_responses(401, 403, 404), 200: {"content": {"application/yaml": {}}}},
)
async def jurisdiction_yaml(
    request: Request, _p: Reader, version: Annotated[str | None, Query(description="an earlier version")] = None
) -> PlainTextResponse:
    """The regions and units, in the shape of jurisdiction.yaml (comments are not kept)."""
    current = await _current(request)
    if version and version != current.directory.version:
        text = (await _published_directory(request, version)).jurisdiction_yaml
    else:
        text = export_jurisdiction(current.directory)
    return PlainTextResponse(text, media_type=YAML)


@router.get(
    "/categories.yaml",
    response_class=PlainTextResponse,
    responses={**problem_responses(401, 403, 404), 200: {"content": {"application/yaml": {}}}},
)
async def categories_yaml(
    request: Request, _p: Reader, version: Annotated[str | None, Query(description="an earlier version")] = None
) -> PlainTextResponse:
    """The categories and who is competent for each, in the shape of categories.yaml."""
    current = await _current(request)
    if version and version != current.directory.version:
        text = (await _published_directory(request, version)).categories_yaml
    else:
        text = export_categories(current.directory)
    return PlainTextResponse(text, media_type=YAML)


async def _published_directory(request: Request, version: str) -> DirectoryPublished:
    for event in reversed(await stream_events(runtime(request).db, DIRECTORY_STREAM)):
        payload = event.payload()
        if isinstance(payload, DirectoryPublished) and payload.directory_version == version:
            return payload
    raise DomainProblem(404, "unknown-version", "Unknown version", f"no directory version {version}")


@router.put("", response_model=DirectorySummary, responses=problem_responses(401, 403, 409, 422))
async def publish_directory(body: DirectoryImport, request: Request, principal: Admin) -> DirectorySummary:
    """Import jurisdiction.yaml and/or categories.yaml as a new directory version; the next routing
    decision uses it. Nothing is published when a file has problems (422, each with file and line)."""
    if body.jurisdiction_yaml is None and body.categories_yaml is None:
        raise DomainProblem(
            422,
            "validation-error",
            "Request validation failed",
            "give jurisdiction_yaml, categories_yaml or both",
            errors=[{"field": "", "location": "body", "code": "missing", "message": "nothing to import"}],
        )
    try:
        async with runtime(request).db.transaction() as conn:
            await holder(request).publish_directory(
                conn,
                actor(principal),
                jurisdiction_yaml=body.jurisdiction_yaml,
                categories_yaml=body.categories_yaml,
                note=body.note,
            )
    except DataFileError as exc:
        raise _invalid(exc, {"jurisdiction.yaml": "jurisdiction_yaml", "categories.yaml": "categories_yaml"}) from exc
    except ConcurrencyError as exc:
        raise DomainProblem(409, "version-conflict", "Published concurrently", "another version was published; retry") from exc
    return _summary(await _current(request))


@router.get(
    "/vocabulary.yaml",
    response_class=PlainTextResponse,
    responses={**problem_responses(401, 403), 200: {"content": {"application/yaml": {}}}},
)
async def vocabulary_yaml(request: Request, _p: Reader) -> PlainTextResponse:
    """The classifier vocabulary in use (R1), as it was published (comments kept)."""
    return PlainTextResponse((await _current(request)).vocabulary_yaml, media_type=YAML)


@router.put(
    "/vocabulary.yaml",
    response_model=DirectorySummary,
    responses=problem_responses(401, 403, 409, 422),
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/yaml": {"schema": {"type": "string"}}}}
    },
)
async def publish_vocabulary(
    request: Request,
    principal: Admin,
    note: Annotated[str, Query(max_length=500, description="why this version")] = "",
) -> DirectorySummary:
    """Publish the whole vocabulary file (body: the YAML text) as a new version; the next classification
    uses it, without a release."""
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DomainProblem(
            422,
            "validation-error",
            "Request validation failed",
            "the body must be UTF-8 YAML text",
            errors=[{"field": "", "location": "body", "code": "not_utf8", "message": "not UTF-8"}],
        ) from exc
    try:
        async with runtime(request).db.transaction() as conn:
            await holder(request).publish_vocabulary(conn, actor(principal), text=text, note=note)
    except DataFileError as exc:
        raise _invalid(exc, {VOCABULARY_FILE: "vocabulary_yaml"}) from exc
    except ConcurrencyError as exc:
        raise DomainProblem(409, "version-conflict", "Published concurrently", "another version was published; retry") from exc
    return _summary(await _current(request))


@router.get("/versions", response_model=list[PublishedVersion], responses=problem_responses(401, 403))
async def versions(request: Request, _p: Reader) -> list[PublishedVersion]:
    """Every published version of the directory and of the vocabulary, newest first."""
    current = await _current(request)
    out: list[PublishedVersion] = []
    for event in await stream_events(runtime(request).db, DIRECTORY_STREAM):
        d = event.payload()
        if isinstance(d, DirectoryPublished):
            out.append(
                PublishedVersion(
                    kind="directory",
                    version=d.directory_version,
                    sequence=int(event.sequence or 0),
                    published_at=d.published_at,
                    published_by=d.published_by,
                    note=d.note,
                    current=int(event.sequence or 0) == current.directory_published.sequence,
                    counts={"regions": d.regions, "units": d.units, "categories": d.categories},
                )
            )
    for event in await stream_events(runtime(request).db, VOCABULARY_STREAM):
        v = event.payload()
        if isinstance(v, VocabularyPublished):
            out.append(
                PublishedVersion(
                    kind="vocabulary",
                    version=v.vocabulary_version,
                    sequence=int(event.sequence or 0),
                    published_at=v.published_at,
                    published_by=v.published_by,
                    note=v.note,
                    current=int(event.sequence or 0) == current.vocabulary_published.sequence,
                    counts={"vocabulary_terms": v.terms},
                )
            )
    return sorted(out, key=lambda p: (p.published_at, p.kind, p.sequence), reverse=True)


@router.get("/units", response_model=list[UnitInfo], responses=problem_responses(401, 403))
async def units(
    request: Request,
    _p: Reader,
    kind: Annotated[str | None, Query(description="e.g. petition_bureau, natural_resources")] = None,
    region: Annotated[str | None, Query(description="a region code: units in it and below")] = None,
) -> list[UnitInfo]:
    """Units to choose from (for triage decisions and reassignments)."""
    directory = (await _current(request)).directory
    out = []
    for u in directory.units:
        if kind and u.kind != kind:
            continue
        if region and not directory.contains(region, u.region):
            continue
        r = directory.unit_region(u)
        out.append(UnitInfo(id=u.id, name=u.name, kind=u.kind, region=u.region, region_name=r.name, level=r.level.value))
    return out
