"""Event payloads: small typed records, one Pydantic model per event type and version.

Every payload class is registered under its CloudEvents ``type``
(``xinfang.<service>.<event>.v<N>``). Old versions stay registered with an *upcaster* that turns
their data into the next version, so a stream written years ago still folds with today's code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict


class EventData(BaseModel):
    """Base of every event payload. Subclasses are declared with :func:`event`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str] = ""
    service: ClassVar[str] = ""
    name: ClassVar[str] = ""
    version: ClassVar[int] = 1


E = TypeVar("E", bound=type[EventData])

_REGISTRY: dict[str, type[EventData]] = {}
#: old type -> function returning (newer type, newer data)
_UPCASTERS: dict[str, Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]] = {}


def event(service: str, name: str, version: int = 1) -> Callable[[E], E]:
    """Class decorator registering a payload model in the catalogue."""

    def register(cls: E) -> E:
        type_name = f"xinfang.{service}.{name}.v{version}"
        if type_name in _REGISTRY and _REGISTRY[type_name] is not cls:
            raise ValueError(f"event type {type_name} registered twice")
        cls.event_type = type_name
        cls.service = service
        cls.name = name
        cls.version = version
        _REGISTRY[type_name] = cls
        return cls

    return register


def upcaster(
    old_type: str,
) -> Callable[
    [Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]],
    Callable[[dict[str, Any]], tuple[str, dict[str, Any]]],
]:
    """Register a function that turns data of ``old_type`` into (new type, new data)."""

    def register(
        fn: Callable[[dict[str, Any]], tuple[str, dict[str, Any]]],
    ) -> Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]:
        _UPCASTERS[old_type] = fn
        return fn

    return register


def upcast(type_name: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Apply upcasters until the newest registered version is reached."""
    seen = 0
    while type_name in _UPCASTERS:
        type_name, data = _UPCASTERS[type_name](data)
        seen += 1
        if seen > 100:
            raise RuntimeError(f"upcaster loop at {type_name}")
    return type_name, data


def parse(type_name: str, data: dict[str, Any]) -> EventData:
    """Upcast and validate event data into its payload model."""
    from shared.events import catalogue  # noqa: F401  (registers every known type)

    type_name, data = upcast(type_name, data)
    try:
        cls = _REGISTRY[type_name]
    except KeyError:
        raise UnknownEventType(type_name) from None
    return cls.model_validate(data)


def registry() -> dict[str, type[EventData]]:
    from shared.events import catalogue  # noqa: F401

    return dict(_REGISTRY)


class UnknownEventType(KeyError):
    pass
