"""Baseline: every table of footfall.db.schema as of Footfall 0.1.

Revision ID: 0001
Revises:
Later schema changes are new revisions with explicit operations; this one
stays the 0.1 baseline.
"""

from __future__ import annotations

from alembic import op

from footfall.db.schema import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata.create_all(bind=op.get_bind())


def downgrade() -> None:
    metadata.drop_all(bind=op.get_bind())
