"""Wrong tries: the guards on ticket codes, member PINs and the animator PIN, kept in the
store so that a restart or a reboot of the PC forgets none of them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the wrong tries."""
    op.create_table(
        "wrong_tries",
        sa.Column("guard", sa.String(60), primary_key=True),
        sa.Column("wrong", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("wrong_tries")
