"""case scope read model (P3)

Revision ID: core_0003
Revises: core_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0003"
down_revision = "core_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_scope",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("received_by", sa.String(80), nullable=False),
        sa.Column("received_region", sa.String(12), nullable=False),
        sa.Column("place_region", sa.String(12), nullable=True),
        sa.Column("accusation", sa.Boolean, nullable=False),
    )
    op.create_table(
        "case_units",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("unit_id", sa.String(80), primary_key=True),
        sa.Column("relation", sa.String(16), primary_key=True),
    )
    op.create_index("ix_case_units_unit", "case_units", ["unit_id", "relation"])
