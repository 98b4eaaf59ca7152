"""a pull or merge request's file list may be unknown: neither a listing nor the request's own
page names its files, so it is NULL for them; a commit keeps the list git gave (empty for a
merge)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.alter_column("files", existing_type=sa.JSON(none_as_null=True), nullable=True)
    # Every request was stored with an empty list for what no forge page it was read from said.
    op.execute(
        "UPDATE change SET files = NULL WHERE number IS NOT NULL AND CAST(files AS TEXT) = '[]'"
    )


def downgrade() -> None:
    op.execute("UPDATE change SET files = '[]' WHERE files IS NULL")
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.alter_column("files", existing_type=sa.JSON(none_as_null=True), nullable=False)
