"""The CloudEvents 1.0 envelope every event travels in (DESIGN.md §3).

On a transport the envelope is written in *binary content mode*: the attributes become ``ce_*``
headers, the record value is the JSON ``data`` and the record key is the case id (``subject``), so
all events of one case land in one partition, in order.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.events.base import EventData, parse

SPECVERSION = "1.0"
#: envelope attributes carried as ``ce_<name>`` headers (besides specversion)
_ATTRIBUTES = (
    "id",
    "source",
    "type",
    "subject",
    "time",
    "datacontenttype",
    "sequence",
    "correlationid",
    "causationid",
    "actor",
    "actorunit",
)


class CloudEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    specversion: str = SPECVERSION
    id: str
    source: str
    type: str
    subject: str
    time: datetime
    datacontenttype: str = "application/json"
    data: dict[str, Any]
    sequence: str | None = None
    correlationid: str | None = None
    causationid: str | None = None
    actor: str | None = None
    actorunit: str | None = None

    @property
    def service(self) -> str:
        """``xinfang.<service>.<event>.v<N>`` → ``<service>``."""
        return self.type.split(".")[1]

    @property
    def name(self) -> str:
        return self.type.split(".")[2]

    def payload(self) -> EventData:
        """The typed payload, upcast to the newest version of its type."""
        return parse(self.type, self.data)

    # --- binary content mode --------------------------------------------------------------
    def to_binary(self) -> tuple[bytes, list[tuple[str, bytes]], bytes]:
        """(key, headers, value) for a Kafka record or a row of the sql transport's log."""
        headers = [("ce_specversion", self.specversion.encode())]
        for name in _ATTRIBUTES:
            value = getattr(self, name)
            if value is None:
                continue
            text = value.isoformat() if isinstance(value, datetime) else str(value)
            headers.append((f"ce_{name}", text.encode()))
        headers.append(("content-type", self.datacontenttype.encode()))
        value_bytes = json.dumps(self.data, ensure_ascii=False, separators=(",", ":"), default=str).encode()
        return self.subject.encode(), headers, value_bytes

    @classmethod
    def from_binary(cls, headers: list[tuple[str, bytes]] | None, value: bytes | None) -> CloudEvent:
        attrs: dict[str, Any] = {}
        for key, raw in headers or []:
            if key.startswith("ce_"):
                attrs[key[3:]] = raw.decode()
        if "id" not in attrs or "type" not in attrs:
            raise ValueError("record is not a CloudEvent in binary content mode (ce_id/ce_type missing)")
        attrs["data"] = json.loads(value.decode()) if value else {}
        return cls.model_validate(attrs)


def new_event(
    *,
    service: str,
    payload: EventData,
    subject: str,
    time: datetime,
    sequence: int | None = None,
    correlationid: str | None = None,
    causationid: str | None = None,
    actor: str | None = None,
    actorunit: str | None = None,
    event_id: str | None = None,
) -> CloudEvent:
    """Wrap a payload in an envelope. ``sequence`` is the per-stream version, zero-padded."""
    if payload.service != service:
        raise ValueError(f"{service} cannot record {payload.event_type}: each service records its own events")
    eid = event_id or str(uuid.uuid4())
    return CloudEvent(
        id=eid,
        source=f"/xinfang/{service}",
        type=payload.event_type,
        subject=subject,
        time=time.astimezone(UTC),
        data=payload.model_dump(mode="json"),
        sequence=f"{sequence:010d}" if sequence is not None else None,
        correlationid=correlationid or eid,
        causationid=causationid,
        actor=actor,
        actorunit=actorunit,
    )
