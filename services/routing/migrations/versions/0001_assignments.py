"""assignments read model

Revision ID: routing_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "routing_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("category_confidence", sa.Float, nullable=False),
        sa.Column("region_code", sa.String(12), nullable=True),
        sa.Column("unit_id", sa.String(80), nullable=True),
        sa.Column("disposition", sa.String(32), nullable=False),
        sa.Column("flags", sa.JSON, nullable=False),
        sa.Column("explanation", sa.JSON, nullable=False),
        sa.Column("directory_version", sa.String(40), nullable=False),
        sa.Column("received_by", sa.String(80), nullable=True),
        sa.Column("routed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_assignments_unit_id", "assignments", ["unit_id"])
