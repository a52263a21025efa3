"""Alembic migrations, applied programmatically inside an async connection.

Each database has up to three independent histories, each with its own version table:
``shared/store/migrations`` (event store, outbox, consumer bookkeeping — every service),
``services/<name>/migrations`` (that service's read models), and ``shared/bus/migrations`` (the
``sql`` transport's log). ``xinfang migrate <service>`` runs them; embedded mode runs them at
start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from shared.store.db import Database

CORE = (str(Path(__file__).parent / "migrations"), "alembic_version_core")
BUS = (str(Path(__file__).parent.parent / "bus" / "migrations"), "alembic_version_bus")
MIGRATION_LOCK_KEY = 7_303_750_002


def service_history(service_package_dir: Path) -> tuple[str, str]:
    return (str(service_package_dir / "migrations"), "alembic_version")


def _upgrade(sync_conn: Any, location: str, version_table: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", location)
    cfg.attributes["connection"] = sync_conn
    cfg.attributes["version_table"] = version_table
    command.upgrade(cfg, "head")


async def migrate(db: Database, histories: list[tuple[str, str]]) -> None:
    """Bring the database to the newest version of each history (safe to run concurrently)."""
    async with db.transaction() as conn:
        if db.is_postgres:
            await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
        for location, version_table in histories:
            await conn.run_sync(_upgrade, location, version_table)


def run_env() -> None:
    """Body of every ``env.py``: run the migrations on the connection handed over by ``migrate``."""
    from alembic import context

    conn = context.config.attributes.get("connection")
    if conn is None:
        raise RuntimeError("run migrations with `xinfang migrate <service>`, not the alembic CLI")
    context.configure(connection=conn, version_table=context.config.attributes["version_table"])
    with context.begin_transaction():
        context.run_migrations()
