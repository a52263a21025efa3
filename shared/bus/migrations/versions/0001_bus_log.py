"""the sql transport's log and consumer group positions

Revision ID: bus_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "bus_0001"
down_revision = None
branch_labels = None
depends_on = None

Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "bus_log",
        sa.Column("position", Position, primary_key=True, autoincrement=True),
        sa.Column("topic", sa.String(120), nullable=False),
        sa.Column("partition", sa.Integer, nullable=False),
        sa.Column("key", sa.LargeBinary, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("value", sa.LargeBinary, nullable=False),
        sa.Column("appended_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_bus_log_topic_partition_position", "bus_log", ["topic", "partition", "position"])
    op.create_table(
        "bus_offsets",
        sa.Column("group_id", sa.String(120), primary_key=True),
        sa.Column("topic", sa.String(120), primary_key=True),
        sa.Column("partition", sa.Integer, primary_key=True),
        sa.Column("position", Position, nullable=False),
    )
