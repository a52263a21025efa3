"""Intake's read models. The event store is the truth; these rows are kept in the same transaction as
the events they follow, for look-ups the streams cannot answer quickly.

- ``petitions`` — one row per case: case number, query-code digest, idempotency keys, status and dates
  for R12, the text fingerprint for similarity.
- ``case_petitioners`` — blind indexes of each case's petitioners (R12: the same petitioner again).
- ``case_number_sequences`` — the gap-free counter per receiving unit and year.
- ``case_progress`` — what routing and supervision reported about a case (units, clocks), for the
  petitioner's progress page and Open311.
- ``api_keys``, ``open311_tokens`` — integrations.
- ``imports``, ``import_errors`` — bulk imports of paper records and their per-row errors.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from shared.store.types import UtcDateTime

metadata = MetaData()

#: SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL wants BIGINT.
Serial = BigInteger().with_variant(Integer(), "sqlite")

petitions = Table(
    "petitions",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("case_no", String(40), nullable=False, unique=True),
    #: always NULL since intake_0002 (codes were stored in clear before; only digests are kept now)
    Column("query_code", String(16), nullable=True),
    Column("query_code_digest", String(64), nullable=True),
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
    Column("request_digest", String(64), nullable=True),
    Column("submitter", String(120), nullable=True),
    Column("category_hint", String(80), nullable=True),
    Column("version", Integer, nullable=False, server_default="0"),
    Column("fingerprint", JSON, nullable=True),
    Column("replied_at", UtcDateTime(), nullable=True),
    Column("review_opinion_at", UtcDateTime(), nullable=True),
    Column("terminated_at", UtcDateTime(), nullable=True),
    Column("repeat_of", String(36), nullable=True),
    Column("merged_into", String(36), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=True),
    UniqueConstraint("external_system", "external_id", name="uq_petitions_external_ref"),
    Index("ix_petitions_received_at", "received_at"),
    Index("ix_petitions_submitter", "submitter", "registered_at"),
)

case_petitioners = Table(
    "case_petitioners",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("id_key", String(64), nullable=True, index=True),
    Column("phone_key", String(64), nullable=True, index=True),
)

case_number_sequences = Table(
    "case_number_sequences",
    metadata,
    Column("unit_id", String(80), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last", Integer, nullable=False),
)

case_progress = Table(
    "case_progress",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("case_id", String(36), nullable=False, index=True),
    Column("type", String(120), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("unit_id", String(80), nullable=True),
    Column("detail", JSON, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("key_id", String(36), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("system", String(80), nullable=False),
    Column("unit_id", String(80), nullable=True),
    Column("channel", String(32), nullable=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("key_prefix", String(16), nullable=False),
    Column("created_by", String(120), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
)

open311_tokens = Table(
    "open311_tokens",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("case_id", String(36), nullable=False, index=True),
    Column("created_at", UtcDateTime(), nullable=False),
)

imports = Table(
    "imports",
    metadata,
    Column("import_id", String(36), primary_key=True),
    Column("status", String(16), nullable=False),  # queued, running, done, failed
    Column("format", String(8), nullable=False),  # csv, jsonl
    Column("source", String(80), nullable=False),
    Column("defaults", JSON, nullable=False),
    Column("detect_clusters", Boolean, nullable=False),
    Column("spool_path", Text, nullable=True),
    Column("upload_bytes", BigInteger, nullable=False),
    Column("upload_sha256", String(64), nullable=False),
    Column("rows_total", Integer, nullable=True),
    Column("rows_done", Integer, nullable=False),
    Column("created", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("created_by", String(120), nullable=False),
    Column("actor_unit", String(80), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("started_at", UtcDateTime(), nullable=True),
    Column("finished_at", UtcDateTime(), nullable=True),
    Column("heartbeat_at", UtcDateTime(), nullable=True),
    Column("error", Text, nullable=True),
)

import_errors = Table(
    "import_errors",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("import_id", String(36), nullable=False),
    Column("row", Integer, nullable=False),
    Column("field", String(120), nullable=False),
    Column("code", String(60), nullable=False),
    Column("message", Text, nullable=False),
    Index("ix_import_errors_import_row", "import_id", "row"),
)
