"""Routing's read models: the current assignment of each case (inboxes and triage queues read it), and the
petition as routing needs it to route the case again after a return (R13)."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Float, Integer, MetaData, String, Table, Text, true

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
    #: when the current unit received the case (the latest decision)
    Column("routed_at", UtcDateTime(), nullable=False),
    # added by routing_0002
    Column("case_no", String(40), nullable=True),
    Column("title", Text, nullable=True),
    Column("petition_received_at", UtcDateTime(), nullable=True),
    Column("signed_at", UtcDateTime(), nullable=True),
    Column("signed_by", String(120), nullable=True),
    #: R13: end of the window in which the current unit may return the case
    Column("return_deadline", UtcDateTime(), nullable=True),
    Column("cause", String(32), nullable=True),
    Column("detail", JSON, nullable=True),
    #: false once the case is withdrawn, merged or not accepted
    Column("is_open", Boolean, nullable=False, server_default=true()),
    #: version of the case's routing stream this row reflects
    Column("version", Integer, nullable=False, server_default="0"),
)

petition_inputs = Table(
    "petition_inputs",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("case_no", String(40), nullable=True),
    #: the registered petition as the router reads it (RoutingInput), without names, ID numbers or phones
    Column("input", JSON, nullable=False),
    Column("registered_at", UtcDateTime(), nullable=False),
)
