"""rating cell: the 9-box a committee member moved a candidate into

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.add_column(sa.Column("performance", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("readiness", sa.String(length=12), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.drop_column("readiness")
        batch_op.drop_column("performance")
