"""Tables every service has: its event store, its outbox, and its consumers' bookkeeping.

The Alembic migrations in ``shared/store/migrations`` create exactly these; the metadata here is
what the code queries against. ``tests/contract`` runs against both SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
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
Position = BigInteger().with_variant(Integer(), "sqlite")

events = Table(
    "events",
    metadata,
    Column("position", Position, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("stream_id", String(80), nullable=False),
    Column("version", Integer, nullable=False),
    Column("type", String(120), nullable=False),
    Column("envelope", JSON, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("position", Position, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("topic", String(120), nullable=False),
    Column("key", String(80), nullable=False),
    Column("envelope", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("published_at", UtcDateTime(), nullable=True, index=True),
)

processed_events = Table(
    "processed_events",
    metadata,
    Column("consumer", String(80), primary_key=True),
    Column("event_id", String(36), primary_key=True),
    Column("processed_at", UtcDateTime(), nullable=False),
)

dead_letters = Table(
    "dead_letters",
    metadata,
    Column("id", Position, primary_key=True, autoincrement=True),
    Column("consumer", String(80), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("topic", String(120), nullable=False),
    Column("partition", Integer, nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("envelope", JSON, nullable=True),
    Column("raw", Text, nullable=True),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("resolved_at", UtcDateTime(), nullable=True),
    UniqueConstraint("consumer", "event_id", name="uq_dead_letters_consumer_event"),
)
