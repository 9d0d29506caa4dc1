"""Sessions for the usage review, policy versions, workshops, and PCs out of order.

Revision ID: c0003
Revises: c0002
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0003"
down_revision: str | None = "c0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the kiosks' out-of-order flag and policy version; create the sessions, policies
    and workshops tables."""
    op.add_column("kiosks", sa.Column("out_of_order_reason", sa.String(200), nullable=True))
    op.add_column("kiosks", sa.Column("out_of_order_at", sa.DateTime(), nullable=True))
    op.add_column("kiosks", sa.Column("policy_version", sa.String(64), nullable=True))
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.String(64), nullable=False, unique=True),
        sa.Column("kiosk_id", sa.Integer(), sa.ForeignKey("kiosks.id"), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("login", sa.String(16), nullable=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("rules_version", sa.String(64), nullable=True),
        sa.Column("granted_seconds", sa.Integer(), nullable=True),
        sa.Column("seconds_used", sa.Integer(), nullable=True),
        sa.Column("extended_seconds", sa.Integer(), nullable=False),
        sa.Column("end_reason", sa.String(32), nullable=True),
        sa.Column("offline", sa.Boolean(), nullable=False),
        sa.Column("workshop_id", sa.String(64), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("sheets", sa.Integer(), nullable=False),
        sa.Column("cost_cents", sa.Integer(), nullable=False),
        sa.Column("helped", sa.Boolean(), nullable=False),
        sa.Column("help_calls", sa.Integer(), nullable=False),
        sa.Column("accompanied_seconds", sa.Integer(), nullable=False),
    )
    op.create_index("ix_console_sessions_kiosk_id", "console_sessions", ["kiosk_id"])
    op.create_index("ix_console_sessions_started_at", "console_sessions", ["started_at"])
    op.create_table(
        "console_policies",
        sa.Column("version", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("policy_version", sa.String(64), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(80), nullable=False),
    )
    op.create_table(
        "workshops",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("started_by", sa.String(80), nullable=False),
        sa.Column("kiosk_ids", sa.JSON(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
    )
    op.create_index("ix_workshops_started_at", "workshops", ["started_at"])


def downgrade() -> None:
    """Drop them again."""
    for table in ("workshops", "console_policies", "console_sessions"):
        op.drop_table(table)
    with op.batch_alter_table("kiosks") as batch:
        batch.drop_column("policy_version")
        batch.drop_column("out_of_order_at")
        batch.drop_column("out_of_order_reason")
