"""The EPN's name and address as the console keeps them, and whether its first run was
finished (the first-run assistant comes back to an admin until it is).

Revision ID: c0007
Revises: c0006
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0007"
down_revision: str | None = "c0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the one-row table of the console's setup (no row: never set up)."""
    op.create_table(
        "console_setup",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("epn_name", sa.String(80), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("finished_by", sa.String(80), nullable=True),
    )


def downgrade() -> None:
    """Drop the setup."""
    op.drop_table("console_setup")
