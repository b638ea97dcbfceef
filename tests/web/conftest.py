"""Fixtures for the web app: an app on a private SQLite store, real PostgreSQL when configured, a synthetic
season, and (in test_browser) one served app and one browser for the whole session.

Environment:
  QUALIFY_TEST_POSTGRES_URL   e.g. postgresql+psycopg://qualify:qualify@127.0.0.1:5432/qualify_test: the store
                              tests also run against this server (required when set; skipped when unset).
  QUALIFY_REQUIRE_BROWSER=1   browser tests fail instead of skipping when Chromium or Playwright is missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qualify.ranking.synth import synthesize
from qualify.store import Store
from qualify.web.app import create_app
from qualify.web.settings import WebSettings

POSTGRES_ENV = "QUALIFY_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def season_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic short-track season (what `qualify synth short-track-2026 --seed 7 --out DIR` writes)."""
    folder = tmp_path_factory.mktemp("season7")
    synthesize(7, folder)
    return folder


@pytest.fixture(scope="session")
def season_results(season_dir: Path) -> bytes:
    """The season's results in the short-track stage format (a ``stage`` column, the bundled calendar), which
    needs no calendar.csv beside it; the synthetic races are numbered like the stages."""
    text = (season_dir / "results.csv").read_text(encoding="utf-8")
    assert "\nrace,gender,event," in text
    return text.replace("\nrace,gender,event,", "\nstage,gender,event,", 1).encode("utf-8")


def _reset_postgres(url: str) -> None:
    """Drop what earlier runs left, so migrations start from an empty database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS season_files, seasons, alembic_version CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on SQLite and, when QUALIFY_TEST_POSTGRES_URL is set, on a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"PostgreSQL store tests need {POSTGRES_ENV} (a real server; .ci/run sets one up)")
    _reset_postgres(url)
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = Store.open(store_url)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def shared_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app (and its caches) for the read-only page and API tests of a module."""
    path = tmp_path_factory.mktemp("store") / "store.sqlite3"
    store = Store.open(f"sqlite:///{path}")
    with TestClient(create_app(WebSettings(), store=store)) as client:
        yield client
    store.close()


@pytest.fixture
def client(sqlite_store: Store) -> Iterator[TestClient]:
    """A fresh app on an empty store, for tests that upload."""
    with TestClient(create_app(WebSettings(), store=sqlite_store)) as test_client:
        yield test_client


@pytest.fixture
def invoke():
    """Run ``qualify ARGS`` in-process (stdout and stderr apart), to compare the app with the CLI."""
    from typer.testing import CliRunner

    from qualify.cli import app

    runner = CliRunner(env={"COLUMNS": "250"})
    return lambda *args: runner.invoke(app, [str(a) for a in args])
