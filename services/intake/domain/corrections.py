"""Which registered fields a clerk may correct, and how a new value is checked (``CorrectField``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from services.intake.domain.channels import CHANNELS
from services.intake.domain.errors import FieldError
from services.intake.domain.validation import DEFAULT_LIMITS, Limits

CORRECTABLE: frozenset[str] = frozenset(
    {
        "title",
        "content",
        "channel",
        "received_at",
        "headcount",
        "place",
        "category_hint",
        "accused_units",
        "leader_instructed",
    }
)

#: field: why it cannot be corrected
NOT_CORRECTABLE: dict[str, str] = {
    "case_id": "案件标识不可更改 / the case id is permanent",
    "case_no": "案件编号一经登记不可更改 / a case number is permanent once given",
    "received_by": "接收单位已编入案件编号，不可更改 / the receiving unit is part of the case number",
    "query_code": "查询码不可更改 / the query code cannot be changed",
    "petitioners": "信访人个人信息须通过加密的更正流程 / personal data is corrected through its encrypted path",
    "urgent": "紧急请用确认紧急 / use confirm urgent",
    "flags": "标记由规则和专门操作产生 / flags come from rules and their own commands",
    "external_ref": "外部编号用于去重，不可更改 / the external reference identifies the submission",
}


def check_correction(
    field: str, value: Any, *, now: datetime, petitioners: int, limits: Limits = DEFAULT_LIMITS
) -> tuple[Any, FieldError | None]:
    """The JSON-ready new value, or the problem with it."""
    if field in ("title", "content"):
        maximum = limits.max_title_chars if field == "title" else limits.max_content_chars
        if not isinstance(value, str) or not value.strip():
            return None, FieldError(field, "required", "不能为空 / is required")
        if len(value.strip()) > maximum:
            return None, FieldError(
                field, "too_long", f"超过 {maximum} 字 / longer than {maximum} characters"
            )
        return value.strip(), None
    if field == "channel":
        if value not in CHANNELS:
            return None, FieldError(field, "unknown_channel", "未知的信访渠道 / unknown channel")
        return value, None
    if field == "received_at":
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        if not isinstance(moment, datetime) or moment.tzinfo is None:
            return None, FieldError(field, "timezone_required", "接收时间须带时区 / give a time zone offset")
        if moment > now + limits.clock_skew:
            return None, FieldError(
                field, "in_future", "接收时间晚于当前时间 / receipt time is in the future"
            )
        return moment.isoformat(), None
    if field == "headcount":
        if not isinstance(value, int) or isinstance(value, bool) or value < max(1, petitioners):
            return None, FieldError(
                field,
                "headcount_below_petitioners",
                f"涉及人数不少于 {max(1, petitioners)} / at least the petitioners",
            )
        return value, None
    if field == "place":
        if not isinstance(value, Mapping):
            return None, FieldError(
                field, "invalid", "地点应为对象 / an object with address and/or region_code"
            )
        return dict(value), None
    if field == "category_hint":
        if value is not None and not isinstance(value, str):
            return None, FieldError(field, "invalid", "类别应为文本 / a category code")
        return value or None, None
    if field == "accused_units":
        if (
            isinstance(value, str)
            or not isinstance(value, Sequence)
            or not all(isinstance(u, str) for u in value)
        ):
            return None, FieldError(field, "invalid", "被反映单位应为列表 / a list of unit ids or names")
        return list(value), None
    if field == "leader_instructed":
        if not isinstance(value, bool):
            return None, FieldError(field, "invalid", "应为是或否 / true or false")
        return value, None
    raise KeyError(field)
