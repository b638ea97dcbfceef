"""`qualify standings` and `qualify diff`: a season race by race."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualify.cli.common import DataOpt, PointsOpt, SystemArg, app, console, emit, fail, input_paths, output_format
from qualify.diff import diff
from qualify.errors import AuditError, InputError
from qualify.io.inputs import OpenSeason, cut_season, open_season, points_overrides, season_basis
from qualify.io.standings import (
    DIFF_FORMATS,
    SEASON_FORMATS,
    diff_csv,
    diff_json,
    diff_markdown,
    print_diff,
    print_standings,
    standings_json,
    standings_markdown,
)
from qualify.model.nocs import load_nocs
from qualify.rules import System, load_system
from qualify.standings import Standing, standing_at

SeasonArg = Annotated[Path, typer.Option("--season", "--results", help="The season folder (calendar.csv and "
                                                                       "results.csv).")]
FormatOpt = Annotated[str | None, typer.Option("--format", help=f"One of: {', '.join(SEASON_FORMATS)} (default: "
                                                               "told by the --output extension, else a table).")]
OutputOpt = Annotated[Path | None, typer.Option("--output", help="Write to this new or earlier output file "
                                                                 "(atomically); never an input, never in a missing "
                                                                 "folder.")]


def _open(system_id: str, season: Path, data: Path | None, points: list[str] | None) -> tuple[System, OpenSeason]:
    system = load_system(system_id)
    if not system.built_lists:
        raise InputError.single("--season", f"{system.id} builds no list from race results, so it has no standings "
                                            "race by race")
    if data is not None and all(spec.build for spec in system.lists):
        raise InputError.single("--data", f"every list of {system.id} is built from the season: --data has nothing "
                                          "to add")
    return system, open_season(system, season, data, load_nocs(), points_overrides(system, points))


def _standing(system: System, opened: OpenSeason, race: str | None, option: str) -> Standing:
    try:
        _, as_of = cut_season(opened.season, race)
    except InputError as exc:
        raise InputError([p if p.source != "--as-of" else type(p)(option, p.message) for p in exc.problems]) from None
    return standing_at(system, opened.season, as_of.id, opened.tables, fixed_lists=opened.fixed_lists,
                       nocs=load_nocs())


def _banner(opened: OpenSeason, standing: Standing, season: Path) -> tuple[str, str]:
    basis = season_basis(standing.season, standing.as_of, opened.season, opened.tables)
    notice = opened.season.notice
    return basis, (f"{notice} (from {season}). " if notice else "") + f"Based on {basis}."


@app.command("standings")
def standings_command(
    system: SystemArg,
    season: SeasonArg,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The race after which to stand (default: the last "
                                                              "race with results).")] = None,
    fmt: FormatOpt = None,
    top: Annotated[int, typer.Option("--top", help="Entries shown per list (0: all); table and markdown.")] = 10,
    data: DataOpt = None,
    points: PointsOpt = None,
    output: OutputOpt = None,
) -> None:
    """The ranking lists and the allocation as if qualification had closed after a race."""
    nocs = load_nocs()
    try:
        if top < 0:
            raise InputError.single("--top", f"found {top}, expected 0 (all) or more")
        read = input_paths(system, data, season, points)
        chosen = output_format(fmt, output, SEASON_FORMATS, read)
        rules, opened = _open(system, season, data, points)
        standing = _standing(rules, opened, as_of, "--as-of")
    except (InputError, AuditError) as exc:
        fail(exc)
    basis, banner = _banner(opened, standing, season)
    notice = opened.season.notice
    total = len(opened.season.races)
    if chosen == "table" and output is None:
        print_standings(console, standing, nocs, banner=banner, synthetic=bool(notice), total_races=total,
                        top=top or None)
        return
    if chosen == "json":
        content = standings_json(standing, nocs, basis=basis, notice=notice, total_races=total)
    else:
        content = standings_markdown(standing, nocs, banner=banner, total_races=total, top=top or None)
    emit(content, output, read, chosen)


@app.command("diff")
def diff_command(
    system: SystemArg,
    season: SeasonArg,
    from_race: Annotated[str | None, typer.Option("--from", help="The earlier race (default: the race before "
                                                                 "--to).")] = None,
    to_race: Annotated[str | None, typer.Option("--to", help="The later race (default: the last race with "
                                                             "results).")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help=f"One of: {', '.join(DIFF_FORMATS)} (default: told by "
                                                              "the --output extension, else a table).")] = None,
    data: DataOpt = None,
    points: PointsOpt = None,
    output: OutputOpt = None,
) -> None:
    """Per NOC and event, the places gained and lost between two races, each with its cause from the logs."""
    nocs = load_nocs()
    try:
        read = input_paths(system, data, season, points)
        chosen = output_format(fmt, output, DIFF_FORMATS, read)
        rules, opened = _open(system, season, data, points)
        after = _standing(rules, opened, to_race, "--to")
        position = opened.season.position(after.as_of.id)
        if from_race is None:
            if position == 0:
                raise InputError.single("--from", f"race {after.as_of.id} is the first of the calendar: there is no "
                                                  "race before it to compare with")
            from_race = opened.season.races[position - 1].id
        before = _standing(rules, opened, from_race, "--from")
        if opened.season.position(before.as_of.id) >= position:
            raise InputError.single("--from", f"found race '{from_race}', expected a race before '{after.as_of.id}' "
                                              "in the calendar")
    except (InputError, AuditError) as exc:
        fail(exc)
    result = diff(before, after)
    basis, banner = _banner(opened, after, season)
    notice = opened.season.notice
    if chosen == "table" and output is None:
        print_diff(console, result, nocs, banner=banner, synthetic=bool(notice))
        return
    if chosen == "json":
        content = diff_json(result, nocs, basis=basis, notice=notice)
    elif chosen == "csv":
        content = diff_csv(result, nocs, banner=banner)
    else:
        content = diff_markdown(result, nocs, banner=banner)
    emit(content, output, read, chosen)
