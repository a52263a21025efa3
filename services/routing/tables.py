"""Routing's read models: the current assignment of each case."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, MetaData, String, Table

from shared.store.types import UtcDateTime

metadata = MetaData()

assignments = Table(
    "assignments",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("category", String(64), nullable=True),
    Column("category_confidence", Float, nullable=False),
    Column("region_code", String(12), nullable=True),
    Column("unit_id", String(80), nullable=True, index=True),
    Column("disposition", String(32), nullable=False),
    Column("flags", JSON, nullable=False),
    Column("explanation", JSON, nullable=False),
    Column("directory_version", String(40), nullable=False),
    Column("received_by", String(80), nullable=True),
    Column("routed_at", UtcDateTime(), nullable=False),
)
