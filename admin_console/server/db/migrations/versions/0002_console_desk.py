"""Tickets, members and the help queue.

Tickets and members are `console_*`: a kiosk store may share the database and has its own.

Revision ID: c0002
Revises: c0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0002"
down_revision: str | None = "c0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the tickets, members and help_calls tables."""
    op.create_table(
        "console_tickets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ref", sa.String(16), nullable=False, unique=True),
        sa.Column("code_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("free_pages", sa.Integer(), nullable=False),
        sa.Column("valid_until", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("made_by", sa.String(80), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("used_kiosk_id", sa.Integer(), sa.ForeignKey("kiosks.id"), nullable=True),
    )
    op.create_table(
        "console_members",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("card", sa.String(40), nullable=False, unique=True),
        sa.Column("pin_hash", sa.String(200), nullable=False),
        sa.Column("daily_allowance_minutes", sa.Integer(), nullable=True),
        sa.Column("nickname", sa.String(40), nullable=True),
        sa.Column("banned_until", sa.Date(), nullable=True),
        sa.Column("ban_reason", sa.String(200), nullable=True),
        sa.Column("failed_pins", sa.Integer(), nullable=False),
        sa.Column("pin_locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "help_calls",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kiosk_id", sa.Integer(), sa.ForeignKey("kiosks.id"), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=True, unique=True),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("taken_by", sa.String(80), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("done_by", sa.String(80), nullable=True),
        sa.Column("accompanied_seconds", sa.Integer(), nullable=True),
    )
    op.create_index("ix_help_calls_kiosk_id", "help_calls", ["kiosk_id"])
    op.create_index("ix_help_calls_done_at", "help_calls", ["done_at"])


def downgrade() -> None:
    """Drop them again."""
    for table in ("help_calls", "console_members", "console_tickets"):
        op.drop_table(table)
