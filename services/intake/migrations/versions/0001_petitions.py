"""petitions read model and case number sequences

Revision ID: intake_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "intake_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "petitions",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("case_no", sa.String(40), nullable=False, unique=True),
        sa.Column("query_code", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by", sa.String(80), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("flags", sa.JSON, nullable=False),
        sa.Column("headcount", sa.Integer, nullable=False),
        sa.Column("external_system", sa.String(80), nullable=True),
        sa.Column("external_id", sa.String(200), nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=True, unique=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("external_system", "external_id", name="uq_petitions_external_ref"),
    )
    op.create_table(
        "case_number_sequences",
        sa.Column("unit_id", sa.String(80), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
    )
