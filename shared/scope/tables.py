"""The scope read model every service keeps (core migrations ``core_0003``, ``core_0004``): per case, who
received it, where it is placed, whether it is an accusation; per case and unit, how the unit is involved.

``place_region`` and ``accusation`` are what :func:`~shared.scope.queries.visible` reads. They are derived
from what each source said — the petition (``petition_*``, ``accused_by_name``) and routing's latest
decision (``routed_*``, ``accused_resolved``) — which are kept apart so that the result does not depend on
the order in which the two topics are delivered (see :mod:`shared.scope.projection`).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, MetaData, String, Table

metadata = MetaData()

case_scope = Table(
    "case_scope",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("received_by", String(80), nullable=False),  # "" until the registration is seen
    Column("received_region", String(12), nullable=False),
    Column("place_region", String(12), nullable=True),
    Column("accusation", Boolean, nullable=False),  # true: no region-wide view (R5, or not yet known)
    # what the petition said
    Column("petition_region", String(12), nullable=True),
    Column("petition_accusation", Boolean, nullable=True),
    Column("accused_by_name", Boolean, nullable=True),  # names an accused unit routing must resolve
    # what routing's latest decision said
    Column("routed_region", String(12), nullable=True),
    Column("routed_accusation", Boolean, nullable=True),
    Column("accused_resolved", Boolean, nullable=True),  # routing resolved the accused units' names
)

case_units = Table(
    "case_units",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("unit_id", String(80), primary_key=True),
    Column("relation", String(16), primary_key=True),  # received | handling | accused
    Index("ix_case_units_unit", "unit_id", "relation"),
)
