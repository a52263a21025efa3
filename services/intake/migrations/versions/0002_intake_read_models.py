"""intake read models: query-code digests, R12 look-ups, progress, integrations, imports

Revision ID: intake_0002
Revises: intake_0001

``petitions.query_code`` held codes in clear; it becomes nullable and the service replaces every
remaining code by its keyed digest at start-up (the key is configuration, not available here).
"""

import sqlalchemy as sa
from alembic import op

revision = "intake_0002"
down_revision = "intake_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("petitions") as batch:
        batch.alter_column("query_code", existing_type=sa.String(16), nullable=True)
        batch.add_column(sa.Column("query_code_digest", sa.String(64), nullable=True))
        batch.add_column(sa.Column("request_digest", sa.String(64), nullable=True))
        batch.add_column(sa.Column("submitter", sa.String(120), nullable=True))
        batch.add_column(sa.Column("category_hint", sa.String(80), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("fingerprint", sa.JSON, nullable=True))
        batch.add_column(sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("review_opinion_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("terminated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("repeat_of", sa.String(36), nullable=True))
        batch.add_column(sa.Column("merged_into", sa.String(36), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_petitions_received_at", "petitions", ["received_at"])
    op.create_index("ix_petitions_submitter", "petitions", ["submitter", "registered_at"])

    op.create_table(
        "case_petitioners",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("id_key", sa.String(64), nullable=True),
        sa.Column("phone_key", sa.String(64), nullable=True),
    )
    op.create_index("ix_case_petitioners_id_key", "case_petitioners", ["id_key"])
    op.create_index("ix_case_petitioners_phone_key", "case_petitioners", ["phone_key"])

    op.create_table(
        "case_progress",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(120), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unit_id", sa.String(80), nullable=True),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_case_progress_case_id", "case_progress", ["case_id"])

    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("system", sa.String(80), nullable=False),
        sa.Column("unit_id", sa.String(80), nullable=True),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("key_prefix", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )

    op.create_table(
        "open311_tokens",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_open311_tokens_case_id", "open311_tokens", ["case_id"])

    op.create_table(
        "imports",
        sa.Column("import_id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("source", sa.String(80), nullable=False),
        sa.Column("defaults", sa.JSON, nullable=False),
        sa.Column("detect_clusters", sa.Boolean, nullable=False),
        sa.Column("spool_path", sa.Text, nullable=True),
        sa.Column("upload_bytes", sa.BigInteger, nullable=False),
        sa.Column("upload_sha256", sa.String(64), nullable=False),
        sa.Column("rows_total", sa.Integer, nullable=True),
        sa.Column("rows_done", sa.Integer, nullable=False),
        sa.Column("created", sa.Integer, nullable=False),
        sa.Column("duplicates", sa.Integer, nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("actor_unit", sa.String(80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
    )

    op.create_table(
        "import_errors",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("import_id", sa.String(36), nullable=False),
        sa.Column("row", sa.Integer, nullable=False),
        sa.Column("field", sa.String(120), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
    )
    op.create_index("ix_import_errors_import_row", "import_errors", ["import_id", "row"])


def downgrade() -> None:
    op.drop_table("import_errors")
    op.drop_table("imports")
    op.drop_table("open311_tokens")
    op.drop_table("api_keys")
    op.drop_table("case_progress")
    op.drop_table("case_petitioners")
    op.drop_index("ix_petitions_submitter", "petitions")
    op.drop_index("ix_petitions_received_at", "petitions")
    with op.batch_alter_table("petitions") as batch:
        for column in (
            "updated_at",
            "merged_into",
            "repeat_of",
            "terminated_at",
            "review_opinion_at",
            "replied_at",
            "fingerprint",
            "version",
            "category_hint",
            "submitter",
            "request_digest",
            "query_code_digest",
        ):
            batch.drop_column(column)
