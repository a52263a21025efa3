"""The request and response bodies of intake's HTTP API (DESIGN.md §6)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Channel = Literal["visit", "letter", "online", "hotline", "mailbox", "green_post", "leader_reception", "proxy"]


class PetitionerIn(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    id_number: str | None = Field(default=None, max_length=18)
    phone: str | None = Field(default=None, max_length=30)
    address: str | None = Field(default=None, max_length=200)
    representative: bool = False


class PlaceIn(BaseModel):
    address: str | None = Field(default=None, max_length=300)
    region_code: str | None = Field(default=None, max_length=12)


class ExternalRef(BaseModel):
    system: str = Field(min_length=1, max_length=80)
    id: str = Field(min_length=1, max_length=200)


class PetitionIn(BaseModel):
    channel: Channel
    received_at: datetime
    received_by: str = Field(min_length=1, max_length=80, description="unit id, e.g. 370703:petition_bureau")
    petitioners: list[PetitionerIn] = Field(min_length=1, max_length=500)
    headcount: int = Field(default=1, ge=1, le=100_000)
    title: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1)
    place: PlaceIn = Field(default_factory=PlaceIn)
    category: str | None = Field(default=None, description="optional hint from the clerk")
    accused_units: list[str] = Field(default_factory=list)
    urgent: bool = False
    leader_instructed: bool = False
    external_ref: ExternalRef | None = None


class PetitionCreated(BaseModel):
    case_id: str
    case_no: str
    query_code: str
    status: str
    flags: list[str]
    warnings: list[str] = []
