"""Offline checks: ticket codes accepted while the console was unreachable, and what the
last online check said of each member.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the offline tickets and the known members."""
    op.create_table(
        "offline_tickets",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("used_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "known_members",
        sa.Column("card", sa.String(40), primary_key=True),
        sa.Column("pin_hash", sa.String(200), nullable=False),
        sa.Column("daily_allowance_seconds", sa.Integer(), nullable=True),
        sa.Column("remaining_seconds", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("used_seconds", sa.Integer(), nullable=False),
        sa.Column("banned_until", sa.Date(), nullable=True),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("known_members")
    op.drop_table("offline_tickets")
