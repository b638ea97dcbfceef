"""`qualify forecast` and `qualify replay`: the odds for the rest of a season, and the odds after each race."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from qualify.cli.common import (
    DataOpt,
    PointsOpt,
    SystemArg,
    app,
    console,
    emit,
    errors,
    fail,
    input_paths,
    output_format,
)
from qualify.errors import AuditError, InputError
from qualify.forecast.engines import default_engine, default_runs, evaluator
from qualify.forecast.fields import future_fields
from qualify.forecast.output import FORMATS, forecast_csv, forecast_json, print_forecast
from qualify.forecast.pins import Pin, read_pins
from qualify.forecast.replay import (
    CHART_MEASURES,
    REPLAY_FORMATS,
    ReplayView,
    chart_png,
    print_replay,
    replay,
    replay_csv,
    replay_json,
)
from qualify.forecast.run import forecast
from qualify.io.inputs import OpenSeason, cut_season, open_season, points_overrides, season_basis
from qualify.model.nocs import NocRegistry, load_nocs
from qualify.rules import System, load_system

SeasonArg = Annotated[Path, typer.Option("--season", help="The season folder (calendar.csv and results.csv).")]
RunsOpt = Annotated[int | None, typer.Option("--runs", help="Simulated seasons (default: 10,000 with the batch "
                                                            "engine, 400 with the reference engine).")]
SeedOpt = Annotated[int, typer.Option("--seed", help="The seed: the same seed, runs and season give the same numbers "
                                                     "whatever --jobs is.")]
JobsOpt = Annotated[int, typer.Option("--jobs", help="Processes to run on (local cores).")]
EngineOpt = Annotated[str | None, typer.Option("--engine", help="The evaluator counting simulated seasons: batch "
                                                                "(fast, the default when installed) or reference "
                                                                "(the engine that explains).")]
FormatOpt = Annotated[str | None, typer.Option("--format", help="table, csv or json (default: told by the --output "
                                                                "extension, else a table).")]
OutputOpt = Annotated[Path | None, typer.Option("--output", help="Write to this new or earlier output file "
                                                                 "(atomically); never an input.")]


def _open(system_id: str, season: Path, data: Path | None, points: list[str] | None) -> tuple[System, OpenSeason]:
    system = load_system(system_id)
    if not system.built_lists:
        raise InputError.single("--season", f"{system.id} builds no list from race results, so there is no season "
                                            "to forecast")
    if data is not None and all(spec.build for spec in system.lists):
        raise InputError.single("--data", f"every list of {system.id} is built from the season: --data has nothing "
                                          "to add")
    return system, open_season(system, season, data, load_nocs(), points_overrides(system, points))


def _check_numbers(runs: int, seed: int, jobs: int) -> None:
    if runs < 1:
        raise InputError.single("--runs", f"found {runs}, expected 1 or more simulated seasons")
    if seed < 0:
        raise InputError.single("--seed", f"found {seed}, expected a whole number >= 0")
    if jobs < 1:
        raise InputError.single("--jobs", f"found {jobs}, expected 1 or more processes")


def _check_nocs(option: str, given: list[str], holders: set[str], nocs: NocRegistry) -> list[str]:
    out = []
    for text in given:
        code = text.strip().upper()
        if code not in holders:
            known = "an NOC code" if code not in nocs else "an NOC with a result in the season so far (or the host)"
            raise InputError.single(option, f"found '{text}', expected {known}: {', '.join(sorted(holders))}")
        out.append(code)
    return out


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr when it is a terminal (nothing otherwise); yields the callback to advance it."""
    if not errors.is_terminal or total <= 0:
        yield None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=errors, transient=True) as bar:
        task = bar.add_task(label, total=total)

        def advance(done: int) -> None:
            bar.advance(task, done)
        yield advance


@app.command("forecast")
def forecast_command(
    system: SystemArg,
    season: SeasonArg,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The race the season stands at (default: the last "
                                                              "race with results); the races after it are "
                                                              "simulated.")] = None,
    runs: RunsOpt = None,
    seed: SeedOpt = 1,
    jobs: JobsOpt = 1,
    engine: EngineOpt = None,
    pin: Annotated[Path | None, typer.Option("--pin", help="CSV of fixed future results: race,gender,event,place,"
                                                           "noc[,athlete][,team].")] = None,
    noc: Annotated[list[str] | None, typer.Option("--noc", help="Show every column of this NOC with its "
                                                                "distribution (table); repeatable.")] = None,
    sensitivity: Annotated[list[str] | None, typer.Option("--sensitivity", help="Show which race still to come "
                                                                                "moves this NOC's odds the most; "
                                                                                "repeatable.")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    data: DataOpt = None,
    points: PointsOpt = None,
) -> None:
    """The odds per NOC and Summary column for the rest of a season, from simulated seasons."""
    nocs = load_nocs()
    try:
        read = input_paths(system, data, season, points) + ([pin] if pin is not None else [])
        chosen = output_format(fmt, output, FORMATS, read)
        engine_name = engine or default_engine()
        evaluator(engine_name)
        count = runs if runs is not None else default_runs(engine_name)
        _check_numbers(count, seed, jobs)
        rules, opened = _open(system, season, data, points)
        cut, race = cut_season(opened.season, as_of)
        holders = {r.noc for r in cut.results} | {rules.host}
        details = _check_nocs("--noc", noc or [], holders, nocs)
        tracked = _check_nocs("--sensitivity", sensitivity or [], holders, nocs)
        pins: list[Pin] = []
        if pin is not None:
            pins = read_pins(pin, opened.season, future_fields(rules, opened.season, race.id), nocs)
        basis = season_basis(cut, race, opened.season, opened.tables)
        with progress_bar(count, f"simulating {count} seasons") as advance:
            result = forecast(rules, opened.season, race.id, opened.tables, runs=count, seed=seed, engine=engine,
                              jobs=jobs, fixed_lists=opened.fixed_lists, nocs=nocs, pins=pins,
                              sensitivity=tracked, progress=advance, basis=basis)
    except (InputError, AuditError) as exc:
        fail(exc)
    if chosen == "table" and output is None:
        print_forecast(console, result, nocs, details=details, sensitivity=tracked)
        return
    content = forecast_json(result, nocs) if chosen == "json" else forecast_csv(result, nocs)
    emit(content, output, read, chosen)


@app.command("replay")
def replay_command(
    system: SystemArg,
    season: SeasonArg,
    noc: Annotated[str | None, typer.Option("--noc", help="Follow this NOC: every Summary column of it.")] = None,
    column: Annotated[str | None, typer.Option("--column", help="Follow this Summary column (e.g. m_500m, men): "
                                                                "the NOCs whose odds move.")] = None,
    from_race: Annotated[str | None, typer.Option("--from", help="The first race to stand at (default: the first "
                                                                 "race with results).")] = None,
    to_race: Annotated[str | None, typer.Option("--to", help="The last race to stand at (default: the last race "
                                                             "with results).")] = None,
    runs: RunsOpt = None,
    seed: SeedOpt = 1,
    jobs: JobsOpt = 1,
    engine: EngineOpt = None,
    measure: Annotated[str, typer.Option("--measure", help="chance (of at least one place) or expected (places).")
                       ] = "chance",
    chart: Annotated[Path | None, typer.Option("--chart", help="Also draw the replay as a PNG chart (needs --noc or "
                                                               "--column).")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    data: DataOpt = None,
    points: PointsOpt = None,
) -> None:
    """The odds after each race of a season: a forecast standing at each race in turn, as a table and a chart."""
    nocs = load_nocs()
    try:
        read = input_paths(system, data, season, points)
        chosen = output_format(fmt, output, REPLAY_FORMATS, read)
        if measure not in CHART_MEASURES:
            raise InputError.single("--measure", f"found '{measure}', expected one of {', '.join(CHART_MEASURES)}")
        if chart is not None:
            if chart.suffix.lower() != ".png":
                raise InputError.single(f"--chart {chart}", f"found extension '{chart.suffix}', expected .png")
            if noc is None and column is None:
                raise InputError.single("--chart", "a chart follows one NOC or one column: pass --noc NOC or "
                                                   "--column KEY as well")
            if output is not None and chart.resolve() == output.resolve():
                raise InputError.single(f"--chart {chart}", "is the --output file as well, expected another file")
            output_format("json", chart.with_suffix(".json"), REPLAY_FORMATS, read)  # the same path checks
        if noc is not None and column is not None:
            raise InputError.single("--column", "follow one NOC (--noc) or one column (--column), not both")
        engine_name = engine or default_engine()
        evaluator(engine_name)
        count = runs if runs is not None else default_runs(engine_name)
        _check_numbers(count, seed, jobs)
        rules, opened = _open(system, season, data, points)
        first = opened.season.held()[0].id if opened.season.held() and from_race is None else from_race
        _, start = cut_season(opened.season, first)
        _, end = cut_season(opened.season, to_race)
        races = [r for r in opened.season.races
                 if opened.season.position(start.id) <= opened.season.position(r.id) <= opened.season.position(end.id)]
        if not races:
            raise InputError.single("--from", f"found race '{start.id}', expected a race before '{end.id}' (--to)")
        holders = {r.noc for r in opened.season.up_to(end.id).results} | {rules.host}
        followed = _check_nocs("--noc", [noc], holders, nocs)[0] if noc is not None else None
        keys = [c.key for c in rules.summary]
        if column is not None and column not in keys:
            raise InputError.single("--column", f"found '{column}', expected a Summary column of {rules.id}: "
                                                f"{', '.join(keys)}")
        view = ReplayView(noc=followed, column=column, measure=measure)
        with progress_bar(count * len(races), f"replaying {len(races)} races") as advance:
            steps = replay(rules, opened.season, [r.id for r in races], opened.tables, runs=count, seed=seed,
                           engine=engine, jobs=jobs, fixed_lists=opened.fixed_lists, nocs=nocs,
                           progress=advance)
        png = chart_png(steps, view, nocs) if chart is not None else None
    except (InputError, AuditError) as exc:
        fail(exc)
    if png is not None and chart is not None:
        emit(png, chart, read, "png")
    if chosen == "table" and output is None:
        print_replay(console, steps, view, nocs)
        return
    content = replay_json(steps, view, nocs) if chosen == "json" else replay_csv(steps, view, nocs)
    emit(content, output, read, chosen)
