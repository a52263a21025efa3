"""HTTP: API keys for integrated systems (admin). A key is shown once, when it is created."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from services.intake import queries
from services.intake.api.deps import intake_of, invalid, not_found
from services.intake.context import Intake
from services.intake.domain.channels import CHANNELS
from services.intake.domain.errors import FieldError
from services.intake.handlers.integrations import create_key, revoke_key
from shared.web.auth import Principal, require_roles
from shared.web.problems import problem_responses

router = APIRouter(prefix="/admin/api-keys", tags=["admin"])

IntakeDep = Annotated[Intake, Depends(intake_of)]
Admin = Annotated[Principal, Depends(require_roles("admin"))]


class ApiKeyIn(BaseModel):
    name: str = Field(min_length=1, max_length=120, description="who uses it, e.g. 寒亭区12345热线")
    system: str | None = Field(
        default=None, max_length=80, pattern=r"^[A-Za-z0-9_.:-]+$", description="external_ref system; default: from name"
    )
    unit_id: str | None = Field(default=None, max_length=80, description="receiving unit when a request names none")
    channel: str | None = Field(default=None, max_length=32, description="hotline, online, ...")


class ApiKeyCreated(BaseModel):
    key_id: str
    api_key: str = Field(description="shown once: store it now")
    key_prefix: str
    name: str
    system: str
    unit_id: str | None
    channel: str | None
    created_at: datetime


@router.post("", status_code=201, response_model=ApiKeyCreated, responses=problem_responses(401, 403, 422))
async def create_api_key(body: ApiKeyIn, intake: IntakeDep, principal: Admin) -> ApiKeyCreated:
    errors = []
    if body.unit_id is not None and body.unit_id not in intake.directory.units:
        errors.append(FieldError("unit_id", "unknown_unit", "单位不在目录中 / not in the directory"))
    if body.channel is not None and body.channel not in CHANNELS:
        errors.append(FieldError("channel", "unknown_channel", "未知的信访渠道 / unknown channel"))
    if errors:
        raise invalid(errors)
    system = body.system or "key-" + "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in body.name)[:60]
    created = await create_key(
        intake, name=body.name, system=system, unit_id=body.unit_id, channel=body.channel, created_by=principal.sub
    )
    return ApiKeyCreated(
        key_id=created.key_id,
        api_key=created.api_key,
        key_prefix=created.prefix,
        name=body.name,
        system=system,
        unit_id=body.unit_id,
        channel=body.channel,
        created_at=created.created_at,
    )


@router.get("", responses=problem_responses(401, 403), summary="Keys, without their secrets")
async def list_api_keys(intake: IntakeDep, _principal: Admin) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in row.items() if k != "key_hash"} for row in await queries.list_api_keys(intake.runtime.db)
    ]


@router.delete("/{key_id}", status_code=204, responses=problem_responses(401, 403, 404))
async def revoke_api_key(key_id: str, intake: IntakeDep, _principal: Admin) -> Response:
    if not await revoke_key(intake, key_id):
        raise not_found("API key")
    return Response(status_code=204)
