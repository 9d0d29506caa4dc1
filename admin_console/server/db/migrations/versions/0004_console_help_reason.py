"""Help calls the console opens itself: why (``ticket_forged``), beside the visitors' own.

Revision ID: c0004
Revises: c0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0004"
down_revision: str | None = "c0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the help calls' reason (None: the visitor asked)."""
    op.add_column("help_calls", sa.Column("reason", sa.String(32), nullable=True))


def downgrade() -> None:
    """Drop the reason."""
    with op.batch_alter_table("help_calls") as batch:
        batch.drop_column("reason")
