"""The web app's adapters to the project's readers: where a system's inputs come from.

Two sources feed an allocation: the bundled data, and a season uploaded to the store. Both are read here
and nowhere else in ``web/``, so that when season files (``calendar.csv`` + ``results.csv``) get their own
reader this module is the single place to switch:

* :func:`read_season` validates and reads an uploaded season. Today it calls the short-track stage-results
  reader (``qualify.io.stage_results.read_stage_results``) through ``load_inputs``; the calendar, when
  given, is checked for the columns of the season format with the project's CSV reader.
* :func:`bundled_inputs` reads the bundled data. A system whose lists are computed from stage results has
  no bundled results, so it runs on its published Summary (``--places``), as the CLI does.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from qualify.cli.common import synthetic_banner
from qualify.errors import InputError, Problem
from qualify.io.csvfile import read_csv
from qualify.io.inputs import SystemInputs, bundled_data_dir, load_inputs
from qualify.io.stage_results import read_stage_results
from qualify.model.nocs import NocRegistry
from qualify.rules import System

# The files of a season, by role: the form field and the name the file is written under for the reader.
SEASON_FILES = {"results": "results.csv", "calendar": "calendar.csv"}
REQUIRED_ROLES = ("results",)
CALENDAR_COLUMNS = ["race", "date", "name", "kind", "lists"]
SYNTHETIC_MARK = "SYNTHETIC"


@dataclass
class SeasonContent:
    inputs: SystemInputs
    races: int
    result_rows: int
    synthetic: bool


def accepts_seasons(system: System) -> bool:
    """Whether an uploaded season can feed this system today (lists computed from results)."""
    return system.inputs == "stage_results"


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
        problems.append(Problem(system.id, "found a system whose ranking lists are not computed from results; "
                                           "seasons can be uploaded for: systems with stage results"))
    if problems:
        raise InputError(problems)
    # The readers read folders: a private temporary one, with fixed file names (never the user's).
    with tempfile.TemporaryDirectory(prefix="qualify-season-") as folder:
        directory = Path(folder)
        for role, content in files.items():
            (directory / SEASON_FILES[role]).write_bytes(content)
        try:
            calendar_rows = 0
            if files.get("calendar"):
                calendar_rows = len(read_csv(directory / SEASON_FILES["calendar"], required=CALENDAR_COLUMNS).rows)
            results = read_stage_results(directory, nocs=nocs)
            inputs = load_inputs(system, None, nocs, results_dir=directory)
        except InputError as exc:
            raise _renamed(exc, directory, shown) from None
    inputs.data_dir = Path(shown["results"])  # no server path is kept or shown
    races = len({r.stage for r in results}) if results else calendar_rows
    text = files["results"][:4096].decode("utf-8", errors="replace")
    synthetic = any(line.lstrip().startswith("#") and SYNTHETIC_MARK in line.upper() for line in text.splitlines())
    return SeasonContent(inputs, races, len(results), synthetic)


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
    """The system's bundled data, as `qualify allocate SYSTEM` would read it (short track: ``--places``)."""
    if system.inputs == "stage_results":
        published = bundled_data_dir(system.id) / "published" / "summary.csv"
        inputs = load_inputs(system, None, nocs, places_file=published)
        based_on = (f"the published Summary bundled with qualify ({system.id}/published/summary.csv): places as "
                    "published, every later rule (athletes, mixed relay, ceiling, reallocation) recomputed")
    else:
        inputs = load_inputs(system, None, nocs)
        based_on = f"the ranking lists bundled with qualify ({system.id}/)"
    return BundledContent(inputs, based_on, synthetic_banner(inputs))
