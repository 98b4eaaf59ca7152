"""packet snapshots: a submitted version keeps the whole document the engineer previewed

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Versions submitted before this have none; their page is rendered from claims and
    # assessment as before.
    with op.batch_alter_table("packet_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("snapshot", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("packet_version", schema=None) as batch_op:
        batch_op.drop_column("snapshot")
