"""Where a system's inputs live, and reading all of them into the domain model at once."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from qualify.engine.eligibility import RaceResult
from qualify.errors import InputError
from qualify.io.eligibility import read_race_results
from qualify.io.rankings import read_lists
from qualify.model.nocs import NocRegistry
from qualify.model.ranking import RankingList
from qualify.rules import System


@dataclass
class SystemInputs:
    data_dir: Path
    lists: dict[str, RankingList]
    race_results: list[RaceResult] | None


def bundled_data_dir(system_id: str) -> Path:
    """The data shipped for a bundled system (``data/<system>/`` in the source tree)."""
    folder = resources.files("qualify").joinpath("bundled", system_id)
    path = Path(str(folder))
    if not path.is_dir():
        raise InputError.single(system_id, "no bundled data for this system; pass --data DIR")
    return path


def load_inputs(system: System, data_dir: Path | None, nocs: NocRegistry) -> SystemInputs:
    directory = data_dir if data_dir is not None else bundled_data_dir(system.id)
    if not directory.is_dir():
        raise InputError.single(str(directory), "data directory not found")
    lists = read_lists(system, directory, nocs)
    race_results = None
    if system.eligibility is not None:
        results_path = directory / system.eligibility.results_file
        if results_path.exists():
            race_results = read_race_results(results_path, nocs)
    return SystemInputs(directory, lists, race_results)
