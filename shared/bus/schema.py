"""Tables of the ``sql`` transport: one shared log and each consumer group's positions."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, LargeBinary, MetaData, String, Table

from shared.store.schema import Position
from shared.store.types import UtcDateTime

metadata = MetaData()

bus_log = Table(
    "bus_log",
    metadata,
    Column("position", Position, primary_key=True, autoincrement=True),
    Column("topic", String(120), nullable=False),
    Column("partition", Integer, nullable=False),
    Column("key", LargeBinary, nullable=False),
    Column("headers", JSON, nullable=False),
    Column("value", LargeBinary, nullable=False),
    Column("appended_at", UtcDateTime(), nullable=False),
    Index("ix_bus_log_topic_partition_position", "topic", "partition", "position"),
)

bus_offsets = Table(
    "bus_offsets",
    metadata,
    Column("group_id", String(120), primary_key=True),
    Column("topic", String(120), primary_key=True),
    Column("partition", Integer, primary_key=True),
    Column("position", Position, nullable=False),
)
