"""The JSON API. An allocation is the document of `qualify allocate --format json` (``to_json_document``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Header, HTTPException, Path, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from qualify.io.writers import place_record
from qualify.store import SeasonRecord
from qualify.web import exports, season_views, views
from qualify.web.pages import (
    MAX_ID,
    AsOfQuery,
    DeclineQuery,
    FromQuery,
    SeasonQuery,
    SystemId,
    ToQuery,
    download_response,
)
from qualify.web.scenarios import NotFound, Scenarios
from qualify.web.security import bearer, token_matches
from qualify.web.settings import WebSettings
from qualify.web.uploads import store_season

router = APIRouter(prefix="/api")

Document = dict[str, Any]
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown system, season, race or NOC"},
    422: {"description": "Input not accepted: each problem names the file, row and field"},
}


def _scenarios(request: Request) -> Scenarios:
    scenarios: Scenarios = request.app.state.scenarios
    return scenarios


class SystemInfo(BaseModel):
    id: str
    sport: str
    edition: str
    host: str
    events: list[str]
    total_places: int
    accepts_seasons: bool


class FileInfo(BaseModel):
    role: str
    filename: str
    sha256: str
    size: int


class SeasonInfo(BaseModel):
    id: int
    system: str
    label: str
    synthetic: bool
    races: int
    result_rows: int
    created_at: str
    files: list[FileInfo]


class UploadAnswer(BaseModel):
    created: bool
    season: SeasonInfo


def _season_info(season: SeasonRecord) -> SeasonInfo:
    return SeasonInfo(id=season.id, system=season.system_id, label=season.label, synthetic=season.synthetic,
                      races=season.races, result_rows=season.result_rows, created_at=season.created_at.isoformat(),
                      files=[FileInfo(role=f.role, filename=f.filename, sha256=f.sha256, size=f.size)
                             for f in season.files])


class Health(BaseModel):
    status: str
    store_schema: str | None


@router.get("/health", response_model=Health, summary="Liveness, and the store's schema revision")
def health(request: Request) -> Health:
    return Health(status="ok", store_schema=request.app.state.store.schema_revision())


@router.get("/systems", response_model=list[SystemInfo], summary="The bundled qualification systems")
def systems(request: Request) -> list[SystemInfo]:
    scenarios = _scenarios(request)
    season_ids = {s.id for s in scenarios.season_systems()}
    return [SystemInfo(id=s.id, sport=s.sport, edition=s.edition, host=s.host, events=[e.id for e in s.events],
                       total_places=s.total_places, accepts_seasons=s.id in season_ids) for s in scenarios.systems]


@router.get("/systems/{system_id}/allocation", responses=ERRORS,
            summary="The allocation: the same JSON document as `qualify allocate --format json`")
def allocation(request: Request, system_id: SystemId, season: SeasonQuery = None,
               decline: DeclineQuery = None, as_of: AsOfQuery = None) -> Document:
    """``season``: a stored season instead of the bundled data; ``as_of``: the race of that season after which
    it stands (default: the last race with results). ``decline``: NOC:GENDER[:STEP or EVENT], repeatable, as
    `--decline` takes it."""
    return _scenarios(request).outcome(system_id, season, decline or [], as_of).document


@router.get("/systems/{system_id}/lists", responses=ERRORS,
            summary="The ranking lists as the allocation used them, with the cut line and who is next in line")
def lists(request: Request, system_id: SystemId, season: SeasonQuery = None, decline: DeclineQuery = None,
          as_of: AsOfQuery = None) -> Document:
    outcome = _scenarios(request).outcome(system_id, season, decline or [], as_of)
    return outcome.cached("lists-document", lambda: exports.lists_document(outcome))


@router.get("/systems/{system_id}/nocs/{noc}", responses=ERRORS,
            summary="An NOC's places and misses, read from the allocation log (what `qualify explain` says)")
def noc(request: Request, system_id: SystemId, noc: Annotated[str, Path(max_length=40)], season: SeasonQuery = None,
        decline: DeclineQuery = None, as_of: AsOfQuery = None) -> Document:
    scenarios = _scenarios(request)
    code = noc.upper()
    if code not in scenarios.nocs:
        raise NotFound(f"unknown NOC code '{noc}'")
    outcome = scenarios.outcome(system_id, season, decline or [], as_of)
    told = views.explanation(outcome, code)
    stories = views.story_views(outcome, code)
    return {
        "system": outcome.system.id, "noc": code, "name": told.name,
        "stories": [{
            "gender": story.gender.value,
            "headline": view.headline,
            "sentences": [{"text": s.text, "clause": s.clause, "kind": s.tone} for s in view.sentences],
            "places": [place_record(p) for p in story.places],
            "declined": [place_record(p) for p in story.declined],
            "closest_miss": story.closest.model_dump(mode="json") if story.closest else None,
            "misses": [d.model_dump(mode="json") for d in story.misses],
            "lists_absent": story.lists_absent,
        } for story, view in zip(told.stories, stories, strict=True)],
    }


@router.get("/systems/{system_id}/whatif", responses=ERRORS,
            summary="What changes when places are declined: changed Summary cells, places gained and lost")
def whatif(request: Request, system_id: SystemId, season: SeasonQuery = None, decline: DeclineQuery = None,
           as_of: AsOfQuery = None) -> Document:
    scenarios = _scenarios(request)
    base = scenarios.outcome(system_id, season, [], as_of)
    outcome = scenarios.outcome(system_id, season, decline or [], as_of)
    diff = views.what_if(base, outcome)
    after = {(row["noc"], key): row[key] for row in outcome.document["summary"]["rows"]
             for key in outcome.document["summary"]["columns"]}
    return {
        "system": outcome.system.id,
        "declines": [d.text for d in outcome.declines],
        "changed_cells": [{"noc": noc, "column": key, "before": was, "after": after.get((noc, key), 0)}
                          for (noc, key), was in sorted(diff.changed.items())],
        "gained": [place_record(p) for p in diff.gained],
        "lost": [place_record(p) for p in diff.lost],
        "allocation": outcome.document,
    }


@router.get("/systems/{system_id}/downloads/{table}.{fmt}", responses=ERRORS, tags=["downloads"],
            summary="A table as a file: allocation (csv, json, markdown, wikitext, xlsx), summary (csv), "
                    "lists (csv, json, wikitext, xlsx); for a stored season, standings (csv, json, markdown) "
                    "and changes (csv, json, markdown)")
def download(request: Request, system_id: SystemId,
             table: Literal["allocation", "summary", "lists", "standings", "changes"],
             fmt: Literal["csv", "json", "markdown", "wikitext", "xlsx"], season: SeasonQuery = None,
             decline: DeclineQuery = None, as_of: AsOfQuery = None, from_race: FromQuery = None,
             to: ToQuery = None) -> Any:
    """``as_of`` (allocation, summary, lists, standings): the race of the season; ``from`` and ``to`` (changes):
    the two races compared."""
    return download_response(_scenarios(request), system_id, table, fmt, season, decline or [], as_of, from_race,
                             to)


# --- a stored season race by race ----------------------------------------------------------------------------

RequiredSeason = Annotated[int, Query(ge=1, le=MAX_ID, description="A stored season (its number)")]


@router.get("/systems/{system_id}/standings", responses=ERRORS, tags=["seasons"],
            summary="Standings as of a race: the same JSON document as `qualify standings --format json`")
def standings(request: Request, system_id: SystemId, season: RequiredSeason, as_of: AsOfQuery = None) -> Document:
    """The lists (each entry with the results that counted) and the whole allocation as if qualification had
    closed after ``as_of``; ``races`` is the calendar, ``warnings`` the races without results and lists still empty."""
    outcome = _scenarios(request).outcome(system_id, season, [], as_of)
    return exports.standings_document(outcome)


@router.get("/systems/{system_id}/diff", responses=ERRORS, tags=["seasons"],
            summary="What changed between two races: the same JSON document as `qualify diff --format json`")
def season_diff(request: Request, system_id: SystemId, season: RequiredSeason, from_race: FromQuery = None,
                to: ToQuery = None) -> Document:
    """Per NOC, gender and event the places before and after, each change with its causes read from the two
    allocations' logs."""
    return exports.diff_document(_scenarios(request).changes(system_id, season, from_race, to))


@router.get("/systems/{system_id}/timeline", responses=ERRORS, tags=["seasons"],
            summary="A season race by race: per race, what changed since the race before and the Summary counts")
def season_timeline(request: Request, system_id: SystemId, season: RequiredSeason) -> Document:
    scenarios = _scenarios(request)
    stored = scenarios.stored_season(system_id, season)
    line = season_views.timeline(scenarios, stored, None)
    keys = [column.key for column in line.columns]
    document: dict[str, Any] = {"notice": stored.season.notice} if stored.season.notice else {}
    document.update({"system": system_id, "season": season, "columns": keys, "races": [{
        "race": entry.choice.race.id, "date": entry.choice.race.date.isoformat(), "name": entry.choice.race.name,
        "kind": entry.choice.race.kind, "results": entry.choice.held, "result_rows": entry.choice.results,
        "changed": entry.changed, "held_through_another_step": entry.moved,
        "summary": [{"noc": row.noc, "nation": row.name, **{key: cell.value for key, cell in zip(
            keys, row.cells, strict=True)}} for row in entry.outcome.summary.rows],
    } for entry in line.races]})
    return document


@router.get("/seasons", response_model=list[SeasonInfo], summary="The seasons in the store")
def seasons(request: Request, system: Annotated[str | None, Query(max_length=100)] = None) -> list[SeasonInfo]:
    return [_season_info(s) for s in request.app.state.store.seasons(system)]


@router.get("/seasons/{season_id}", response_model=SeasonInfo, responses=ERRORS, summary="One stored season")
def season(request: Request, season_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> SeasonInfo:
    record = request.app.state.store.season(season_id)
    if record is None:
        raise NotFound(f"no season {season_id} in the store")
    return _season_info(record)


@router.post("/seasons", response_model=UploadAnswer, responses={**ERRORS, 401: {"description": "Token needed"},
                                                                   413: {"description": "Upload too large"}},
             summary="Upload a season (results.csv, optional calendar.csv); the same files twice are stored once")
async def upload(request: Request, system: Annotated[str, Form(max_length=100)],
                 results: Annotated[UploadFile, File(description="results.csv")],
                 calendar: Annotated[UploadFile | None, File(description="calendar.csv (optional)")] = None,
                 label: Annotated[str, Form(max_length=500)] = "",
                 authorization: Annotated[str | None, Header()] = None) -> UploadAnswer:
    settings: WebSettings = request.app.state.settings
    if not token_matches(settings.token, bearer(authorization)):
        raise HTTPException(401, "a write token is needed: Authorization: Bearer TOKEN",
                            headers={"WWW-Authenticate": "Bearer"})
    files: dict[str, tuple[str | None, bytes]] = {"results": (results.filename, await results.read())}
    if calendar is not None:
        files["calendar"] = (calendar.filename, await calendar.read())
    result = await run_in_threadpool(store_season, _scenarios(request), system, label, files)
    return UploadAnswer(created=result.created, season=_season_info(result.season))
