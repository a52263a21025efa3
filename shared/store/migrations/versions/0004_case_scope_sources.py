"""case scope: what each source said, so the projection does not depend on the order events arrive in

Revision ID: core_0004
Revises: core_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0004"
down_revision = "core_0003"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("petition_region", sa.String(12)),
    ("petition_accusation", sa.Boolean),
    ("accused_by_name", sa.Boolean),
    ("routed_region", sa.String(12)),
    ("routed_accusation", sa.Boolean),
    ("accused_resolved", sa.Boolean),
)


def upgrade() -> None:
    for name, type_ in _COLUMNS:
        op.add_column("case_scope", sa.Column(name, type_, nullable=True))
    # rows projected before: what they hold is what the petition said, as far as anyone knows now
    op.execute("UPDATE case_scope SET petition_region = place_region, petition_accusation = accusation")


def downgrade() -> None:
    with op.batch_alter_table("case_scope") as batch:
        for name, _type in reversed(_COLUMNS):
            batch.drop_column(name)
