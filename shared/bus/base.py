"""What a transport must do. ``sql`` (a log table, embedded) and ``kafka`` (aiokafka) both pass the
contract suite in ``tests/contract``.

A :class:`Record` is one event on a topic in binary content mode: key = case id, ``ce_*`` headers,
value = JSON data. Partition = hash(key) mod partitions, so one case's events stay in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from shared.events.envelope import CloudEvent


@dataclass(frozen=True)
class Record:
    topic: str
    key: bytes
    headers: list[tuple[str, bytes]]
    value: bytes

    @classmethod
    def of(cls, topic: str, event: CloudEvent) -> Record:
        key, headers, value = event.to_binary()
        return cls(topic, key, headers, value)


@dataclass(frozen=True)
class Delivery:
    """A record as a consumer receives it, with where it sits in the log."""

    record: Record
    partition: int
    offset: int


class Publisher(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def publish(self, records: Sequence[Record]) -> None:
        """Return only when every record is durably on the bus (acks=all), in the given order."""
        ...


class Subscriber(Protocol):
    """One consumer group's view of some topics."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def poll(self, max_records: int = 100) -> list[Delivery]:
        """The next records after the group's committed position (may return the same ones again
        after a restart: delivery is at-least-once)."""
        ...

    async def commit(self, delivery: Delivery) -> None:
        """Move the group's position past ``delivery`` (after the effect is committed)."""
        ...

    async def rewind(self) -> None:
        """Forget records fetched but not committed: the next poll starts at the committed position."""
        ...

    async def lag(self) -> int: ...


def partition_for(key: bytes, partitions: int) -> int:
    """Stable partition of a key (the sql transport's equivalent of Kafka's key partitioner)."""
    import zlib

    return zlib.crc32(key) % partitions
