"""The HTML pages: systems, Summary and Breakdown, ranking lists, an NOC's story, what-if, seasons, and a stored
season race by race (standings as of a race, what changed between two races, the timeline)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from qualify.errors import InputError, Problem
from qualify.web import charts, exports, season_views, views
from qualify.web.links import query_string
from qualify.web.scenarios import Changes, NotFound, Outcome, Scenarios
from qualify.web.security import token_matches
from qualify.web.settings import WebSettings
from qualify.web.uploads import store_season

router = APIRouter(include_in_schema=False)

MAX_ID = 2**31 - 1
SystemId = Annotated[str, Path(max_length=100)]
SeasonQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
DeclineQuery = Annotated[list[str] | None, Query(max_length=50)]
AsOfQuery = Annotated[str | None, Query(max_length=100, description="A race of the season (its id in calendar.csv): "
                                        "the standing after it. Default: the last race with results.")]
FromQuery = Annotated[str | None, Query(alias="from", max_length=100, description="The earlier race (default: the "
                                        "race before `to`).")]
ToQuery = Annotated[str | None, Query(max_length=100, description="The later race (default: the last race with "
                                      "results).")]


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
    race = season_views.race_context(outcome.source)
    return {
        "system": outcome.system, "outcome": outcome, "source": outcome.source, "active": active,
        "season_id": season.id if season else None,
        "as_of": race.race.id if race else None, "race": race,
        "doubtful_tables": season_views.doubtful_tables(outcome.source.stored) if outcome.source.stored else [],
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
                      decline: DeclineQuery = None, as_of: AsOfQuery = None) -> Response:
    return await _cached(request, lambda: _system_page(request, system_id, season, decline, as_of))


def _system_page(request: Request, system_id: str, season: int | None, decline: list[str] | None,
                 as_of: str | None) -> Response:
    outcome = _scenarios(request).outcome(system_id, season, decline or [], as_of)
    summary = outcome.summary
    context = _scenario_context(request, outcome, "summary")
    context.update(header=views.summary_header(summary.columns), starts=views.group_starts(summary.columns),
                   summary=summary, breakdown=outcome.breakdown, formats=exports.ALLOCATION_FORMATS,
                   format_labels=exports.FORMAT_LABELS, changed={})
    return _page(request, "system.html", context)


@router.get("/systems/{system_id}/lists", response_class=HTMLResponse)
async def lists_page(request: Request, system_id: SystemId, season: SeasonQuery = None,
                     decline: DeclineQuery = None, as_of: AsOfQuery = None) -> Response:
    return await _cached(request, lambda: _lists_page(request, system_id, season, decline, as_of))


def _lists_page(request: Request, system_id: str, season: int | None, decline: list[str] | None,
                as_of: str | None) -> Response:
    outcome = _scenarios(request).outcome(system_id, season, decline or [], as_of)
    context = _scenario_context(request, outcome, "lists")
    context.update(lists=views.list_views(outcome), formats=exports.LIST_FORMATS,
                   next_in_line=views.NEXT_IN_LINE)
    return _page(request, "lists.html", context)


@router.get("/systems/{system_id}/noc", response_class=HTMLResponse)
def noc_chooser(request: Request, system_id: SystemId, noc: Annotated[str, Query(max_length=40)] = "",
                season: SeasonQuery = None, decline: DeclineQuery = None, as_of: AsOfQuery = None) -> Response:
    """The NOC picker's target (a plain GET form): on to the NOC's page."""
    scenarios = _scenarios(request)
    scenarios.system(system_id)
    code = noc.strip().upper()
    if code not in scenarios.nocs:
        raise NotFound(f"unknown NOC code '{noc}'")
    return RedirectResponse(f"/systems/{system_id}/nocs/{code}{query_string(season, decline or [], as_of)}", 303)


@router.get("/systems/{system_id}/nocs/{noc}", response_class=HTMLResponse)
async def noc_page(request: Request, system_id: SystemId, noc: Annotated[str, Path(max_length=40)],
                   season: SeasonQuery = None, decline: DeclineQuery = None, as_of: AsOfQuery = None) -> Response:
    return await _cached(request, lambda: _noc_page(request, system_id, noc, season, decline, as_of))


def _noc_page(request: Request, system_id: str, noc: str, season: int | None,
              decline: list[str] | None, as_of: str | None) -> Response:
    scenarios = _scenarios(request)
    code = noc.upper()
    if code not in scenarios.nocs:
        raise NotFound(f"unknown NOC code '{noc}'")
    outcome = scenarios.outcome(system_id, season, decline or [], as_of)
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
                      decline: DeclineQuery = None, as_of: AsOfQuery = None) -> Response:
    return await _cached(request, lambda: _whatif_page(request, system_id, season, decline, as_of))


def _whatif_page(request: Request, system_id: str, season: int | None, decline: list[str] | None,
                 as_of: str | None) -> Response:
    scenarios = _scenarios(request)
    base = scenarios.outcome(system_id, season, [], as_of)
    chosen = [d for d in decline or [] if d.strip()]
    problems: list = []
    outcome = base
    if chosen:
        try:
            outcome = scenarios.outcome(system_id, season, chosen, as_of)
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


Table = Literal["allocation", "summary", "lists", "standings", "changes"]


@router.get("/systems/{system_id}/downloads/{table}.{fmt}")
def download(request: Request, system_id: SystemId, table: Table, fmt: Annotated[str, Path(max_length=10)],
             season: SeasonQuery = None, decline: DeclineQuery = None, as_of: AsOfQuery = None,
             from_race: FromQuery = None, to: ToQuery = None) -> Response:
    return download_response(_scenarios(request), system_id, table, fmt, season, decline or [], as_of, from_race, to)


def download_response(scenarios: Scenarios, system_id: str, table: str, fmt: str, season: int | None,
                      declines: list[str], as_of: str | None = None, from_race: str | None = None,
                      to_race: str | None = None) -> Response:
    allowed = {"allocation": exports.ALLOCATION_FORMATS, "summary": ("csv",), "lists": exports.LIST_FORMATS,
               "standings": exports.SEASON_FORMATS, "changes": exports.SEASON_FORMATS}
    if table not in allowed or fmt not in allowed[table]:
        raise NotFound(f"no download '{table}.{fmt}': {table} comes as {', '.join(allowed.get(table, ()))}")
    if table in ("standings", "changes"):
        if season is None:
            raise _needs_season(table)
        if declines:
            raise InputError.single("decline", f"found declines, expected none: the {table} of a season are "
                                               "computed without declines (as `qualify standings` and `diff`)")
    if table == "changes":
        assert season is not None
        changes = scenarios.changes(system_id, season, from_race, to_race)
        content = exports.changes_download(changes, fmt)
        before, after = changes.before.as_of, changes.after.as_of
        assert before is not None and after is not None
        name = f"{system_id}-season{season}-changes-{before.id}-to-{after.id}.{exports.EXTENSIONS[fmt]}"
    else:
        outcome = scenarios.outcome(system_id, season, declines, as_of)
        race = outcome.source.as_of
        if table == "standings":
            content = exports.standings_download(outcome, fmt)
        elif table == "allocation":
            content = exports.allocation_download(outcome, fmt)
        elif table == "summary":
            content = exports.summary_csv(outcome)
        else:
            content = exports.lists_download(outcome, fmt)
        suffix = f"-season{season}" if season else ""
        suffix += f"-after-{race.id}" if race is not None else ""
        suffix += "-whatif" if declines else ""
        name = f"{system_id}{suffix}-{table}.{exports.EXTENSIONS[fmt]}"
    return Response(content, media_type=exports.MEDIA_TYPES[fmt],
                    headers={"content-disposition": f'attachment; filename="{_safe_name(name)}"'})


def _safe_name(name: str) -> str:
    """Race ids come from the user's calendar: keep the download's file name to plain characters."""
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in name)


def _needs_season(what: str) -> InputError:
    return InputError.single("season", f"found no season, expected season=N: the {what} are computed from a "
                                       "stored season (upload one on the Seasons page)")


# --- a stored season race by race ---------------------------------------------------------------------------

@router.get("/systems/{system_id}/standings", response_class=HTMLResponse)
async def standings_page(request: Request, system_id: SystemId, season: SeasonQuery = None,
                         as_of: AsOfQuery = None) -> Response:
    return await _cached(request, lambda: _standings_page(request, system_id, season, as_of))


def _standings_page(request: Request, system_id: str, season: int | None, as_of: str | None) -> Response:
    scenarios = _scenarios(request)
    scenarios.system(system_id)
    if season is None:
        raise _needs_season("standings")
    outcome = scenarios.outcome(system_id, season, [], as_of)
    summary = outcome.summary
    context = _scenario_context(request, outcome, "standings")
    standing = outcome.source.standing
    assert standing is not None
    context.update(header=views.summary_header(summary.columns), starts=views.group_starts(summary.columns),
                   summary=summary, breakdown=outcome.breakdown, lists=views.list_views(outcome),
                   season_warnings=standing.warnings, formats=exports.ALLOCATION_FORMATS,
                   format_labels=exports.FORMAT_LABELS, season_formats=exports.SEASON_FORMATS,
                   season_format_labels=exports.SEASON_FORMAT_LABELS, list_formats=exports.LIST_FORMATS,
                   next_in_line=views.NEXT_IN_LINE, changed={})
    return _page(request, "standings.html", context)


@router.get("/systems/{system_id}/changes", response_class=HTMLResponse)
async def changes_page(request: Request, system_id: SystemId, season: SeasonQuery = None,
                       from_race: FromQuery = None, to: ToQuery = None) -> Response:
    return await _cached(request, lambda: _changes_page(request, system_id, season, from_race, to))


def _changes_page(request: Request, system_id: str, season: int | None, from_race: str | None,
                  to: str | None) -> Response:
    scenarios = _scenarios(request)
    scenarios.system(system_id)
    if season is None:
        raise _needs_season("changes")
    stored = scenarios.stored_season(system_id, season)
    after = stored.race(to, "to")
    problems: list[Problem] = []
    changes: Changes | None = None
    try:
        changes = scenarios.changes(system_id, season, from_race, after.id)
    except InputError as exc:
        problems = exc.problems
    later = scenarios.outcome_of(changes.after if changes is not None else scenarios.source_at(stored, after))
    context = _scenario_context(request, later, "changes")
    context.update(changes=changes, problems=problems, choices=season_views.race_choices(stored),
                   to_race=after, from_race=changes.before.as_of if changes else None,
                   header=views.summary_header(later.summary.columns),
                   starts=views.group_starts(later.summary.columns), summary=later.summary, changed={},
                   season_formats=exports.SEASON_FORMATS, season_format_labels=exports.SEASON_FORMAT_LABELS)
    if changes is not None:
        earlier = scenarios.outcome_of(changes.before)
        context.update(groups=season_views.change_views(changes, scenarios.nocs),
                       dropped=season_views.dropped_rows(earlier, later),
                       counts=season_views.change_counts(changes),
                       changed=views.what_if(earlier, later).changed, diff_header=changes.cached(
                           "header", lambda: exports.diff_header_text(changes)))
    return _page(request, "changes.html", context, 422 if problems else 200)


@router.get("/systems/{system_id}/timeline", response_class=HTMLResponse)
async def timeline_page(request: Request, system_id: SystemId, season: SeasonQuery = None,
                        column: Annotated[str | None, Query(max_length=40)] = None,
                        noc: Annotated[str | None, Query(max_length=40)] = None) -> Response:
    return await _cached(request, lambda: _timeline_page(request, system_id, season, column, noc))


def _timeline_page(request: Request, system_id: str, season: int | None, column: str | None,
                   noc: str | None) -> Response:
    scenarios = _scenarios(request)
    system = scenarios.system(system_id)
    if season is None:
        raise _needs_season("timeline")
    keys = [c.key for c in system.summary]
    if column is not None and column not in keys:
        raise InputError.single("column", f"found '{column}', expected a Summary column: {', '.join(keys)}")
    code = noc.strip().upper() if noc and noc.strip() else None
    if code is not None and code not in scenarios.nocs:
        raise NotFound(f"unknown NOC code '{noc}'")
    stored = scenarios.stored_season(system_id, season)
    line = season_views.timeline(scenarios, stored, column)
    last = line.races[-1].outcome
    context = _scenario_context(request, scenarios.outcome_of(scenarios.source_at(stored, stored.race(None))),
                                "timeline")
    names = [race.choice.race.id for race in line.races]
    context.update(timeline=line, noc=code, noc_name=scenarios.nocs.name(code) if code else None, race_ids=names,
                   last=last)
    if code is not None:
        places, lists = season_views.noc_progress(line, code)
        context.update(places_chart=charts.progression_chart(
            names, places, title=f"{scenarios.nocs.name(code)}: places after each race", integers=True, steps=True),
            list_charts=[(progress, charts.progression_chart(
                names, progress.series, title=f"{progress.title}: {code}'s best entry against the cut (points)"))
                for progress in lists if progress.has_points],
            rank_lists=[progress for progress in lists if not progress.has_points])
    return _page(request, "timeline.html", context)


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
