"""The FastAPI application: server-rendered pages and a JSON API over the same cached computations."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from qualify import __version__
from qualify.errors import InputError
from qualify.store import Store
from qualify.web import charts, views
from qualify.web.links import query_string
from qualify.web.scenarios import NotFound, Scenarios
from qualify.web.security import LimitsMiddleware
from qualify.web.settings import WebSettings

PACKAGE = Path(str(resources.files("qualify.web")))


def create_app(settings: WebSettings | None = None, *, store: Store | None = None) -> FastAPI:
    settings = settings or WebSettings()
    store = store or Store.open(settings.store_url)
    app = FastAPI(
        title="qualify",
        version=__version__,
        summary="Olympic qualification: quota allocations, explanations, what-if, and seasons race by race.",
        description="The JSON API of `qualify serve`. An allocation is the document `qualify allocate "
                    "--format json` prints (see the README's JSON contract). Uploads need the write token as "
                    "`Authorization: Bearer TOKEN` when the server has one (`QUALIFY_TOKEN`).",
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN: /api lists the endpoints instead
    )
    app.state.settings = settings
    app.state.store = store
    app.state.scenarios = Scenarios(store)
    templates = Jinja2Templates(directory=str(PACKAGE / "templates"))
    templates.env.globals.update(query_string=query_string, cell_text=views.cell_text,
                                 points_charts=charts.points_charts, next_in_line_count=views.NEXT_IN_LINE,
                                 version=__version__)
    templates.env.filters["points"] = _points
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(PACKAGE / "static")), name="static")
    app.add_middleware(LimitsMiddleware, max_body=settings.max_upload_bytes)

    from qualify.web import api, pages  # the routers use the app state set above
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _error(request, 404, str(exc), [])

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> Response:
        return _error(request, 422, "the input was not accepted", exc.problems[:InputError.MAX_REPORTED])

    return app


def _points(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.1f}" if value != int(value) else f"{int(value)}"


def _error(request: Request, status: int, message: str, problems: list) -> Response:
    if request.url.path.startswith("/api/"):
        body: dict = {"detail": message}
        if problems:
            body["problems"] = [{"file": p.source, "row": p.row, "field": p.field, "key_path": p.key_path,
                                 "message": p.message} for p in problems]
        return JSONResponse(body, status_code=status)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html", {"status": status, "message": message,
                                                              "problems": problems}, status_code=status)


def app_from_environment() -> FastAPI:
    """For `qualify serve --workers N`: each worker process builds its app from the settings in its environment."""
    import os

    from qualify.web.settings import DEFAULT_MAX_UPLOAD, TOKEN_ENV

    return create_app(WebSettings(store_url=os.environ.get("QUALIFY_STORE") or None,
                                  token=os.environ.get(TOKEN_ENV) or None,
                                  max_upload_bytes=int(os.environ.get("QUALIFY_MAX_UPLOAD", DEFAULT_MAX_UPLOAD))),
                      store=None)
