"""subject keys (crypto-shredding) and the personal-data access log

Revision ID: core_0002
Revises: core_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0002"
down_revision = "core_0001"
branch_labels = None
depends_on = None

Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_APPEND_ONLY = "pii_access_log is append-only"


def upgrade() -> None:
    op.create_table(
        "subject_keys",
        sa.Column("subject_id", sa.String(64), primary_key=True),
        sa.Column("kid", sa.String(32), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shredded_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_subject_keys_expires_at", "subject_keys", ["expires_at"])
    op.create_index("ix_subject_keys_kid", "subject_keys", ["kid"])
    op.create_table(
        "pii_access_log",
        sa.Column("id", Serial, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("actor_unit", sa.String(120), nullable=False),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("case_id", sa.String(80), nullable=False),
        sa.Column("subject_id", sa.String(64), nullable=True),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("purpose", sa.String(200), nullable=False),
        sa.Column("endpoint", sa.String(200), nullable=False),
    )
    op.create_index("ix_pii_access_log_case_at", "pii_access_log", ["case_id", "at"])
    op.create_index("ix_pii_access_log_actor_at", "pii_access_log", ["actor", "at"])
    op.create_index("ix_pii_access_log_at", "pii_access_log", ["at"])

    # The access log is evidence for auditors (P3): rows are added, never changed or removed.
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER pii_access_log_no_{verb.lower()} BEFORE {verb} ON pii_access_log "
                f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION pii_access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER pii_access_log_append_only BEFORE UPDATE OR DELETE ON pii_access_log "
            "FOR EACH ROW EXECUTE FUNCTION pii_access_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS pii_access_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS pii_access_log_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS pii_access_log_append_only ON pii_access_log")
        op.execute("DROP FUNCTION IF EXISTS pii_access_log_append_only()")
    op.drop_table("pii_access_log")
    op.drop_table("subject_keys")
