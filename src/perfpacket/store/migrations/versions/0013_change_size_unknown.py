"""a change's size may be unknown: lines added and deleted and files changed are NULL for a
pull or merge request read from a listing, which does not hold them

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

SIZE = ("additions", "deletions", "files_changed")


def upgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        for column in SIZE:
            batch_op.alter_column(column, existing_type=sa.Integer(), nullable=True)
    # Pull and merge requests stored from a listing got 0 for what the listing did not say. A
    # request that changed no file at all is not one anybody opens: all three 0 means unknown.
    op.execute(
        "UPDATE change SET additions = NULL, deletions = NULL, files_changed = NULL "
        "WHERE number IS NOT NULL AND additions = 0 AND deletions = 0 AND files_changed = 0"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE change SET additions = 0, deletions = 0, files_changed = 0 WHERE additions IS NULL"
    )
    with op.batch_alter_table("change", schema=None) as batch_op:
        for column in SIZE:
            batch_op.alter_column(column, existing_type=sa.Integer(), nullable=False)
