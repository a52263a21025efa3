"""Intake's read models: one row per case for look-ups (case number, query code, idempotency)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, UniqueConstraint

from shared.store.types import UtcDateTime

metadata = MetaData()

petitions = Table(
    "petitions",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("case_no", String(40), nullable=False, unique=True),
    Column("query_code", String(16), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
    Column("received_by", String(80), nullable=False),
    Column("title", String(200), nullable=False),
    Column("status", String(32), nullable=False),
    Column("flags", JSON, nullable=False),
    Column("headcount", Integer, nullable=False),
    Column("external_system", String(80), nullable=True),
    Column("external_id", String(200), nullable=True),
    Column("idempotency_key", String(200), nullable=True, unique=True),
    Column("registered_at", UtcDateTime(), nullable=False),
    UniqueConstraint("external_system", "external_id", name="uq_petitions_external_ref"),
)

case_number_sequences = Table(
    "case_number_sequences",
    metadata,
    Column("unit_id", String(80), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last", Integer, nullable=False),
)
