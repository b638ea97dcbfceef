"""The season store: uploaded seasons kept in a database (SQLite by default, PostgreSQL by URL)."""

from qualify.store.db import (
    FileRecord,
    SeasonRecord,
    Store,
    StoreError,
    UploadedFile,
    content_key,
    default_store_url,
    store_url,
)

__all__ = ["FileRecord", "SeasonRecord", "Store", "StoreError", "UploadedFile", "content_key",
           "default_store_url", "store_url"]
