"""The petition as it arrives at intake, before it is registered (DESIGN.md §6 request fields)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class PetitionerInput:
    """One petitioner (信访人) as entered. Personal data: stored encrypted by the service (P1)."""

    name: str = ""
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    #: chosen by a collective visit to speak for it (R11: at most five)
    representative: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The form kept in ``PetitionRegistered.petitioners``."""
        return {
            "name": self.name,
            "id_number": self.id_number,
            "phone": self.phone,
            "address": self.address,
            "representative": self.representative,
        }

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> PetitionerInput:
        return cls(
            name=str(data.get("name") or ""),
            id_number=_optional_str(data.get("id_number")),
            phone=_optional_str(data.get("phone")),
            address=_optional_str(data.get("address")),
            representative=bool(data.get("representative", False)),
        )


@dataclass(frozen=True)
class PetitionDraft:
    """What a clerk, a channel integration or a petitioner submits to ``POST /petitions``."""

    channel: str
    received_at: datetime
    received_by: str
    title: str
    content: str
    headcount: int = 1
    petitioners: tuple[PetitionerInput, ...] = ()
    place: Mapping[str, Any] = field(default_factory=dict)
    category_hint: str | None = None
    accused_units: tuple[str, ...] = ()
    urgent: bool = False
    leader_instructed: bool = False
    external_ref: Mapping[str, str] | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> PetitionDraft:
        """Build a draft from a request body (``category`` is accepted as the hint's name)."""
        received_at = data["received_at"]
        if isinstance(received_at, str):
            received_at = datetime.fromisoformat(received_at)
        petitioners: Sequence[Any] = data.get("petitioners") or ()
        external_ref = data.get("external_ref")
        return cls(
            channel=str(data.get("channel") or ""),
            received_at=received_at,
            received_by=str(data.get("received_by") or ""),
            title=str(data.get("title") or ""),
            content=str(data.get("content") or ""),
            headcount=1 if data.get("headcount") is None else int(data["headcount"]),
            petitioners=tuple(
                p if isinstance(p, PetitionerInput) else PetitionerInput.from_mapping(p) for p in petitioners
            ),
            place=dict(data.get("place") or {}),
            category_hint=_optional_str(data.get("category_hint", data.get("category"))),
            accused_units=tuple(str(unit) for unit in data.get("accused_units") or ()),
            urgent=bool(data.get("urgent", False)),
            leader_instructed=bool(data.get("leader_instructed", False)),
            external_ref={str(k): str(v) for k, v in external_ref.items()} if external_ref else None,
        )


def _optional_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
