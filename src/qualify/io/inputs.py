"""Where a system's inputs live, and reading all of them into the domain model at once."""

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
from qualify.io.stage_results import read_stage_results
from qualify.model.allocation import Place
from qualify.model.nocs import NocRegistry
from qualify.model.ranking import RankingEntry, RankingList
from qualify.ranking.points import PointsTable
from qualify.ranking.soqc import build_soqc
from qualify.rules import System


@dataclass
class SystemInputs:
    data_dir: Path
    lists: dict[str, RankingList]
    race_results: list[RaceResult] | None
    given_places: list[Place] = field(default_factory=list)
    declines: list[Decline] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def bundled_data_dir(system_id: str) -> Path:
    """The data shipped for a bundled system (``data/<system>/`` in the source tree)."""
    folder = resources.files("qualify").joinpath("bundled", system_id)
    path = Path(str(folder))
    if not path.is_dir():
        raise InputError.single(system_id, "no bundled data for this system; pass --data DIR")
    return path


def load_inputs(system: System, data_dir: Path | None, nocs: NocRegistry, *, results_dir: Path | None = None,
                points_file: Path | None = None, places_file: Path | None = None) -> SystemInputs:
    if places_file is not None:
        return _from_published_places(system, places_file, results_dir, nocs, points_file)
    if system.inputs == "stage_results":
        return _from_stage_results(system, results_dir or data_dir, nocs, points_file)
    directory = data_dir if data_dir is not None else bundled_data_dir(system.id)
    if not directory.is_dir():
        raise InputError.single(str(directory), "data directory not found")
    lists = read_lists(system, directory, nocs)
    race_results = None
    if system.eligibility is not None:
        results_path = directory / system.eligibility.results_file
        if results_path.exists():
            race_results = read_race_results(results_path, nocs)
    crosscheck.check_lists(system, lists, race_results)
    return SystemInputs(directory, lists, race_results)


def _from_stage_results(system: System, results_dir: Path | None, nocs: NocRegistry,
                        points_file: Path | None) -> SystemInputs:
    """Lists computed from stage results (short track SOQC); a list with no results is empty, not missing."""
    if results_dir is None:
        raise InputError.single(system.id, "this system computes its ranking lists from stage results: pass "
                                           "--results DIR (e.g. one written by `qualify synth`)")
    if not results_dir.exists():
        raise InputError.single(str(results_dir), "results folder not found")
    table = PointsTable.from_csv(points_file) if points_file is not None else PointsTable.default()
    built = build_soqc(read_stage_results(results_dir, nocs=nocs), table)
    lists = {}
    for spec in system.lists:
        found = built.get(spec.id)
        entries = found.entries if found is not None else ()
        lists[spec.id] = RankingList(id=spec.id, title=spec.title, gender=spec.gender, event=spec.event,
                                     kind=spec.kind, entries=entries,
                                     source=found.source if found is not None else "no results for this event")
    return SystemInputs(results_dir, lists, None)


def _from_published_places(system: System, places_file: Path, results_dir: Path | None, nocs: NocRegistry,
                           points_file: Path | None) -> SystemInputs:
    """Places as a published Summary shows them (struck values as declines), instead of the ranking walks.

    Steps after the walks still need an order (mixed relay, additional athlete): the SOQC from --results when
    given; otherwise NOCs by code, with a note, since a published Summary does not carry the ranking order.
    """
    table = read_published_summary(places_file, system, nocs)
    places, declines = places_from_published(system, table)
    notes = []
    if results_dir is not None:
        lists = _from_stage_results(system, results_dir, nocs, points_file).lists
    else:
        holders = sorted({p.noc for p in places})
        lists = {spec.id: RankingList(id=spec.id, title=f"{spec.title} (order unknown: NOCs by code)",
                                      gender=spec.gender, event=spec.event, kind=spec.kind,
                                      entries=tuple(RankingEntry(rank=i, noc=noc) for i, noc in
                                                    enumerate(holders, start=1)),
                                      source="no ranking given")
                 for spec in system.lists}
        notes.append("places taken from a published table without ranking lists: where a step needs a ranking "
                     "order (mixed relay, additional athlete, reallocation) NOCs are taken by IOC code")
    return SystemInputs(places_file.parent, lists, None, places, declines, notes)
