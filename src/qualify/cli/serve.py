"""`qualify serve`: the web app on the bundled data, with a season store."""

from __future__ import annotations

import os
import secrets
from typing import Annotated

import typer

from qualify.cli.common import app, errors
from qualify.web.settings import DEFAULT_MAX_UPLOAD, TOKEN_ENV, is_loopback

STORE_HELP = ("Season store: an SQLAlchemy URL (sqlite:///file.db, postgresql+psycopg://user:pw@host/db) or a "
              "SQLite file path. Default: seasons.sqlite3 in the user data directory.")


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option("--host", help="Address to bind. Anything but a loopback address needs "
                                                     f"a write token ({TOKEN_ENV}).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    store: Annotated[str | None, typer.Option("--store", help=STORE_HELP)] = None,
    max_upload_mb: Annotated[float, typer.Option("--max-upload-mb", min=0.01, help="Largest upload accepted.")]
    = DEFAULT_MAX_UPLOAD / 1024 / 1024,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes (each keeps its own "
                                                                   "cache).")] = 1,
) -> None:
    """Serve the web app: Summary, Breakdown, ranking lists, NOC stories, what-if, seasons, JSON API."""
    import uvicorn

    from qualify.store import Store, StoreError
    from qualify.web.settings import WebSettings

    token = os.environ.get(TOKEN_ENV) or None
    if token is None and not is_loopback(host):
        token = secrets.token_urlsafe(24)
        os.environ[TOKEN_ENV] = token  # worker processes read it from the environment
        errors.print(f"Binding to {host}: uploads need a write token. {TOKEN_ENV} was not set, so this one was "
                     f"made for this run:\n  {token}\nSend it as 'Authorization: Bearer TOKEN' (API) or type it "
                     "into the upload form.", markup=False, highlight=False)
    settings = WebSettings(store_url=store, token=token, max_upload_bytes=int(max_upload_mb * 1024 * 1024))
    try:
        opened = Store.open(settings.store_url)  # migrations run here, once, before any worker starts
    except StoreError as exc:
        errors.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(code=2) from None
    safe_url = opened.engine.url.render_as_string(hide_password=True)
    errors.print(f"qualify: store {safe_url} (schema {opened.schema_revision()}); http://{host}:{port}/",
                 markup=False, highlight=False, soft_wrap=True)
    if workers == 1:
        from qualify.web.app import create_app
        uvicorn.run(create_app(settings, store=opened), host=host, port=port, log_level="warning")
        return
    opened.close()
    os.environ["QUALIFY_STORE"] = settings.store_url or ""
    os.environ["QUALIFY_MAX_UPLOAD"] = str(settings.max_upload_bytes)
    uvicorn.run("qualify.web.app:app_from_environment", factory=True, host=host, port=port, workers=workers,
                log_level="warning")
