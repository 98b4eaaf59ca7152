"""diagnosis and grades: when an incident was diagnosed and whether a trace was captured for
it; graded outputs (a judge's label and, on a subsample, a person's)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("diagnosed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("traced", sa.Boolean(), nullable=True))

    op.create_table(
        "grade",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=300), nullable=False),
        sa.Column("service", sa.String(length=200), nullable=True),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("judge_pass", sa.Boolean(), nullable=False),
        sa.Column("human_pass", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["id"], ["evidence.id"], name=op.f("fk_grade_id_evidence"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grade")),
    )


def downgrade() -> None:
    op.drop_table("grade")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_column("traced")
        batch_op.drop_column("diagnosed_at")
