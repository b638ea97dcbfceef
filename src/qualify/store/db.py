"""The season store: SQLite by default, PostgreSQL (or any SQLAlchemy URL) by ``--store``.

Seasons are written in one transaction each and keyed by a hash of their content, so a failed upload leaves
nothing behind and uploading the same files again returns the season already stored. The schema is brought
up to date with Alembic when the store is opened (:meth:`Store.open`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from qualify.store.models import Season, SeasonFile

DEFAULT_FILENAME = "seasons.sqlite3"


class StoreError(Exception):
    """The store URL is unusable or the database cannot be reached (reported without a traceback)."""


def default_store_url() -> str:
    """A SQLite file in the user's data directory (e.g. ~/.local/share/qualify/seasons.sqlite3)."""
    return f"sqlite:///{Path(user_data_dir('qualify', appauthor=False)) / DEFAULT_FILENAME}"


def store_url(text: str | None) -> str:
    """``--store`` accepts an SQLAlchemy URL, or a plain file path meaning a SQLite file there."""
    if text is None:
        return default_store_url()
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    try:
        make_url(text)
    except ArgumentError as exc:
        raise StoreError(f"--store: found '{text}', expected an SQLAlchemy URL such as sqlite:///path.db or "
                         f"postgresql+psycopg://user:password@host/db ({exc})") from None
    return text


def _alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("qualify.store").joinpath("migrations")))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@dataclass(frozen=True)
class UploadedFile:
    role: str  # "results" or "calendar"
    filename: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def content_key(system_id: str, files: Sequence[UploadedFile]) -> str:
    """The identity of an upload: the system and each file's role and bytes (not its name or the label)."""
    digest = hashlib.sha256(system_id.encode("utf-8"))
    for upload in sorted(files, key=lambda f: f.role):
        digest.update(b"\0" + upload.role.encode("utf-8") + b"\0" + upload.sha256.encode("ascii"))
    return digest.hexdigest()


@dataclass(frozen=True)
class SeasonRecord:
    """A stored season, detached from any session (safe to cache and to hand to templates)."""

    id: int
    system_id: str
    label: str
    content_key: str
    synthetic: bool
    races: int
    result_rows: int
    created_at: datetime
    files: tuple[FileRecord, ...]


@dataclass(frozen=True)
class FileRecord:
    role: str
    filename: str
    sha256: str
    size: int


def _record(season: Season) -> SeasonRecord:
    return SeasonRecord(season.id, season.system_id, season.label, season.content_key, season.synthetic,
                        season.races, season.result_rows, season.created_at,
                        tuple(FileRecord(f.role, f.filename, f.sha256, f.size) for f in season.files))


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True) -> Store:
        """Connect (creating the SQLite folder if needed) and, by default, apply pending migrations."""
        resolved = store_url(url)
        parsed = make_url(resolved)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        shown = parsed.render_as_string(hide_password=True)
        try:
            engine = create_engine(resolved, pool_pre_ping=True)
        except ImportError as exc:
            raise StoreError(f"--store: found '{shown}', whose database driver is not installed ({exc}); for "
                             "PostgreSQL: pip install 'qualify[postgres]'") from None
        except ArgumentError as exc:
            raise StoreError(f"--store: found '{shown}', expected an SQLAlchemy URL such as sqlite:///path.db or "
                             f"postgresql+psycopg://user:password@host/db ({exc})") from None
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        store = cls(engine)
        if migrate:
            store.migrate()
        return store

    def migrate(self) -> None:
        """Apply every pending Alembic migration (idempotent: a current schema is left as it is)."""
        config = _alembic_config(self.engine.url.render_as_string(hide_password=False))
        try:
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except Exception as exc:  # an unreachable server or a refused login: one clear line, no traceback
            if isinstance(exc, StoreError):
                raise
            safe = self.engine.url.render_as_string(hide_password=True)
            raise StoreError(f"store {safe}: cannot open or migrate the database: "
                             f"{str(exc).splitlines()[0]}") from exc

    def schema_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(_alembic_config(str(self.engine.url))).get_current_head()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def add_season(self, system_id: str, label: str, files: Sequence[UploadedFile], *, synthetic: bool,
                   races: int, result_rows: int) -> tuple[SeasonRecord, bool]:
        """Store a validated season in one transaction; returns it and whether it is new.

        The same files for the same system are stored once: a second import returns the first season.
        """
        key = content_key(system_id, files)
        existing = self.season_by_key(key)
        if existing is not None:
            return existing, False
        try:
            with self._sessions.begin() as session:
                season = Season(system_id=system_id, label=label, content_key=key, synthetic=synthetic,
                                races=races, result_rows=result_rows, created_at=datetime.now(UTC))
                session.add(season)
                session.flush()  # the season row first: a file that fails below rolls it back too
                for upload in files:
                    session.add(SeasonFile(season_id=season.id, role=upload.role, filename=upload.filename,
                                           sha256=upload.sha256, size=len(upload.content), content=upload.content))
                session.flush()
                session.refresh(season)
                record = _record(season)
        except IntegrityError:
            # Another request stored the same content between our look-up and our insert.
            again = self.season_by_key(key)
            if again is None:
                raise
            return again, False
        return record, True

    def season_by_key(self, key: str) -> SeasonRecord | None:
        with self._sessions() as session:
            season = session.scalars(select(Season).where(Season.content_key == key)).one_or_none()
            return _record(season) if season is not None else None

    def season(self, season_id: int) -> SeasonRecord | None:
        with self._sessions() as session:
            season = session.get(Season, season_id)
            return _record(season) if season is not None else None

    def seasons(self, system_id: str | None = None) -> list[SeasonRecord]:
        with self._sessions() as session:
            query = select(Season).order_by(Season.id.desc())
            if system_id is not None:
                query = query.where(Season.system_id == system_id)
            return [_record(s) for s in session.scalars(query)]

    def file_content(self, season_id: int, role: str) -> bytes | None:
        with self._sessions() as session:
            return session.scalars(select(SeasonFile.content).where(SeasonFile.season_id == season_id,
                                                                    SeasonFile.role == role)).one_or_none()

    def files(self, season_id: int) -> dict[str, bytes]:
        with self._sessions() as session:
            rows = session.execute(select(SeasonFile.role, SeasonFile.content)
                                   .where(SeasonFile.season_id == season_id)).all()
            return {role: content for role, content in rows}

    def counts(self) -> tuple[int, int]:
        """(seasons, files) stored: what a failed upload must leave unchanged."""
        with self._sessions() as session:
            return (session.scalar(select(func.count()).select_from(Season)) or 0,
                    session.scalar(select(func.count()).select_from(SeasonFile)) or 0)

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
