"""The season store on real databases: SQLite always, PostgreSQL when QUALIFY_TEST_POSTGRES_URL names a server."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from qualify.store import Store, StoreError, UploadedFile, content_key
from qualify.store.models import Base

SHORT = "short-track-2026"
# Bytes a careless store would change: a BOM, CRLF line ends, non-ASCII names, a trailing line without newline.
AWKWARD = ("\ufeffstage,gender,event,rank,athlete,noc,status\r\n"
           "1,M,500m,1,Émile Ölund,FRA,\r\n1,M,500m,2,Zoë,NED,").encode()


def test_migrations_bring_an_empty_database_to_the_models(store: Store):
    assert store.schema_revision() == store.head_revision() == "0001_seasons"
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_opening_again_migrates_nothing_and_keeps_the_data(store_url: str):
    first = Store.open(store_url)
    first.add_season(SHORT, "a", [UploadedFile("results", "r.csv", b"x")], synthetic=False, races=1, result_rows=1)
    first.close()
    again = Store.open(store_url)
    assert again.schema_revision() == "0001_seasons"
    assert again.counts() == (1, 1)
    again.close()


def test_files_are_kept_byte_for_byte(store: Store):
    record, created = store.add_season(SHORT, "awkward", [UploadedFile("results", "Résultats.csv", AWKWARD)],
                                       synthetic=False, races=1, result_rows=2)
    assert created
    assert store.file_content(record.id, "results") == AWKWARD
    assert record.files[0].size == len(AWKWARD) and record.files[0].filename == "Résultats.csv"


def test_the_same_files_are_stored_once(store: Store):
    files = [UploadedFile("results", "results.csv", AWKWARD), UploadedFile("calendar", "cal.csv", b"race\n")]
    first, created = store.add_season(SHORT, "first", files, synthetic=False, races=1, result_rows=2)
    renamed = [UploadedFile("calendar", "other-name.csv", b"race\n"), UploadedFile("results", "x.csv", AWKWARD)]
    second, created_again = store.add_season(SHORT, "second label", renamed, synthetic=False, races=1, result_rows=2)
    assert created and not created_again
    assert second.id == first.id and second.label == "first"
    assert store.counts() == (1, 2)
    # Other bytes, or the same bytes for another system, are another season.
    changed = [UploadedFile("results", "results.csv", AWKWARD + b"\n")]
    assert store.add_season(SHORT, "changed", changed, synthetic=False, races=1, result_rows=2)[1]
    assert content_key("other-system", files) != content_key(SHORT, files)


def test_a_failing_upload_leaves_nothing_behind(store: Store):
    # Two files with the same role break a constraint after the season row was written: all of it rolls back.
    clash = [UploadedFile("results", "a.csv", b"a"), UploadedFile("results", "b.csv", b"b")]
    with pytest.raises(IntegrityError):
        store.add_season(SHORT, "clash", clash, synthetic=False, races=1, result_rows=1)
    assert store.counts() == (0, 0)
    assert store.seasons() == []


def test_unusable_store_urls_are_one_clear_error(tmp_path):
    with pytest.raises(StoreError, match="expected an SQLAlchemy URL"):
        Store.open("nonsense://")
    with pytest.raises(StoreError, match="cannot open or migrate"):
        Store.open("postgresql+psycopg://nobody:wrong@127.0.0.1:1/none")


def test_a_plain_path_means_a_sqlite_file(tmp_path):
    opened = Store.open(str(tmp_path / "sub" / "seasons.db"))
    assert opened.engine.dialect.name == "sqlite" and (tmp_path / "sub" / "seasons.db").exists()
    opened.close()
