"""clocks read model

Revision ID: supervision_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "supervision_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clocks",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("rule", sa.String(8), nullable=False),
        sa.Column("unit_id", sa.String(80), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("paused_ms", sa.BigInteger, nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
    )
