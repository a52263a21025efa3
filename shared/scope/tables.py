"""The scope read model every service keeps (core migration ``core_0003``): per case, who received
it, where it is placed, whether it is an accusation; per case and unit, how the unit is involved."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, MetaData, String, Table

metadata = MetaData()

case_scope = Table(
    "case_scope",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("received_by", String(80), nullable=False),
    Column("received_region", String(12), nullable=False),
    Column("place_region", String(12), nullable=True),
    Column("accusation", Boolean, nullable=False),
)

case_units = Table(
    "case_units",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("unit_id", String(80), primary_key=True),
    Column("relation", String(16), primary_key=True),  # received | handling | accused
    Index("ix_case_units_unit", "unit_id", "relation"),
)
