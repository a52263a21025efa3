"""The privacy tables in every service database, created by the core migration ``core_0002``.

``subject_keys`` holds one wrapped data key per data subject (P1, P4); after shredding the row stays as
a tombstone (``wrapped_key`` NULL, ``shredded_at`` set), so "shredded" and "never existed" differ.
``pii_access_log`` is append-only (P3): the migration adds triggers refusing UPDATE and DELETE.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, LargeBinary, MetaData, String, Table

from shared.store.types import UtcDateTime

metadata = MetaData()

#: SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL wants BIGINT.
_Serial = BigInteger().with_variant(Integer(), "sqlite")

subject_keys = Table(
    "subject_keys",
    metadata,
    Column("subject_id", String(64), primary_key=True),
    Column("kid", String(32), nullable=False),
    Column("wrapped_key", LargeBinary, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=True),
    Column("shredded_at", UtcDateTime(), nullable=True),
    Index("ix_subject_keys_expires_at", "expires_at"),
    Index("ix_subject_keys_kid", "kid"),
)

pii_access_log = Table(
    "pii_access_log",
    metadata,
    Column("id", _Serial, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("actor_unit", String(120), nullable=False),
    Column("roles", JSON, nullable=False),
    Column("case_id", String(80), nullable=False),
    Column("subject_id", String(64), nullable=True),
    Column("fields", JSON, nullable=False),
    Column("purpose", String(200), nullable=False),
    Column("endpoint", String(200), nullable=False),
    Index("ix_pii_access_log_case_at", "case_id", "at"),
    Index("ix_pii_access_log_actor_at", "actor", "at"),
    Index("ix_pii_access_log_at", "at"),
)
