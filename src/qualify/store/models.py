"""The season store's tables: an uploaded season and its files, kept byte for byte.

The schema is owned by the Alembic migrations in ``migrations/versions``; these models must match them
(``tests/web/test_store.py`` compares the two).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, MetaData, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Explicit constraint names, so that migrations name them the same way on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Season(Base):
    """One uploaded season of one system. ``content_key`` makes a re-import of the same files a no-op."""

    __tablename__ = "seasons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    system_id: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(200))
    # sha256 over the system id and every file's role and sha256: the identity of the upload.
    content_key: Mapped[str] = mapped_column(String(64), unique=True)
    synthetic: Mapped[bool] = mapped_column(default=False)
    races: Mapped[int] = mapped_column(Integer)
    result_rows: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    files: Mapped[list[SeasonFile]] = relationship(back_populates="season", cascade="all, delete-orphan",
                                                   order_by="SeasonFile.role", lazy="selectin")


class SeasonFile(Base):
    """One uploaded file exactly as received: the bytes, their hash and the name the user's browser sent."""

    __tablename__ = "season_files"
    __table_args__ = (UniqueConstraint("season_id", "role", name="uq_season_files_season_id_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # "results" or "calendar"
    filename: Mapped[str] = mapped_column(String(255))  # for display only; never used as a path
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    season: Mapped[Season] = relationship(back_populates="files")
