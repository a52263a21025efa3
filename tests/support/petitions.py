"""Petition bodies for tests, in the shape of DESIGN.md §6."""

from __future__ import annotations

from typing import Any


def petition_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "visit",
        "received_at": "2026-03-02T10:00:00+08:00",
        "received_by": "370703:petition_bureau",
        "petitioners": [{"name": "高德顺", "id_number": "370703196302144519", "phone": "13905361234"}],
        "headcount": 1,
        "title": "工地拖欠工资",
        "content": "我在寒亭区高里街道高里村的工地干活，包工头拖欠我们八个人三个月工资，一直不给。",
        "place": {"address": "寒亭区高里街道高里村"},
    }
    body.update(overrides)
    return body
