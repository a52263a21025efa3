"""assignment fields for inboxes, triage queues and returns; the petition as routing reads it

Revision ID: routing_0002
Revises: routing_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "routing_0002"
down_revision = "routing_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("assignments", sa.Column("case_no", sa.String(40), nullable=True))
    op.add_column("assignments", sa.Column("title", sa.Text, nullable=True))
    op.add_column("assignments", sa.Column("petition_received_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("assignments", sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("assignments", sa.Column("signed_by", sa.String(120), nullable=True))
    op.add_column("assignments", sa.Column("return_deadline", sa.DateTime(timezone=True), nullable=True))
    op.add_column("assignments", sa.Column("cause", sa.String(32), nullable=True))
    op.add_column("assignments", sa.Column("detail", sa.JSON, nullable=True))
    op.add_column("assignments", sa.Column("is_open", sa.Boolean, nullable=False, server_default=sa.true()))
    op.add_column("assignments", sa.Column("version", sa.Integer, nullable=False, server_default="0"))
    op.create_index("ix_assignments_unit_open", "assignments", ["unit_id", "is_open", "disposition"])
    op.create_table(
        "petition_inputs",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("case_no", sa.String(40), nullable=True),
        sa.Column("input", sa.JSON, nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("petition_inputs")
    op.drop_index("ix_assignments_unit_open", "assignments")
    with op.batch_alter_table("assignments") as batch:
        for column in (
            "version",
            "is_open",
            "detail",
            "cause",
            "return_deadline",
            "signed_by",
            "signed_at",
            "petition_received_at",
            "title",
            "case_no",
        ):
            batch.drop_column(column)
