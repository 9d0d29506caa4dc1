"""The EPN Kiosk version each PC runs (its hello), for the room view to flag a PC left behind.

Revision ID: c0006
Revises: c0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0006"
down_revision: str | None = "c0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the PC's agent version (None: it never said)."""
    op.add_column("kiosks", sa.Column("agent_version", sa.String(40), nullable=True))


def downgrade() -> None:
    """Drop the agent version."""
    with op.batch_alter_table("kiosks") as batch:
        batch.drop_column("agent_version")
