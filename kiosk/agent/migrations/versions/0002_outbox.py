"""Console link: the outbox of events for the console, and the running session's id.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the outbox table and the session id next to the snapshot."""
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("frame", sa.Text(), nullable=False),
        sa.Column("sent_count", sa.Integer(), nullable=False),
        # Sequence numbers are never reused (the link sends "everything after" one).
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("current_snapshot") as batch:
        batch.add_column(sa.Column("session_id", sa.String(64), nullable=True))


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("current_snapshot") as batch:
        batch.drop_column("session_id")
    op.drop_table("outbox")
