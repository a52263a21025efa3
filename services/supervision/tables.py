"""Supervision's read models: every clock of every case."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, MetaData, String, Table

from shared.store.types import UtcDateTime

metadata = MetaData()

clocks = Table(
    "clocks",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("kind", String(40), primary_key=True),
    Column("rule", String(8), nullable=False),
    Column("unit_id", String(80), nullable=True),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("due_at", UtcDateTime(), nullable=False),
    Column("state", String(16), nullable=False),  # running | paused | met | met_late | cancelled
    Column("paused_ms", BigInteger, nullable=False, default=0),
    Column("stopped_at", UtcDateTime(), nullable=True),
)
