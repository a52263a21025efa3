"""The CloudEvents envelope and the catalogue (DESIGN.md §3)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shared.events.base import EventData, event, parse, registry, upcaster
from shared.events.catalogue.intake import PetitionRegistered
from shared.events.envelope import CloudEvent, new_event

AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def _registered() -> PetitionRegistered:
    return PetitionRegistered(
        case_id="c-1",
        case_no="370703-2026-000001",
        channel="letter",
        received_at=AT,
        received_by="370703:petition_bureau",
        headcount=1,
        title="道路损坏",
        content="村口道路塌陷",
    )


def test_binary_content_mode_round_trips_every_attribute() -> None:
    ev = new_event(service="intake", payload=_registered(), subject="c-1", time=AT, sequence=1, actor="clerk-1")
    key, headers, value = ev.to_binary()
    assert key == b"c-1"
    names = dict(headers)
    assert names["ce_type"] == b"xinfang.intake.petition_registered.v1"
    assert names["ce_source"] == b"/xinfang/intake"
    assert names["ce_sequence"] == b"0000000001"
    back = CloudEvent.from_binary(headers, value)
    assert back == ev
    assert isinstance(back.payload(), PetitionRegistered)


def test_a_record_without_ce_headers_is_refused() -> None:
    with pytest.raises(ValueError, match="binary content mode"):
        CloudEvent.from_binary([("content-type", b"application/json")], b"{}")


def test_a_service_cannot_record_another_services_event() -> None:
    with pytest.raises(ValueError, match="each service records its own events"):
        new_event(service="routing", payload=_registered(), subject="c-1", time=AT)


def test_old_versions_are_upcast_when_read() -> None:
    @event("testing", "thing_happened", version=1)
    class ThingHappenedV1(EventData):
        name_text: str

    @event("testing", "thing_happened", version=2)
    class ThingHappenedV2(EventData):
        title: str
        language: str

    @upcaster("xinfang.testing.thing_happened.v1")
    def _v1_to_v2(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return "xinfang.testing.thing_happened.v2", {"title": data["name_text"], "language": "zh"}

    parsed = parse("xinfang.testing.thing_happened.v1", {"name_text": "旧事件"})
    assert isinstance(parsed, ThingHappenedV2)
    assert parsed.title == "旧事件" and parsed.language == "zh"
    assert "xinfang.testing.thing_happened.v2" in registry()


def test_every_catalogued_type_is_named_by_the_convention() -> None:
    for type_name, cls in registry().items():
        assert type_name == f"xinfang.{cls.service}.{cls.name}.v{cls.version}"
