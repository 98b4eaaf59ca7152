"""cycle quorum: how many committee ratings a decision needs

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("quorum", sa.Integer(), nullable=False, server_default=sa.text("2"))
        )


def downgrade() -> None:
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.drop_column("quorum")
