"""tickets: issues and epics from an issue tracker (Jira, GitHub) with their status history;
a change's comment count

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracker", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("project", sa.String(length=200), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("issue_type", sa.String(length=100), nullable=True),
        sa.Column("parent", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("assignee", sa.String(length=320), nullable=True),
        sa.Column("reporter", sa.String(length=320), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("history_complete", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"], ["evidence.id"], name=op.f("fk_ticket_id_evidence"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket")),
    )
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("comments", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_column("comments")
    op.drop_table("ticket")
