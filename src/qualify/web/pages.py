"""The HTML pages: systems, Summary and Breakdown, ranking lists, an NOC's story, what-if, seasons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from qualify.errors import InputError, Problem
from qualify.web import exports, views
from qualify.web.links import query_string
from qualify.web.scenarios import NotFound, Outcome, Scenarios
from qualify.web.security import token_matches
from qualify.web.settings import WebSettings
from qualify.web.uploads import store_season

router = APIRouter(include_in_schema=False)

MAX_ID = 2**31 - 1
SystemId = Annotated[str, Path(max_length=100)]
SeasonQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
DeclineQuery = Annotated[list[str] | None, Query(max_length=50)]


def _scenarios(request: Request) -> Scenarios:
    scenarios: Scenarios = request.app.state.scenarios
    return scenarios


def _page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(request, template, context, status_code=status)


async def _cached(request: Request, build: Callable[[], Response]) -> Response:
    """Serve a rendered page from the page cache, rendering it (off the event loop) on a miss."""
    scenarios = _scenarios(request)
    # generation() reads the store at most once a second: cheap enough to call on the event loop.
    key = (request.url.path, tuple(sorted(request.query_params.multi_items())), scenarios.generation())
    found = scenarios.pages.get(key)
    if found is None:
        response = await run_in_threadpool(build)
        found = (response.status_code, bytes(response.body))
        scenarios.pages.put(key, *found)
    return HTMLResponse(found[1], status_code=found[0])


def _scenario_context(request: Request, outcome: Outcome, active: str) -> dict[str, Any]:
    season = outcome.source.season
    nocs = {row.noc: row.name for row in outcome.summary.rows}
    for view in views.list_views(outcome):
        nocs.update({e.entry.noc: e.name for e in view.entries})
    return {
        "system": outcome.system, "outcome": outcome, "source": outcome.source, "active": active,
        "season_id": season.id if season else None,
        "declines": [d.text for d in outcome.declines],
        "noc_choices": sorted(nocs.items(), key=lambda item: (item[1].lower(), item[0])),
        "warnings": outcome.allocation.warnings,
        "seasons": request.app.state.store.seasons(outcome.system.id),
    }


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> Response:
    return await _cached(request, lambda: _index(request))


def _index(request: Request) -> Response:
    scenarios = _scenarios(request)
    rows = []
    for system in scenarios.systems:
        rows.append({"system": system, "events": len(system.events), "places": system.total_places,
                     "seasons": len(request.app.state.store.seasons(system.id))})
    return _page(request, "index.html", {"rows": rows, "active": "systems"})


@router.get("/systems/{system_id}", response_class=HTMLResponse)
async def system_page(request: Request, system_id: SystemId, season: SeasonQuery = None,
                      decline: DeclineQuery = None) -> Response:
    return await _cached(request, lambda: _system_page(request, system_id, season, decline))


def _system_page(request: Request, system_id: str, season: int | None, decline: list[str] | None) -> Response:
    outcome = _scenarios(request).outcome(system_id, season, decline or [])
    summary = outcome.summary
    context = _scenario_context(request, outcome, "summary")
    context.update(header=views.summary_header(summary.columns), starts=views.group_starts(summary.columns),
                   summary=summary, breakdown=outcome.breakdown, formats=exports.ALLOCATION_FORMATS,
                   format_labels=exports.FORMAT_LABELS, changed={})
    return _page(request, "system.html", context)


@router.get("/systems/{system_id}/lists", response_class=HTMLResponse)
async def lists_page(request: Request, system_id: SystemId, season: SeasonQuery = None,
                     decline: DeclineQuery = None) -> Response:
    return await _cached(request, lambda: _lists_page(request, system_id, season, decline))


def _lists_page(request: Request, system_id: str, season: int | None, decline: list[str] | None) -> Response:
    outcome = _scenarios(request).outcome(system_id, season, decline or [])
    context = _scenario_context(request, outcome, "lists")
    context.update(lists=views.list_views(outcome), formats=exports.LIST_FORMATS,
                   next_in_line=views.NEXT_IN_LINE)
    return _page(request, "lists.html", context)


@router.get("/systems/{system_id}/noc", response_class=HTMLResponse)
def noc_chooser(request: Request, system_id: SystemId, noc: Annotated[str, Query(max_length=40)] = "",
                season: SeasonQuery = None, decline: DeclineQuery = None) -> Response:
    """The NOC picker's target (a plain GET form): on to the NOC's page."""
    scenarios = _scenarios(request)
    scenarios.system(system_id)
    code = noc.strip().upper()
    if code not in scenarios.nocs:
        raise NotFound(f"unknown NOC code '{noc}'")
    return RedirectResponse(f"/systems/{system_id}/nocs/{code}{query_string(season, decline or [])}", 303)


@router.get("/systems/{system_id}/nocs/{noc}", response_class=HTMLResponse)
async def noc_page(request: Request, system_id: SystemId, noc: Annotated[str, Path(max_length=40)],
                   season: SeasonQuery = None, decline: DeclineQuery = None) -> Response:
    return await _cached(request, lambda: _noc_page(request, system_id, noc, season, decline))


def _noc_page(request: Request, system_id: str, noc: str, season: int | None,
              decline: list[str] | None) -> Response:
    scenarios = _scenarios(request)
    code = noc.upper()
    if code not in scenarios.nocs:
        raise NotFound(f"unknown NOC code '{noc}'")
    outcome = scenarios.outcome(system_id, season, decline or [])
    summary = outcome.summary
    row = next((r for r in summary.rows if r.noc == code), None)
    appearances = [(view, entry) for view in views.list_views(outcome) for entry in view.entries
                   if entry.entry.noc == code]
    context = _scenario_context(request, outcome, "noc")
    if all(choice != code for choice, _ in context["noc_choices"]):
        context["noc_choices"] = sorted([*context["noc_choices"], (code, scenarios.nocs.name(code))],
                                        key=lambda item: (item[1].lower(), item[0]))
    context.update(code=code, name=scenarios.nocs.name(code), stories=views.story_views(outcome, code),
                   row=row, header=views.summary_header(summary.columns), starts=views.group_starts(summary.columns),
                   summary=summary, appearances=appearances, changed={})
    return _page(request, "noc.html", context)


@router.get("/systems/{system_id}/whatif", response_class=HTMLResponse)
async def whatif_page(request: Request, system_id: SystemId, season: SeasonQuery = None,
                      decline: DeclineQuery = None) -> Response:
    return await _cached(request, lambda: _whatif_page(request, system_id, season, decline))


def _whatif_page(request: Request, system_id: str, season: int | None, decline: list[str] | None) -> Response:
    scenarios = _scenarios(request)
    base = scenarios.outcome(system_id, season, [])
    chosen = [d for d in decline or [] if d.strip()]
    problems: list = []
    outcome = base
    if chosen:
        try:
            outcome = scenarios.outcome(system_id, season, chosen)
        except InputError as exc:
            problems = exc.problems
    diff = views.what_if(base, outcome)
    context = _scenario_context(request, outcome, "whatif")
    context.update(declines=chosen, problems=problems, base=base, diff=diff,
                   options=views.decline_options(outcome if not problems else base),
                   header=views.summary_header(outcome.summary.columns),
                   starts=views.group_starts(outcome.summary.columns), summary=outcome.summary,
                   changed=diff.changed, formats=exports.ALLOCATION_FORMATS, format_labels=exports.FORMAT_LABELS)
    return _page(request, "whatif.html", context, 422 if problems else 200)


Table = Literal["allocation", "summary", "lists"]


@router.get("/systems/{system_id}/downloads/{table}.{fmt}")
def download(request: Request, system_id: SystemId, table: Table, fmt: Annotated[str, Path(max_length=10)],
             season: SeasonQuery = None, decline: DeclineQuery = None) -> Response:
    return download_response(_scenarios(request), system_id, table, fmt, season, decline or [])


def download_response(scenarios: Scenarios, system_id: str, table: str, fmt: str, season: int | None,
                      declines: list[str]) -> Response:
    allowed = {"allocation": exports.ALLOCATION_FORMATS, "summary": ("csv",), "lists": exports.LIST_FORMATS}
    if table not in allowed or fmt not in allowed[table]:
        raise NotFound(f"no download '{table}.{fmt}': {table} comes as {', '.join(allowed.get(table, ()))}")
    outcome = scenarios.outcome(system_id, season, declines)
    if table == "allocation":
        content = exports.allocation_download(outcome, fmt)
    elif table == "summary":
        content = exports.summary_csv(outcome)
    else:
        content = exports.lists_download(outcome, fmt)
    suffix = f"-season{season}" if season else ""
    suffix += "-whatif" if declines else ""
    name = f"{system_id}{suffix}-{table}.{exports.EXTENSIONS[fmt]}"
    return Response(content, media_type=exports.MEDIA_TYPES[fmt],
                    headers={"content-disposition": f'attachment; filename="{name}"'})


# --- seasons --------------------------------------------------------------------------------------------------

def _seasons_context(request: Request) -> dict[str, Any]:
    settings: WebSettings = request.app.state.settings
    scenarios = _scenarios(request)
    return {"active": "seasons", "seasons": request.app.state.store.seasons(),
            "season_systems": scenarios.season_systems(), "needs_token": settings.token is not None,
            "max_upload": settings.max_upload_bytes, "problems": [], "form": {}}


@router.get("/seasons", response_class=HTMLResponse)
def seasons_page(request: Request) -> Response:
    return _page(request, "seasons.html", _seasons_context(request))


@router.post("/seasons", response_class=HTMLResponse)
async def upload_page(request: Request) -> Response:
    settings: WebSettings = request.app.state.settings
    form = await request.form(max_files=4, max_fields=10)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    context = _seasons_context(request)
    context["form"] = {"system": fields.get("system", ""), "label": fields.get("label", "")}
    if not token_matches(settings.token, fields.get("token")):
        context["problems"] = [Problem("token", "found a missing or wrong write token, expected the token the "
                                                 "server was started with (QUALIFY_TOKEN)")]
        return _page(request, "seasons.html", context, 403)
    files: dict[str, tuple[str | None, bytes]] = {}
    for role in ("results", "calendar"):
        value = form.get(role)
        if isinstance(value, UploadFile):
            files[role] = (value.filename, await value.read())
    try:
        result = await run_in_threadpool(store_season, _scenarios(request), fields.get("system", ""),
                                         fields.get("label"), files)
    except InputError as exc:
        context["problems"] = exc.problems[:InputError.MAX_REPORTED]
        context["more_problems"] = max(0, len(exc.problems) - InputError.MAX_REPORTED)
        return _page(request, "seasons.html", context, 422)
    state = "new" if result.created else "existing"
    return RedirectResponse(f"/seasons/{result.season.id}?{state}=1", 303)


@router.get("/seasons/{season_id}", response_class=HTMLResponse)
def season_page(request: Request, season_id: Annotated[int, Path(ge=1, le=MAX_ID)], new: int = 0,
                existing: int = 0) -> Response:
    season = request.app.state.store.season(season_id)
    if season is None:
        raise NotFound(f"no season {season_id} in the store")
    return _page(request, "season.html", {"active": "seasons", "season": season, "new": bool(new),
                                          "existing": bool(existing)})


@router.get("/seasons/{season_id}/files/{role}")
def season_file(request: Request, season_id: Annotated[int, Path(ge=1, le=MAX_ID)],
                role: Literal["results", "calendar"]) -> Response:
    season = request.app.state.store.season(season_id)
    record = next((f for f in season.files if f.role == role), None) if season else None
    content = request.app.state.store.file_content(season_id, role) if record else None
    if season is None or record is None or content is None:
        raise NotFound(f"season {season_id} has no {role} file")
    return Response(content, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="season{season_id}-{role}.csv"'})


@router.get("/api", response_class=HTMLResponse)
def api_page(request: Request) -> Response:
    schema = request.app.openapi()
    endpoints = []
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            endpoints.append({"method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                              "description": operation.get("description", ""),
                              "parameters": [p.get("name") for p in operation.get("parameters", [])]})
    return _page(request, "api.html", {"active": "api", "endpoints": endpoints, "schema": schema})
