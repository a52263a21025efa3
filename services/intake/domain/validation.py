"""Field checks of a petition draft, before it is registered.

Errors stop registration; warnings are shown to the clerk and registration goes on. Every problem is a
:class:`FieldError` with a dotted path into the request, a stable code and a short bilingual message.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services.intake.domain.channels import CHANNELS, IN_PERSON_CHANNELS
from services.intake.domain.drafts import PetitionDraft, PetitionerInput
from services.intake.domain.errors import FieldError
from services.intake.domain.id_numbers import IdNumberError, canonical_id_number, parse_id_number
from services.intake.domain.phones import PhoneError, parse_phone
from services.intake.domain.windows import local_date

__all__ = [
    "CLOCK_SKEW",
    "DEFAULT_LIMITS",
    "MAX_CONTENT_CHARS",
    "MAX_NAME_CHARS",
    "MAX_REPRESENTATIVES",
    "MAX_TITLE_CHARS",
    "FieldError",
    "Limits",
    "ValidationResult",
    "check_draft",
    "check_id_number",
    "check_phone",
    "validate_petition",
]

MAX_CONTENT_CHARS = 20_000
MAX_TITLE_CHARS = 200
MAX_NAME_CHARS = 50
#: A receipt time this far ahead of the server clock is tolerated (clock skew of a client or a kiosk).
CLOCK_SKEW = timedelta(minutes=5)
#: R11: a collective visit should send at most five representatives.
MAX_REPRESENTATIVES = 5


@dataclass(frozen=True)
class Limits:
    max_content_chars: int = MAX_CONTENT_CHARS
    max_title_chars: int = MAX_TITLE_CHARS
    clock_skew: timedelta = CLOCK_SKEW


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class ValidationResult:
    errors: tuple[FieldError, ...] = ()
    warnings: tuple[FieldError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def check_id_number(value: str, *, today: date, field: str = "id_number") -> list[FieldError]:
    """GB 11643 (P1): length, characters, address code, a real birth date not after today, check digit."""
    try:
        parse_id_number(value, today=today)
    except IdNumberError as problem:
        return [FieldError(field, problem.code, problem.message)]
    return []


def check_phone(value: str, *, field: str = "phone") -> list[FieldError]:
    try:
        parse_phone(value)
    except PhoneError as problem:
        return [FieldError(field, problem.code, problem.message)]
    return []


def check_draft(draft: PetitionDraft, *, now: datetime, limits: Limits = DEFAULT_LIMITS) -> ValidationResult:
    """Every check that needs no directory. ``now`` is the server's clock."""
    errors: list[FieldError] = []
    warnings: list[FieldError] = []

    if draft.channel not in CHANNELS:
        errors.append(
            FieldError("channel", "unknown_channel", "未知的信访渠道 / unknown channel")
        )

    today = local_date(now)
    if draft.received_at.tzinfo is None or draft.received_at.utcoffset() is None:
        errors.append(
            FieldError("received_at", "timezone_required", "接收时间须带时区 / give a time zone offset")
        )
    elif draft.received_at > now + limits.clock_skew:
        # D8: a receipt time in the past is fine (paper records entered late); one in the future is not.
        errors.append(
            FieldError("received_at", "in_future", "接收时间晚于当前时间 / receipt time is in the future")
        )

    errors += _check_text("title", draft.title, limits.max_title_chars, "标题 / title")
    errors += _check_text("content", draft.content, limits.max_content_chars, "内容 / content")

    if draft.headcount < 1:
        errors.append(
            FieldError("headcount", "headcount_too_small", "涉及人数至少为 1 / headcount is at least 1")
        )
    elif draft.headcount < len(draft.petitioners):
        errors.append(
            FieldError(
                "headcount",
                "headcount_below_petitioners",
                f"涉及人数 {draft.headcount} 少于登记的信访人数 {len(draft.petitioners)} / "
                "headcount is below the number of petitioners listed",
            )
        )

    errors += _check_petitioners(draft.petitioners, today=today)

    if not draft.petitioners:
        warnings.append(
            FieldError(
                "petitioners",
                "anonymous",
                "未登记信访人：无法联系答复，也无法识别重复信访 / no petitioner: no reply address, no repeat check",
            )
        )
    representatives = _representatives(draft)
    if draft.channel in IN_PERSON_CHANNELS and representatives > MAX_REPRESENTATIVES:
        warnings.append(
            FieldError(
                "petitioners",
                "too_many_representatives",
                f"集体访应推选不超过 {MAX_REPRESENTATIVES} 名代表，本次 {representatives} 人 (R11) / "
                f"a collective visit should send at most {MAX_REPRESENTATIVES} representatives",
            )
        )
    return ValidationResult(tuple(errors), tuple(warnings))


def validate_petition(
    draft: PetitionDraft,
    *,
    now: datetime,
    known_units: Container[str],
    limits: Limits = DEFAULT_LIMITS,
) -> ValidationResult:
    """All checks of :func:`check_draft`, and the receiving unit against the directory."""
    result = check_draft(draft, now=now, limits=limits)
    errors = list(result.errors)
    if draft.received_by not in known_units:
        errors.append(
            FieldError(
                "received_by", "unknown_unit", "接收单位不在目录中 / the receiving unit is not in the directory"
            )
        )
    return ValidationResult(tuple(errors), result.warnings)


def _representatives(draft: PetitionDraft) -> int:
    """Those marked as representatives; when nobody is marked, everyone who came and was registered."""
    marked = sum(p.representative for p in draft.petitioners)
    return marked or len(draft.petitioners)


def _check_text(field: str, value: str, max_chars: int, label: str) -> list[FieldError]:
    text = value.strip()
    if not text:
        return [FieldError(field, "required", f"{label}不能为空 / is required")]
    if len(text) > max_chars:
        return [
            FieldError(field, "too_long", f"{label}超过 {max_chars} 字 / longer than {max_chars} characters")
        ]
    return []


def _check_petitioners(petitioners: Iterable[PetitionerInput], *, today: date) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: dict[str, int] = {}
    for index, petitioner in enumerate(petitioners):
        path = f"petitioners.{index}"
        if not (petitioner.name.strip() or petitioner.id_number or petitioner.phone):
            errors.append(
                FieldError(
                    path, "empty_petitioner", "信访人须有姓名、身份证号或电话之一 / name, ID number or phone"
                )
            )
        if len(petitioner.name.strip()) > MAX_NAME_CHARS:
            errors.append(
                FieldError(f"{path}.name", "too_long", f"姓名超过 {MAX_NAME_CHARS} 字 / name too long")
            )
        if petitioner.id_number:
            errors += check_id_number(petitioner.id_number, today=today, field=f"{path}.id_number")
            key = canonical_id_number(petitioner.id_number)
            if key is not None:
                if key in seen:
                    errors.append(
                        FieldError(
                            f"{path}.id_number",
                            "duplicate_petitioner",
                            f"与第 {seen[key] + 1} 位信访人身份证号相同 / same ID number as petitioner {seen[key]}",
                        )
                    )
                else:
                    seen[key] = index
        if petitioner.phone:
            errors += check_phone(petitioner.phone, field=f"{path}.phone")
    return errors
