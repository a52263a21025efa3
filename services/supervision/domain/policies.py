"""Clock policies as data: which event starts a clock, how long it runs, what stops it.

The policies in force are in ``data/clock_policies.yaml`` (D1–D7, S3, R13 and the supervision
thresholds of S1–S5). A deployment adds or changes a policy by editing that file; the loader
here validates it and names every problem it finds.

Event names are generic strings ``<service>.<event>`` (``routing.case_routed``,
``supervision.case_accepted``); the service layer maps CloudEvents types onto them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml

from services.supervision.domain.errors import PolicyFileError
from shared.calendar.periods import PERIOD_UNITS, PeriodUnit

FORMAT_VERSION = 1
EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
KIND_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

Scalar = str | int | bool


@dataclass(frozen=True)
class ExtensionRule:
    """How a clock may be extended (D3: once, at most 30 days, approved before the deadline)."""

    max_count: int = 0
    max_days: int = 0
    before_due: bool = True

    @property
    def allowed(self) -> bool:
        return self.max_count > 0 and self.max_days > 0


NO_EXTENSION = ExtensionRule()


@dataclass(frozen=True)
class ClockPolicy:
    """One kind of clock: its length, what starts, stops, pauses, resumes and cancels it."""

    kind: str
    rule: str
    length: int
    unit: PeriodUnit
    starts_on: tuple[str, ...]
    stops_on: tuple[str, ...]
    pauses_on: tuple[str, ...] = ()
    resumes_on: tuple[str, ...] = ()
    cancels_on: tuple[str, ...] = ()
    when: Mapping[str, tuple[Scalar, ...]] = field(default_factory=dict)
    """Conditions on the starting event's attributes: each key must have one of the listed values."""
    extension: ExtensionRule = NO_EXTENSION
    supervised: bool = True
    """False for windows of the petitioner or of a unit's own right (D4/D5 request windows, R13):
    they lapse rather than fall overdue, and no urging or escalation follows (S1–S4)."""
    due_override: bool = False
    """True when the starting event may set the last day itself (D7: deadline set on assignment)."""
    extends_with: str | None = None
    """Kind of another clock whose approved extension also extends this one (D7 follows D3)."""
    enabled: bool = True
    title: str = ""
    basis: str = ""

    @property
    def pausable(self) -> bool:
        return bool(self.pauses_on)

    def applies_to(self, attributes: Mapping[str, object]) -> bool:
        """Whether a starting event with these attributes meets the ``when`` conditions."""
        return all(attributes.get(key) in allowed for key, allowed in self.when.items())


@dataclass(frozen=True)
class SupervisionThresholds:
    """The numbers of S1–S5 (DOMAIN.md §5); defaults are the values given there."""

    due_soon_days: int = 3
    """S1: a clock is due soon this many days before its deadline."""
    notice_after_overdue_days: int = 5
    """S3: a supervision notice is issued automatically when overdue by this many days."""
    escalate_after_overdue_days: int = 15
    """S4: escalation to the petition bureau one level up when overdue by this many days."""
    backlog_overdue_days: int = 30
    """S5: a case overdue by this many days is a backlog case and gets a leader owner."""
    leader_repeat_count: int = 3
    """S5: a petitioner's repeat number at which a leader takes ownership (third repeat)."""


DEFAULT_THRESHOLDS = SupervisionThresholds()


@dataclass(frozen=True)
class PolicySet:
    """All clock policies of a deployment, with lookups by kind and by event."""

    policies: tuple[ClockPolicy, ...]
    thresholds: SupervisionThresholds = DEFAULT_THRESHOLDS

    @property
    def enabled(self) -> tuple[ClockPolicy, ...]:
        return tuple(p for p in self.policies if p.enabled)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(p.kind for p in self.enabled)

    def get(self, kind: str) -> ClockPolicy:
        for policy in self.policies:
            if policy.kind == kind:
                return policy
        raise KeyError(
            f"no clock policy of kind {kind!r} (known: {', '.join(p.kind for p in self.policies)})"
        )

    def started_by(self, event: str, attributes: Mapping[str, object] | None = None) -> list[ClockPolicy]:
        """Policies whose clock an event starts, given the event's attributes for ``when``."""
        attrs = attributes or {}
        return [p for p in self.enabled if event in p.starts_on and p.applies_to(attrs)]

    def stopped_by(self, event: str) -> list[ClockPolicy]:
        return [p for p in self.enabled if event in p.stops_on]

    def paused_by(self, event: str) -> list[ClockPolicy]:
        return [p for p in self.enabled if event in p.pauses_on]

    def resumed_by(self, event: str) -> list[ClockPolicy]:
        return [p for p in self.enabled if event in p.resumes_on]

    def cancelled_by(self, event: str) -> list[ClockPolicy]:
        return [p for p in self.enabled if event in p.cancels_on]

    def extended_with(self, kind: str) -> list[ClockPolicy]:
        """Policies whose clock is extended together with an approved extension of ``kind``."""
        return [p for p in self.enabled if p.extends_with == kind]


# --- loading -----------------------------------------------------------------------------------

_TOP_KEYS = {"version", "supervision", "policies"}
_POLICY_KEYS = {
    "kind",
    "rule",
    "title",
    "basis",
    "length",
    "unit",
    "starts_on",
    "stops_on",
    "pauses_on",
    "resumes_on",
    "cancels_on",
    "when",
    "extension",
    "supervised",
    "due_override",
    "extends_with",
    "enabled",
}
_EXTENSION_KEYS = {"max_count", "max_days", "before_due"}
_THRESHOLD_KEYS = {
    "due_soon_days",
    "notice_after_overdue_days",
    "escalate_after_overdue_days",
    "backlog_overdue_days",
    "leader_repeat_count",
}


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.items.append(f"{where}: {what}")

    def unknown_keys(self, where: str, data: Mapping[Any, Any], allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                self.add(
                    f"{where}.{key}" if where else str(key),
                    f"unknown key (expected one of {sorted(allowed)})",
                )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value: object) -> str:
    return "nothing" if value is None else type(value).__name__


def _int(
    data: Mapping[str, Any], key: str, where: str, problems: _Problems, *, default: int | None, minimum: int
) -> int:
    if key not in data:
        if default is None:
            problems.add(f"{where}.{key}", "missing")
            return minimum
        return default
    value = data[key]
    if not _is_int(value) or value < minimum:
        problems.add(f"{where}.{key}", f"expected a whole number ≥ {minimum}, got {value!r}")
        return minimum
    return cast(int, value)


def _bool(data: Mapping[str, Any], key: str, where: str, problems: _Problems, *, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        problems.add(f"{where}.{key}", f"expected true or false, got {value!r}")
        return default
    return value


def _text(data: Mapping[str, Any], key: str, where: str, problems: _Problems, *, required: bool) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        problems.add(f"{where}.{key}", "missing" if key not in data else f"expected text, got {_kind(value)}")
        return ""
    return value.strip()


def _events(
    data: Mapping[str, Any], key: str, where: str, problems: _Problems, *, required: bool
) -> tuple[str, ...]:
    if key not in data:
        if required:
            problems.add(
                f"{where}.{key}", "missing: give at least one event name such as routing.case_routed"
            )
        return ()
    value = data[key]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or (required and not value):
        problems.add(f"{where}.{key}", f"expected a list of event names, got {value!r}")
        return ()
    names: list[str] = []
    for i, name in enumerate(value):
        if not isinstance(name, str) or not EVENT_NAME.match(name):
            problems.add(f"{where}.{key}[{i}]", f"{name!r} is not an event name like routing.case_routed")
        elif name in names:
            problems.add(f"{where}.{key}[{i}]", f"{name} is listed twice")
        else:
            names.append(name)
    return tuple(names)


def _when(data: Mapping[str, Any], where: str, problems: _Problems) -> dict[str, tuple[Scalar, ...]]:
    value = data.get("when", {})
    if not isinstance(value, Mapping):
        problems.add(f"{where}.when", f"expected a mapping attribute: [allowed values], got {_kind(value)}")
        return {}
    when: dict[str, tuple[Scalar, ...]] = {}
    for key, allowed in value.items():
        items = allowed if isinstance(allowed, list) else [allowed]
        if not isinstance(key, str) or not items or not all(isinstance(v, str | int | bool) for v in items):
            problems.add(f"{where}.when.{key}", f"expected a value or a list of values, got {allowed!r}")
            continue
        when[key] = tuple(items)
    return when


def _extension(data: Mapping[str, Any], where: str, problems: _Problems) -> ExtensionRule:
    if "extension" not in data or data["extension"] is None:
        return NO_EXTENSION
    value = data["extension"]
    at = f"{where}.extension"
    if not isinstance(value, Mapping):
        problems.add(at, f"expected a mapping with {sorted(_EXTENSION_KEYS)}, got {_kind(value)}")
        return NO_EXTENSION
    problems.unknown_keys(at, value, _EXTENSION_KEYS)
    return ExtensionRule(
        max_count=_int(value, "max_count", at, problems, default=None, minimum=1),
        max_days=_int(value, "max_days", at, problems, default=None, minimum=1),
        before_due=_bool(value, "before_due", at, problems, default=True),
    )


def _policy(data: object, where: str, problems: _Problems) -> ClockPolicy | None:
    if not isinstance(data, Mapping):
        problems.add(where, f"expected a mapping describing one clock, got {_kind(data)}")
        return None
    kind = data.get("kind")
    if not isinstance(kind, str) or not KIND_NAME.match(kind):
        problems.add(f"{where}.kind", f"expected a lower-case name like acceptance, got {kind!r}")
        kind = "?"
    else:
        where = f"{where} ({kind})"
    problems.unknown_keys(where, data, _POLICY_KEYS)
    unit = data.get("unit")
    if unit not in PERIOD_UNITS:
        problems.add(f"{where}.unit", f"expected one of {list(PERIOD_UNITS)}, got {unit!r}")
        unit = "days"
    extends_with = data.get("extends_with")
    if extends_with is not None and not isinstance(extends_with, str):
        problems.add(f"{where}.extends_with", f"expected the kind of another clock, got {extends_with!r}")
        extends_with = None
    policy = ClockPolicy(
        kind=kind,
        rule=_text(data, "rule", where, problems, required=True),
        title=_text(data, "title", where, problems, required=False),
        basis=_text(data, "basis", where, problems, required=False),
        length=_int(data, "length", where, problems, default=None, minimum=1),
        unit=cast(PeriodUnit, unit),
        starts_on=_events(data, "starts_on", where, problems, required=True),
        stops_on=_events(data, "stops_on", where, problems, required=True),
        pauses_on=_events(data, "pauses_on", where, problems, required=False),
        resumes_on=_events(data, "resumes_on", where, problems, required=False),
        cancels_on=_events(data, "cancels_on", where, problems, required=False),
        when=_when(data, where, problems),
        extension=_extension(data, where, problems),
        supervised=_bool(data, "supervised", where, problems, default=True),
        due_override=_bool(data, "due_override", where, problems, default=False),
        extends_with=extends_with,
        enabled=_bool(data, "enabled", where, problems, default=True),
    )
    if bool(policy.pauses_on) != bool(policy.resumes_on):
        problems.add(
            where, "pauses_on and resumes_on go together: a clock that pauses must be able to resume"
        )
    groups = {
        "starts_on": policy.starts_on,
        "stops_on": policy.stops_on,
        "pauses_on": policy.pauses_on,
        "resumes_on": policy.resumes_on,
        "cancels_on": policy.cancels_on,
    }
    seen: dict[str, str] = {}
    for group, names in groups.items():
        for name in names:
            if name in seen:
                problems.add(where, f"{name} is in both {seen[name]} and {group}")
            seen[name] = group
    return policy


def _thresholds(data: Mapping[str, Any], problems: _Problems) -> SupervisionThresholds:
    value = data.get("supervision", {})
    if not isinstance(value, Mapping):
        problems.add("supervision", f"expected a mapping of thresholds, got {_kind(value)}")
        return SupervisionThresholds()
    problems.unknown_keys("supervision", value, _THRESHOLD_KEYS)
    defaults = SupervisionThresholds()
    values = {
        key: _int(value, key, "supervision", problems, default=getattr(defaults, key), minimum=1)
        for key in sorted(_THRESHOLD_KEYS)
    }
    return SupervisionThresholds(**values)


def parse_policies(data: object, *, origin: str = "clock policies") -> PolicySet:
    """Validate a policy mapping (as loaded from YAML). Raises :class:`PolicyFileError` listing every problem."""
    problems = _Problems()
    if not isinstance(data, Mapping):
        raise PolicyFileError(
            origin, [f"expected a mapping with keys {sorted(_TOP_KEYS)}, got {_kind(data)}"]
        )
    problems.unknown_keys("", data, _TOP_KEYS)
    if data.get("version", FORMAT_VERSION) != FORMAT_VERSION:
        problems.add("version", f"{data.get('version')!r} is not supported (expected {FORMAT_VERSION})")
    thresholds = _thresholds(data, problems)
    raw = data.get("policies")
    if not isinstance(raw, list) or not raw:
        problems.add("policies", "expected a non-empty list of clock policies")
        raise PolicyFileError(origin, problems.items)
    policies = [_policy(item, f"policies[{i}]", problems) for i, item in enumerate(raw)]
    parsed = tuple(p for p in policies if p is not None)
    _check_across(parsed, problems)
    if problems.items:
        raise PolicyFileError(origin, problems.items)
    return PolicySet(parsed, thresholds)


def _check_across(policies: Sequence[ClockPolicy], problems: _Problems) -> None:
    kinds = [p.kind for p in policies]
    for kind in sorted({k for k in kinds if kinds.count(k) > 1 and k != "?"}):
        problems.add("policies", f"kind {kind} is defined {kinds.count(kind)} times; each kind once")
    for policy in policies:
        if policy.extends_with is None:
            continue
        if policy.extends_with not in kinds:
            problems.add(f"policies ({policy.kind}).extends_with", f"no policy of kind {policy.extends_with}")
        elif policy.extends_with == policy.kind:
            problems.add(f"policies ({policy.kind}).extends_with", "a clock cannot follow itself")
        elif not policy.extension.allowed:
            problems.add(
                f"policies ({policy.kind}).extends_with",
                "a clock extended together with another needs its own extension rule",
            )


def parse_policies_text(text: str, *, origin: str = "clock policies") -> PolicySet:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyFileError(origin, [f"not valid YAML: {exc}"]) from exc
    return parse_policies(data, origin=origin)


def load_policies(path: Path) -> PolicySet:
    """Read and validate ``clock_policies.yaml``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyFileError(path.name, [f"cannot read: {exc.strerror or exc}"]) from exc
    return parse_policies_text(text, origin=path.name)
