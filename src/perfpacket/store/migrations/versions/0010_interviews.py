"""interviews: the interviews a person conducted, from an applicant tracking system's scorecards

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "interview",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate", sa.String(length=200), nullable=False),
        sa.Column("loop", sa.String(length=300), nullable=True),
        sa.Column("stage", sa.String(length=300), nullable=True),
        sa.Column("interviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recommendation", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["id"], ["evidence.id"], name=op.f("fk_interview_id_evidence"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview")),
    )


def downgrade() -> None:
    op.drop_table("interview")
