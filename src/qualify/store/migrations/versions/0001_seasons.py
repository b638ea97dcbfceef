"""Seasons and their uploaded files.

Revision ID: 0001_seasons
Revises:
Create Date: 2026-01-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_seasons"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("system_id", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("content_key", sa.String(length=64), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("races", sa.Integer(), nullable=False),
        sa.Column("result_rows", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_seasons"),
        sa.UniqueConstraint("content_key", name="uq_seasons_content_key"),
    )
    op.create_table(
        "season_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["season_id"], ["seasons.id"], name="fk_season_files_season_id_seasons",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_season_files"),
        sa.UniqueConstraint("season_id", "role", name="uq_season_files_season_id_role"),
    )
    op.create_index("ix_season_files_season_id", "season_files", ["season_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_season_files_season_id", table_name="season_files")
    op.drop_table("season_files")
    op.drop_table("seasons")
