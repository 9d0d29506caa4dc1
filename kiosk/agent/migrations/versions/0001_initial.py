"""Initial schema: snapshot, finished sessions, tickets, members, member usage, audit.

Times are stored as UTC without an offset (the store's UtcDateTime type adds it back).

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create every table of the agent's local store."""
    op.create_table(
        "current_snapshot",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("boot_id", sa.String(64), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("alive_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "finished_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("login_mode", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("rules_version", sa.String(64), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=False),
        sa.Column("seconds_used", sa.Integer(), nullable=False),
        sa.Column("end_reason", sa.String(16), nullable=False),
        sa.Column("extended_seconds", sa.Integer(), nullable=False),
        sa.Column("help_requested", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("valid_until", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "members",
        sa.Column("card", sa.String(40), primary_key=True),
        sa.Column("pin_hash", sa.String(200), nullable=False),
        sa.Column("daily_allowance_minutes", sa.Integer(), nullable=True),
        sa.Column("banned_until", sa.DateTime(), nullable=True),
        sa.Column("ban_reason", sa.String(200), nullable=True),
    )
    op.create_table(
        "member_usage",
        sa.Column(
            "card",
            sa.String(40),
            sa.ForeignKey("members.card", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("seconds_used", sa.Integer(), nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_kind", sa.String(16), nullable=False),
        sa.Column("actor_name", sa.String(80), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.String(400), nullable=False),
    )


def downgrade() -> None:
    """Drop them again (children first)."""
    for table in (
        "audit",
        "member_usage",
        "members",
        "tickets",
        "finished_sessions",
        "current_snapshot",
    ):
        op.drop_table(table)
