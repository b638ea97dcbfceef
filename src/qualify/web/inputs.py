"""The web app's adapters to the project's readers: where a system's inputs come from.

Two sources feed an allocation: the bundled data, and a season uploaded to the store. Both are read here
and nowhere else in ``web/``:

* :func:`read_season` validates and reads an uploaded season (``calendar.csv`` + ``results.csv``) through
  ``open_season``, the reader of `qualify standings` / `qualify diff` / `allocate --season`
  (``qualify.io.season``), and builds its lists as of the last race with results, as ``load_inputs(season_dir=...)``
  does, so that a season the CLI refuses is refused here. The calendar may be left out only for a short-track
  stage-results file, which then takes the bundled calendar, as on the command line.
* :func:`standing_inputs` turns a :class:`~qualify.standings.Standing` (the season as of one race) into the
  inputs an allocation runs on, exactly as ``load_inputs(season_dir=..., as_of=RACE)`` makes them.
* :func:`bundled_inputs` reads the bundled data exactly as a command without input options does (for short
  track: the published Summary, as the rule file's ``default_inputs`` say).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from qualify.cli.common import synthetic_banner
from qualify.errors import InputError, Problem
from qualify.io.inputs import OpenSeason, SystemInputs, cut_season, load_inputs, open_season, season_basis
from qualify.model.nocs import NocRegistry
from qualify.model.season import Season
from qualify.ranking.builder import build_lists
from qualify.rules import System
from qualify.standings import Standing

# The files of a season, by role: the form field and the name the file is written under for the reader.
SEASON_FILES = {"results": "results.csv", "calendar": "calendar.csv"}
REQUIRED_ROLES = ("results",)


@dataclass
class SeasonContent:
    """A season read and checked: the whole calendar with its results, the points tables and any lists read
    from files (``OpenSeason``), ready for standings as of any race."""

    opened: OpenSeason
    races: int  # races with results
    result_rows: int
    synthetic: bool

    @property
    def season(self) -> Season:
        return self.opened.season


def accepts_seasons(system: System) -> bool:
    """Whether an uploaded season can feed this system: some of its lists are built from race results."""
    return bool(system.built_lists)


def read_season(system: System, files: Mapping[str, bytes], nocs: NocRegistry,
                names: Mapping[str, str] | None = None, *, name: str | None = None) -> SeasonContent:
    """Validate and read a season's files (bytes by role) exactly as the CLI reads them from a folder.

    Problems come back as one :class:`InputError`, each located by the user's file name (``names`` by role,
    else the canonical name), row and field; nothing is kept on disk afterwards. ``name`` is what the season is
    called in every basis (default: the results file's name).
    """
    shown = {role: (names or {}).get(role) or canonical for role, canonical in SEASON_FILES.items()}
    problems = [Problem(shown[role], f"found no file, expected {SEASON_FILES[role]}")
                for role in REQUIRED_ROLES if not files.get(role)]
    problems += [Problem(role, f"found an unknown file role, expected one of {', '.join(SEASON_FILES)}")
                 for role in files if role not in SEASON_FILES]
    if not accepts_seasons(system):
        problems.append(Problem(system.id, "found a system that builds no list from race results, expected "
                                           "a system whose rule file has list builders"))
    if problems:
        raise InputError(problems)
    # The readers read folders: a private temporary one, with fixed file names (never the user's).
    with tempfile.TemporaryDirectory(prefix="qualify-season-") as folder:
        directory = Path(folder)
        for role, content in files.items():
            (directory / SEASON_FILES[role]).write_bytes(content)
        try:
            opened = open_season(system, directory, None, nocs)
            # What `allocate --season` does next: stand after the last race with results and build the lists
            # (a points table with `beyond: error` refuses a place past its end only here).
            cut, _ = cut_season(opened.season, None)
            build_lists(system, cut, opened.tables, nocs=nocs)
        except InputError as exc:
            raise _renamed(exc, directory, shown) from None
    full = opened.season
    # No server path is kept or shown: the season is named by the file the user uploaded until the store names it.
    renamed = with_source(full, name or shown["results"])
    opened = OpenSeason(renamed, opened.tables, opened.fixed_lists)
    return SeasonContent(opened, len(full.held()), len(full.results), full.notice is not None)


def with_source(season: Season, source: str) -> Season:
    """The same season under another name (``Season.source`` is what every basis and message calls it)."""
    return Season(season.races, {race.id: season.results_of(race.id) for race in season.races}, notice=season.notice,
                  source=source, ordered=True, later=season.later)


def standing_inputs(opened: OpenSeason, standing: Standing) -> SystemInputs:
    """The inputs of an allocation as of ``standing.as_of``: what ``load_inputs(season_dir=..., as_of=...)`` makes
    of the same folder (lists, qualifying results, the warnings as notes, the basis in words)."""
    basis = season_basis(standing.season, standing.as_of, opened.season, opened.tables)
    return SystemInputs(Path(opened.season.source), standing.lists, standing.eligibility,
                        notes=list(standing.warnings), basis=basis, notice=opened.season.notice,
                        season=standing.season, built=standing.built, as_of=standing.as_of, tables=opened.tables)


def _renamed(exc: InputError, directory: Path, shown: Mapping[str, str]) -> InputError:
    """The reader names the temporary files; the user knows them by the names they uploaded."""
    by_path = {str(directory / canonical): shown[role] for role, canonical in SEASON_FILES.items()}
    by_path[str(directory)] = shown["results"]
    problems = []
    for problem in exc.problems:
        source = by_path.get(problem.source, problem.source)
        message = problem.message
        for path, name in by_path.items():
            source, message = source.replace(path, name), message.replace(path, name)
        problems.append(Problem(source, message, row=problem.row, field=problem.field, key_path=problem.key_path))
    return InputError(problems)


@dataclass
class BundledContent:
    inputs: SystemInputs
    based_on: str
    banner: str | None


def bundled_inputs(system: System, nocs: NocRegistry) -> BundledContent:
    """The system's bundled data, as `qualify allocate SYSTEM` reads it without input options."""
    inputs = load_inputs(system, None, nocs)
    return BundledContent(inputs, inputs.basis, synthetic_banner(inputs))
