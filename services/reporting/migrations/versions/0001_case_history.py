"""case history read model

Revision ID: reporting_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "reporting_0001"
down_revision = None
branch_labels = None
depends_on = None

Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "case_history",
        sa.Column("position", Position, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(80), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("type", sa.String(120), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("envelope", sa.JSON, nullable=False),
    )
    op.create_index("ix_case_history_case_time", "case_history", ["case_id", "time"])
