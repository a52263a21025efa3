"""Drafts and earlier cases for intake tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

from services.intake.domain.drafts import PetitionDraft, PetitionerInput
from tests.unit.intake.idcards import make_id

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 3, 17, 10, 0, tzinfo=CST)
KNOWN_UNITS = frozenset({"370703:petition_bureau", "370783:petition_bureau", "370783102:township_government"})


def at(day: str, hour: int = 10) -> datetime:
    """``at("2026-03-17")`` → 10:00 that day, China time."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=CST)


def petitioner(n: int = 0, **changes: Any) -> PetitionerInput:
    base = PetitionerInput(
        name=f"信访人{n}",
        id_number=make_id("370703", "19700101", f"{100 + n:03d}"),
        phone=f"1390536{n:04d}",
        address="寒亭区高里街道高里村",
    )
    return replace(base, **changes)


def draft(**changes: Any) -> PetitionDraft:
    base = PetitionDraft(
        channel="visit",
        received_at=NOW - timedelta(hours=1),
        received_by="370703:petition_bureau",
        title="夜里有人挖耕地取土卖",
        content="我是高里街道高里村的。从今年1月开始，村东边的耕地里，半夜老有人开着挖掘机挖土，装上大车拉走卖。",
        headcount=1,
        petitioners=(petitioner(),),
        place={"address": "寒亭区高里街道高里村东"},
    )
    return replace(base, **changes)
