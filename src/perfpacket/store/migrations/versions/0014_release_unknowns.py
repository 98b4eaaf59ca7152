"""a release's gate and rollback may be unknown: NULL where its source does not say

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows stored before keep their values: a false written for a missing column cannot be
    # told from a false the source gave. Re-importing the source stores NULL for what it lacks.
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.alter_column("rolled_back", existing_type=sa.Boolean(), nullable=True)
        batch_op.alter_column("gated", existing_type=sa.Boolean(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE release SET rolled_back = false WHERE rolled_back IS NULL")
    op.execute("UPDATE release SET gated = false WHERE gated IS NULL")
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.alter_column("rolled_back", existing_type=sa.Boolean(), nullable=False)
        batch_op.alter_column("gated", existing_type=sa.Boolean(), nullable=False)
