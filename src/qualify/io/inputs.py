"""Where a system's inputs live, and reading all of them into the domain model at once.

A command runs on one of:

* a **season** (``--season DIR``): lists with a ``build`` are built from the season's results as they stood after
  ``as_of`` (default: the last race with results); lists without one are read from their files;
* **published places** (``--places FILE``, or the rule file's ``default_inputs.places`` when no option is given and
  the command allocates): a published Summary's starting places stand in for the ranking walks;
* **list files** (``--data DIR``, or the bundled data folder): every list read from its ``file``.

Every result says what it is based on (``basis``) and carries the synthetic-data notice found in the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from qualify.engine.context import Decline
from qualify.engine.eligibility import RaceResult
from qualify.errors import InputError
from qualify.io import crosscheck
from qualify.io.eligibility import read_race_results
from qualify.io.published import places_from_published, read_published_summary
from qualify.io.rankings import read_lists
from qualify.io.season import read_season, season_warnings
from qualify.model.allocation import Place
from qualify.model.nocs import NocRegistry
from qualify.model.ranking import RankingEntry, RankingList
from qualify.model.season import Race, Season
from qualify.ranking.builder import SeasonLists, build_lists
from qualify.ranking.eligibility import qualifying_results
from qualify.ranking.points import PointsTable, load_points_tables
from qualify.rules import System


@dataclass
class SystemInputs:
    data_dir: Path
    lists: dict[str, RankingList]
    race_results: list[RaceResult] | None
    given_places: list[Place] = field(default_factory=list)
    declines: list[Decline] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # carried into the allocation's warnings
    basis: str = ""  # what the inputs are, in words; every output says it
    notice: str | None = None  # the synthetic-data mark found in the data itself
    season: Season | None = None  # the season as it stood after ``as_of``
    built: SeasonLists | None = None
    as_of: Race | None = None
    tables: dict[str, PointsTable] = field(default_factory=dict)


def bundled_data_dir(system_id: str) -> Path:
    """The data shipped for a bundled system (``data/<system>/`` in the source tree)."""
    folder = resources.files("qualify").joinpath("bundled", system_id)
    path = Path(str(folder))
    if not path.is_dir():
        raise InputError.single(system_id, "no bundled data for this system; pass --data DIR or --season DIR")
    return path


def points_overrides(system: System, given: list[str] | None) -> dict[str, Path]:
    """``--points FILE`` (the system's one table) or ``--points ID=FILE``, by table id."""
    out: dict[str, Path] = {}
    ids = [table.id for table in system.points_tables]
    for text in given or []:
        table_id, sep, file = text.partition("=")
        if not sep:
            if len(ids) != 1:
                raise InputError.single("--points", f"found '{text}', expected ID=FILE: {system.id} has "
                                                    f"{len(ids)} points tables ({', '.join(ids) or 'none'})")
            table_id, file = ids[0], text
        if table_id not in ids:
            raise InputError.single("--points", f"found table '{table_id}', expected one of {system.id}'s points "
                                                f"tables: {', '.join(ids) or 'none'}")
        out[table_id] = Path(file)
    return out


def load_inputs(system: System, data_dir: Path | None, nocs: NocRegistry, *, season_dir: Path | None = None,
                as_of: str | None = None, points: list[str] | None = None, places_file: Path | None = None,
                default_places: bool = True) -> SystemInputs:
    """The inputs the options name; ``default_places`` lets a command without options run on the rule file's
    ``default_inputs.places`` (allocate, explain, compare) instead of the list files (rankings)."""
    if season_dir is not None and not system.built_lists:
        raise InputError.single("--season", f"{system.id} builds no list from race results; its lists are read "
                                            "from files (--data)")
    if points and season_dir is None:
        raise InputError.single("--points", "a points table is used to build lists from a season: pass --season DIR "
                                            "as well")
    if as_of is not None and season_dir is None:
        raise InputError.single("--as-of", "a race of a season: pass --season DIR as well")
    if season_dir is not None and data_dir is not None and all(spec.build for spec in system.lists):
        raise InputError.single("--data", f"every list of {system.id} is built from the season: --data has nothing "
                                          "to add")
    if places_file is not None and data_dir is not None:
        raise InputError.single("--data", "--places gives the places: the list files in --data would not be read")
    overrides = points_overrides(system, points)
    defaults = system.default_inputs
    if places_file is None and default_places and season_dir is None and data_dir is None \
            and defaults is not None and defaults.places is not None:
        inputs = _from_published_places(system, bundled_data_dir(system.id) / defaults.places, None, None, nocs, {})
        inputs.basis = defaults.places_basis or inputs.basis
        return inputs
    if places_file is not None:
        return _from_published_places(system, places_file, season_dir, as_of, nocs, overrides)
    if season_dir is not None:
        return _from_season(system, season_dir, as_of, data_dir, nocs, overrides)
    directory = data_dir if data_dir is not None else bundled_data_dir(system.id)
    if not directory.is_dir():
        raise InputError.single(str(directory), "data directory not found")
    unreadable = [spec.id for spec in system.lists if spec.file is None]
    if unreadable:
        raise InputError.single(system.id, f"list(s) {', '.join(unreadable)} are built from race results and have "
                                           "no file: pass --season DIR (e.g. one written by `qualify synth`)")
    lists = read_lists(system, directory, nocs)
    race_results = None
    if system.eligibility is not None:
        results_path = directory / system.eligibility.results_file
        if results_path.exists():
            race_results = read_race_results(results_path, nocs)
    crosscheck.check_lists(system, lists, race_results)
    basis = (defaults.basis if data_dir is None and defaults is not None
             else f"the ranking lists in {directory}")
    return SystemInputs(directory, lists, race_results, basis=basis)


def cut_season(season: Season, as_of: str | None) -> tuple[Season, Race]:
    """The season as it stood after ``as_of`` (default: the last race with results)."""
    if as_of is None:
        last = season.last_held
        if last is None:
            raise InputError.single(season.source or "season", "found no results, expected at least one race with "
                                                               "results")
        return season.up_to(last.id), last
    if as_of not in season:
        shown = ", ".join(race.id for race in season.races)
        raise InputError.single("--as-of", f"found race '{as_of}', expected a race of the calendar: {shown}")
    return season.up_to(as_of), season.race(as_of)


def season_basis(season: Season, as_of: Race, full: Season, tables: dict[str, PointsTable]) -> str:
    held = len(season.held())
    text = (f"the season in {full.source}: standings after race {as_of.id} ({as_of.label}), {held} of "
            f"{len(full.races)} race(s) with results")
    doubtful = [t for t in tables.values() if t.basis in ("assumption", "inferred", "user")]
    for table in doubtful:
        word = {"assumption": "an ASSUMPTION", "inferred": "inferred", "user": "the user's"}[table.basis]
        text += f"; points table {table.id} is {word}"
    return text


@dataclass
class OpenSeason:
    """A season read and checked, with what building its lists needs: the points tables and the lists that are
    read from files (those without a ``build``)."""

    season: Season
    tables: dict[str, PointsTable]
    fixed_lists: dict[str, RankingList]


def open_season(system: System, season_dir: Path, data_dir: Path | None, nocs: NocRegistry,
                overrides: dict[str, Path] | None = None) -> OpenSeason:
    full = read_season(season_dir, system, nocs)
    tables = load_points_tables(system, overrides)
    fixed = [spec for spec in system.lists if spec.build is None]
    lists = {}
    if fixed:
        directory = data_dir if data_dir is not None else bundled_data_dir(system.id)
        lists = read_lists(system, directory, nocs, only=fixed)
    return OpenSeason(full, tables, lists)


def _from_season(system: System, season_dir: Path, as_of: str | None, data_dir: Path | None, nocs: NocRegistry,
                 overrides: dict[str, Path]) -> SystemInputs:
    opened = open_season(system, season_dir, data_dir, nocs, overrides)
    full, tables = opened.season, opened.tables
    season, race = cut_season(full, as_of)
    built = build_lists(system, season, tables, nocs=nocs)
    lists = {**opened.fixed_lists, **built.rankings()}
    lists = {spec.id: lists[spec.id] for spec in system.lists}
    notes = season_warnings(season, system) + built.reports
    return SystemInputs(season_dir, lists, qualifying_results(system, season), notes=notes,
                        basis=season_basis(season, race, full, tables), notice=full.notice, season=season,
                        built=built, as_of=race, tables=tables)


def _from_published_places(system: System, places_file: Path, season_dir: Path | None, as_of: str | None,
                           nocs: NocRegistry, overrides: dict[str, Path]) -> SystemInputs:
    """Places as a published Summary shows them (struck values as declines), instead of the ranking walks.

    Steps after the walks still need an order (mixed relay, additional athlete): the lists built from a season when
    one is given; otherwise NOCs by code, with a note, since a published Summary does not carry the ranking order.
    """
    table = read_published_summary(places_file, system, nocs)
    places, declines = places_from_published(system, table)
    if season_dir is not None:
        inputs = _from_season(system, season_dir, as_of, None, nocs, overrides)
        inputs.given_places, inputs.declines = places, declines
        inputs.basis = f"starting places from {places_file}; ranking order from " + inputs.basis
        return inputs
    holders = sorted({p.noc for p in places})
    lists = {spec.id: RankingList(id=spec.id, title=f"{spec.title} (order unknown: NOCs by code)",
                                  gender=spec.gender, event=spec.event, kind=spec.kind,
                                  entries=tuple(RankingEntry(rank=i, noc=noc) for i, noc in
                                                enumerate(holders, start=1)),
                                  source="no ranking given")
             for spec in system.lists}
    notes = ["places taken from a published table without ranking lists: where a step needs a ranking order "
             "(mixed relay, additional athlete, reallocation) NOCs are taken by IOC code"]
    return SystemInputs(places_file.parent, lists, None, places, declines, notes,
                        basis=f"the starting places of the published Summary {places_file}")
