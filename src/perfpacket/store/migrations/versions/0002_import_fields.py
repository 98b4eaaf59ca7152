"""import fields: evidence actor and source version, change closed_at, incident teams

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor", sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column("source_version", sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_evidence_actor"), ["actor"], unique=False)

    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "teams",
                sa.JSON(none_as_null=True),
                nullable=False,
                # Incidents imported before this revision had no teams.
                server_default=sa.text("'[]'"),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_column("teams")

    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_actor"))
        batch_op.drop_column("source_version")
        batch_op.drop_column("actor")

    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
