"""Reporting's read models, all derived from events (F4): the history of every case."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, MetaData, String, Table

from shared.store.schema import Position
from shared.store.types import UtcDateTime

metadata = MetaData()

history = Table(
    "case_history",
    metadata,
    Column("position", Position, primary_key=True, autoincrement=True),
    Column("case_id", String(80), nullable=False),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("type", String(120), nullable=False),
    Column("time", UtcDateTime(), nullable=False),
    Column("envelope", JSON, nullable=False),
    Index("ix_case_history_case_time", "case_id", "time"),
)
