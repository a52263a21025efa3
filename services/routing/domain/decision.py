"""What the router reads (the petition body of ``POST /petitions``) and what it decides (R14).

:class:`RoutingDecision` carries the fields of ``POST /routing/preview`` (DESIGN.md §6) — ``category,
category_confidence, region_code, unit_id, disposition, flags, explanation`` — plus the directory
version it was made with, the classifier's evidence, the units excluded and why, and who is notified.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from services.routing.domain.rules import Disposition, RepeatStatus

#: the channel value of a petition lodged on a leader reception day (领导接访, R8)
LEADER_RECEPTION = "leader_reception"

Flag = Literal["collective", "large_collective", "level_skipping", "accused_excluded", "repeat"]
#: the order flags are listed in
FLAG_ORDER: tuple[Flag, ...] = (
    "collective",
    "large_collective",
    "level_skipping",
    "accused_excluded",
    "repeat",
)


class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _nulls_mean_absent(cls, data: object) -> object:
        """``"place": null`` or ``"accused_units": null`` read as not given."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


class PetitionerInput(_Input):
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None


class PlaceInput(_Input):
    address: str | None = None
    region_code: str | None = None


#: words intake may use for the state of the earlier case (R12), by the status they mean
_REPEAT_STATUS_WORDS = {
    "open": "open",
    "merge": "open",
    "merged": "open",
    "handling": "open",
    "replied": "replied",
    "review": "replied",
    "re_review": "replied",
    "terminated": "terminated",
    "not_accepted": "terminated",
}


class RepeatInput(_Input):
    """Set by intake when the petition repeats an earlier case of the same petitioner (R12): ``status`` is
    ``open`` (still being handled), ``replied`` or ``terminated`` (intake's ``merge``, ``review``,
    ``re_review`` and ``not_accepted`` are read the same way)."""

    of_case: str
    status: RepeatStatus
    unit_id: str | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _status_word(cls, value: object) -> object:
        return _REPEAT_STATUS_WORDS.get(str(value), value)


class RoutingInput(_Input):
    """The petition as registered (DESIGN.md §6 ``POST /petitions`` body); unknown fields are ignored."""

    channel: str = ""
    received_at: datetime | None = None
    received_by: str
    petitioners: tuple[PetitionerInput, ...] = ()
    headcount: int | None = Field(default=None, ge=1)
    title: str = ""
    content: str = ""
    place: PlaceInput = PlaceInput()
    category: str | None = Field(default=None, validation_alias=AliasChoices("category", "category_hint"))
    accused_units: tuple[str, ...] = ()
    urgent: bool = False
    leader_instructed: bool = False
    repeat: RepeatInput | None = None

    @property
    def people(self) -> int:
        """Headcount (涉及人数): the number given, and at least the number of petitioners listed."""
        return max(self.headcount or 0, len(self.petitioners), 1)


class ReturnedUnit(_Input):
    """R13: a unit that returned the case (退回), with its reason; routing again never chooses it."""

    unit_id: str
    reason: str = ""


class _Output(BaseModel):
    model_config = ConfigDict(frozen=True)


class EvidenceItem(_Output):
    """A word or feature that led to the category (R1)."""

    category: str
    word: str
    weight: float
    where: str


class ExcludedUnit(_Output):
    unit_id: str
    name: str
    reason: str


class NotifiedUnit(_Output):
    unit_id: str
    name: str
    reason: str
    rule: str


class RoutingDecision(_Output):
    """A routing decision and its trail (R14)."""

    category: str | None
    category_confidence: float
    region_code: str | None
    unit_id: str | None
    disposition: Disposition
    flags: tuple[Flag, ...] = ()
    explanation: tuple[str, ...] = ()
    directory_version: str
    evidence: tuple[EvidenceItem, ...] = ()
    excluded_units: tuple[ExcludedUnit, ...] = ()
    #: the accused units the petition names, as unit ids (names resolved against the directory); none of
    #: them may see the case (P2)
    accused_units: tuple[str, ...] = ()
    notify: tuple[NotifiedUnit, ...] = ()
    key_case: bool = False
    #: the name of ``unit_id`` in the directory
    unit_name: str | None = None
    #: the rule that chose the unit: R3 (competent), R4, R5, R6 (accused excluded), R7, R9 (triage), R12
    unit_rule: str = ""
    #: the place as a clerk reads it (寒亭区高里街道高里村) and where it was read (地址, 正文, 区划代码...)
    place_name: str | None = None
    place_source: str = ""
