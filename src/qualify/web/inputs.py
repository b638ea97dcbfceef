"""The web app's adapters to the project's readers: where a system's inputs come from.

Two sources feed an allocation: the bundled data, and a season uploaded to the store. Both are read here
and nowhere else in ``web/``, so that when season files (``calendar.csv`` + ``results.csv``) get their own
reader this module is the single place to switch:

* :func:`read_season` validates and reads an uploaded season through ``load_inputs(season_dir=...)``, the
  reader `qualify allocate --season` uses (``qualify.io.season``). The calendar may be left out only for a
  short-track stage-results file, which then takes the bundled calendar, as on the command line.
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
from qualify.io.inputs import SystemInputs, load_inputs
from qualify.model.nocs import NocRegistry
from qualify.rules import System

# The files of a season, by role: the form field and the name the file is written under for the reader.
SEASON_FILES = {"results": "results.csv", "calendar": "calendar.csv"}
REQUIRED_ROLES = ("results",)


@dataclass
class SeasonContent:
    inputs: SystemInputs
    races: int
    result_rows: int
    synthetic: bool


def accepts_seasons(system: System) -> bool:
    """Whether an uploaded season can feed this system: some of its lists are built from race results."""
    return bool(system.built_lists)


def read_season(system: System, files: Mapping[str, bytes], nocs: NocRegistry,
                names: Mapping[str, str] | None = None) -> SeasonContent:
    """Validate and read a season's files (bytes by role) exactly as the CLI reads them from a folder.

    Problems come back as one :class:`InputError`, each located by the user's file name (``names`` by role,
    else the canonical name), row and field; nothing is kept on disk afterwards.
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
            inputs = load_inputs(system, None, nocs, season_dir=directory)
        except InputError as exc:
            raise _renamed(exc, directory, shown) from None
    inputs.data_dir = Path(shown["results"])  # no server path is kept or shown
    inputs.basis = inputs.basis.replace(str(directory), "the uploaded season")
    season = inputs.season
    races = len(season.held()) if season is not None else 0
    rows = len(season.results) if season is not None else 0
    return SeasonContent(inputs, races, rows, inputs.notice is not None)


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
