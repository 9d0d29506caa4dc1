"""The staff roster: who may use the staff key at this PC (each with their own PIN's
argon2id hash, as the console sent it) and the revision of the console's roster held.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the roster and its revision."""
    op.create_table(
        "staff_roster",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("pin_hash", sa.String(200), nullable=False),
    )
    op.create_table(
        "staff_roster_revision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("staff_roster_revision")
    op.drop_table("staff_roster")
