"""Read a season folder: ``calendar.csv`` and ``results.csv``, checked against each other and against a rule file.

``calendar.csv`` has one row per race: ``race,date,name,kind,lists``.

* ``race``: the race id that ``results.csv`` uses (unique);
* ``date``: ``YYYY-MM-DD``; the calendar runs by date, races on the same date in file order;
* ``name``: the race's name; ``kind``: its kind (e.g. ``world-cup``, ``world-championship``), which a list's
  ``build.kinds`` may restrict;
* ``lists``: the ids of the lists the race counts for, ``;``-separated (may be empty). This column is the
  authority on which races feed which list.

A comment line starting with ``SYNTHETIC`` in either file marks the season synthetic.

A short-track stage-results file (a ``stage`` column, no ``calendar.csv`` beside it) takes the calendar shipped with
the system (``data/<system>/calendar.csv``): its four stages are races ``1`` to ``4``.

Checks across the files (each a located problem, exit 2): every result's race is on the calendar; every list id the
calendar names is a list the rule file builds; a race counts only for lists whose ``build.kinds`` allow its kind; a
``single_race`` list has at most one race; a race with results has rows for every list it counts for; a result event
that a list uses comes with a gender that list uses; athlete lists get athlete rows and team lists team rows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from qualify.errors import InputError, Problem
from qualify.io.csvfile import RowErrors, read_csv
from qualify.io.ranks import check_once
from qualify.io.stage_results import RESULTS_FILE, ResultsFile, race_label, read_results, synthetic_notice
from qualify.model.common import Gender
from qualify.model.nocs import NocRegistry, load_nocs
from qualify.model.season import Race, Result, Season
from qualify.rules import System

CALENDAR_FILE = "calendar.csv"
CALENDAR_COLUMNS: tuple[str, ...] = ("race", "date", "name", "kind", "lists")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass
class CalendarFile:
    path: str
    races: list[Race]
    notice: str | None = None


def read_calendar(path: Path, system: System | None = None, *, shown_as: str | None = None) -> CalendarFile:
    """Read ``calendar.csv``; with ``system``, its ``lists`` are checked against the rule file's lists.
    ``shown_as`` names the file in messages (the bundled calendar by its place in the source tree)."""
    table = read_csv(path, required=list(CALENDAR_COLUMNS))
    if shown_as is not None:
        table.path = shown_as
    errors = RowErrors(table.path)
    races: list[Race] = []
    built = {spec.id: spec for spec in system.built_lists} if system is not None else {}
    known = {spec.id for spec in system.lists} if system is not None else set()
    single: dict[str, int] = {}
    for row in table.rows:
        value = row.values
        before = len(errors.problems)
        if not value["race"]:
            errors.add(row.line, "race", "found an empty race id, expected one (results.csv names races by it)")
        day = _date(errors, row.line, value["date"])
        if not value["name"]:
            errors.add(row.line, "name", "found an empty name, expected the race's name")
        if not value["kind"]:
            errors.add(row.line, "kind", "found an empty kind, expected the kind of race (e.g. world-cup)")
        lists = tuple(part.strip() for part in value["lists"].split(";") if part.strip())
        for list_id in lists if system is not None else ():
            assert system is not None
            spec = built.get(list_id)
            if spec is None:
                why = (f"{system.id} reads list '{list_id}' from a file and does not build it from races"
                       if list_id in known else f"{system.id} has no list '{list_id}'")
                errors.add(row.line, "lists", f"found list '{list_id}', expected ids of lists the rule file builds "
                                              f"({', '.join(built) or 'none'}): {why}")
                continue
            kinds = spec.build.kinds if spec.build is not None else None
            if kinds is not None and value["kind"] and value["kind"] not in kinds:
                errors.add(row.line, "lists", f"found list '{list_id}' for a race of kind '{value['kind']}', "
                                              f"expected only races of kind {' or '.join(kinds)} (the list's "
                                              "build.kinds)")
            if spec.build is not None and spec.build.combine == "single_race":
                if list_id in single:
                    errors.add(row.line, "lists", f"found list '{list_id}' again (first on row {single[list_id]}), "
                                                  "expected one race: the list is a single race's classification")
                single.setdefault(list_id, row.line)
        if len(errors.problems) > before or day is None:
            continue
        races.append(Race(id=value["race"], date=day, name=value["name"], kind=value["kind"], lists=lists,
                          source_row=row.line))
    check_once(errors, [(row.values["race"], row.line) for row in table.rows], field="race", noun="race",
               scope="per calendar")
    if not table.rows:
        errors.add(None, None, "found only the header, expected one row per race")
    errors.raise_if_any()
    return CalendarFile(table.path, races, synthetic_notice(table.comments))


def _date(errors: RowErrors, row: int, text: str) -> date | None:
    if _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    errors.add(row, "date", f"found '{text}', expected a date written YYYY-MM-DD")
    return None


def bundled_calendar(system: System) -> Path | None:
    """The calendar shipped with a bundled system (``data/<system>/calendar.csv``), if any."""
    path = Path(str(resources.files("qualify").joinpath("bundled", system.id, CALENDAR_FILE)))
    return path if path.is_file() else None


def season_paths(location: Path, system: System | None) -> tuple[Path, Path | None]:
    """``results.csv`` and the calendar for a season folder (or a results file)."""
    folder = location if location.is_dir() else location.parent
    results = location if location.is_file() else folder / RESULTS_FILE
    calendar = folder / CALENDAR_FILE
    if calendar.is_file():
        return results, calendar
    return results, (bundled_calendar(system) if system is not None else None)


def read_season(location: Path, system: System, nocs: NocRegistry | None = None) -> Season:
    """The season in a folder (or of a results file), checked against ``system``; every problem reported."""
    registry = nocs if nocs is not None else load_nocs()
    if not location.exists():
        raise InputError.single(str(location), "season folder not found, expected a folder with calendar.csv and "
                                               "results.csv")
    results_path, calendar_path = season_paths(location, system)
    problems: list[Problem] = []
    results = calendar = None
    try:
        results = read_results(results_path, nocs=registry)
    except InputError as exc:
        problems += exc.problems
    if calendar_path is None:
        folder = results_path.parent
        problems.append(Problem(str(folder / CALENDAR_FILE), "found no such file, expected the season's calendar "
                                f"(race,date,name,kind,lists) beside {RESULTS_FILE}"))
    else:
        bundled = calendar_path != results_path.parent / CALENDAR_FILE
        try:
            calendar = read_calendar(calendar_path, system,
                                     shown_as=f"data/{system.id}/{CALENDAR_FILE} (bundled)" if bundled else None)
        except InputError as exc:
            problems += exc.problems
    if problems or results is None or calendar is None:
        raise InputError(problems)
    if results.race_column == "race" and calendar_path != results_path.parent / CALENDAR_FILE:
        raise InputError.single(str(results_path.parent / CALENDAR_FILE), "found no such file, expected the "
                                "season's calendar beside results.csv (only a short-track 'stage' file may use the "
                                "bundled calendar)")
    check_season(system, calendar, results)
    notice = calendar.notice or results.notice
    return Season.from_results(calendar.races, results.results, notice=notice, source=str(results_path.parent))


def check_season(system: System, calendar: CalendarFile, results: ResultsFile) -> None:
    """The checks across calendar, results and rule file (see the module docstring)."""
    res = RowErrors(results.path)
    cal = RowErrors(calendar.path)
    races = {race.id: race for race in calendar.races}
    column = results.race_column
    for race_id, row in results.first_row.items():
        if race_id not in races:
            shown = ", ".join(races) if len(races) <= 12 else ", ".join(list(races)[:12]) + ", ..."
            res.add(row, column, f"found race '{race_id}', expected a race of {calendar.path} ({shown})")
    groups: dict[tuple[str, Gender, str], list[Result]] = defaultdict(list)
    for result in results.results:
        groups[(result.race, result.gender, result.event)].append(result)
    # The genders each event name is built for, over every list (and eligibility, which reads M and W rows).
    genders_of: dict[str, set[Gender]] = defaultdict(set)
    for spec in system.built_lists:
        assert spec.build is not None
        for event, gender in spec.build.event_keys(spec.gender):
            genders_of[event].add(gender)
    eligibility = system.eligibility.from_results if system.eligibility is not None else None
    for event in eligibility.events if eligibility is not None else {}:
        genders_of[event] |= {Gender.MEN, Gender.WOMEN}
    for (_, gender, event), rows in sorted(groups.items(), key=lambda kv: kv[1][0].source_row or 0):
        if event in genders_of and gender not in genders_of[event]:
            allowed = " or ".join(g.value for g in sorted(genders_of[event], key=lambda g: "MWX".index(g.value)))
            res.add(rows[0].source_row, "gender", f"found gender {gender.value} for event {event}, expected {allowed}"
                                                  f" (the genders {system.id} uses {event} results for)")
    shape_reported: set[tuple[str, Gender, str]] = set()  # one problem per classification, whatever it feeds
    for race in calendar.races:
        for list_id in race.lists:
            spec = system.list_spec(list_id)
            if spec.build is None:
                continue
            keys = spec.build.event_keys(spec.gender)
            team_list = spec.build.entry == "noc_team"
            for event, gender in keys:
                rows = groups.get((race.id, gender, event), [])
                if not rows or (race.id, gender, event) in shape_reported:
                    continue
                if rows[0].is_team == team_list:
                    continue
                shape_reported.add((race.id, gender, event))
                label = race_label(race.id, gender, event)
                if team_list:
                    res.add(rows[0].source_row, "athlete", f"found '{rows[0].athlete}', expected an empty athlete: "
                            f"list '{list_id}' is built from team rows (one per team) of {label}")
                else:
                    res.add(rows[0].source_row, "athlete", f"found an empty athlete, expected the athlete's name: "
                            f"list '{list_id}' is built from athletes' results of {label}")
    problems = cal.problems + res.problems
    if problems:
        raise InputError(sorted(cal.problems, key=_row) + sorted(res.problems, key=_row))


def _row(problem: Problem) -> int:
    return -1 if problem.row is None else problem.row


def season_warnings(season: Season, system: System) -> list[str]:
    """What a user should know about a (cut) season: races without results, and races with results but none for a
    list the calendar says they count for (a missing event, or one spelt differently, e.g. "500 m")."""
    warnings = []
    for race in season.races:
        rows = season.results_of(race.id)
        if not rows:
            warnings.append(f"race {race.id} ({race.label}) has no results yet: it counts for nothing")
            continue
        held = {(r.event, r.gender) for r in rows}
        used: set[tuple[str, Gender]] = set()
        for list_id in race.lists:
            spec = system.list_spec(list_id)
            keys = spec.build.event_keys(spec.gender) if spec.build is not None else ()
            used.update(keys)
            if keys and not any(key in held for key in keys):
                wanted = " or ".join(f"{event} {gender.value}" for event, gender in keys)
                warnings.append(f"race {race.id} counts for list {list_id}, but its results have no {wanted} rows: "
                                "the list gets nothing from it")
        unused = sorted(f"{event} {gender.value}" for event, gender in held - used)
        if unused and len(used - held) > 0:
            warnings.append(f"race {race.id} has results that feed none of its lists: {', '.join(unused)}")
    return warnings


def validate_results_file(path: Path, system: System | None, nocs: NocRegistry) -> int:
    """``qualify validate`` on a results file: on its own, and with ``--system`` against its calendar too."""
    if system is None:
        return len(read_results(path, nocs=nocs).results)
    results_path, calendar_path = season_paths(path, system)
    if calendar_path is None:
        return len(read_results(path, nocs=nocs).results)
    return len(read_season(path, system, nocs).results)
