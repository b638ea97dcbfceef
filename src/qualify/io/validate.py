"""`qualify validate`: check input files without allocating, telling what each file is from its header."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qualify.errors import InputError
from qualify.io.csvfile import read_header
from qualify.io.declines import read_declines_file
from qualify.io.eligibility import read_race_results
from qualify.io.published import read_published_summary
from qualify.io.rankings import read_ranking_list
from qualify.io.season import read_calendar, validate_results_file
from qualify.model.common import Gender
from qualify.model.nocs import NocRegistry
from qualify.ranking.points import PointsTable
from qualify.rules import ListSpec, System, load_system_file

KINDS = ("rule-file", "noc-list", "athlete-list", "race", "results", "stage-results", "calendar",
         "eligibility-results", "declines", "published-summary", "points-table")
NEEDS_SYSTEM = {"declines", "published-summary"}


@dataclass(frozen=True)
class Checked:
    path: Path
    kind: str
    rows: int


def infer_kind(path: Path, system: System | None = None) -> str:
    if path.suffix.lower() in (".yaml", ".yml"):
        return "rule-file"
    columns = set(read_header(path))
    if not columns:
        raise InputError.single(str(path), f"empty file: found no header, expected a CSV header (or pass --kind, one "
                                           f"of {', '.join(KINDS)})")
    if {"stage", "event"} <= columns:
        return "stage-results"
    if {"race", "event"} <= columns:
        return "results"
    if {"race", "date", "lists"} <= columns:
        return "calendar"
    if {"race", "starters"} <= columns:
        return "eligibility-results"
    if {"place", "points"} <= columns:
        return "points-table"
    if {"rank", "noc"} <= columns:
        if "athlete" in columns:
            return "athlete-list" if "points" in columns else "race"
        return "noc-list" if "points" in columns else "race"
    if {"noc", "gender"} <= columns:
        return "declines"
    # A published Summary is told by the system's own column keys; a header with only "noc" and unknown columns
    # could be a declines file with a misspelt "gender" just as well, so it is not guessed.
    keys = {column.key for column in system.summary} if system is not None else set()
    published = {"noc", "row", "named_by"} | keys
    if "noc" in columns and (columns & keys or columns <= published or system is None):
        return "published-summary"
    raise InputError.single(str(path), f"cannot tell what this file is from its header ({', '.join(sorted(columns))});"
                                       f" pass --kind, one of {', '.join(KINDS)}", row=1)


def _list_spec(path: Path, kind: str, system: System | None) -> ListSpec:
    if system is not None:
        for spec in system.lists:
            if spec.file == path.name:
                return spec
    columns = set(read_header(path))
    return ListSpec(id=path.stem, title=path.name, gender=Gender.MEN, kind="race" if kind == "race" else "ranking",
                    entry="athlete" if kind == "athlete-list" or (kind == "race" and "athlete" in columns) else "noc",
                    file=path.name,
                    needs_continent="continent" in columns, needs_points=kind != "race")


def validate_file(path: Path, kind: str | None, system: System | None, nocs: NocRegistry) -> Checked:
    kind = kind or infer_kind(path, system)
    if kind == "rule-file":
        checked = load_system_file(path)
        return Checked(path, kind, len(checked.steps))
    if kind in NEEDS_SYSTEM:
        if system is None:
            raise InputError.single(str(path), f"a {kind} file is checked against a system: pass --system")
        if kind == "declines":
            return Checked(path, kind, len(read_declines_file(path, system, nocs)))
        return Checked(path, kind, len(read_published_summary(path, system, nocs).rows))
    if kind in ("noc-list", "athlete-list", "race"):
        return Checked(path, kind, len(read_ranking_list(path, _list_spec(path, kind, system), nocs).entries))
    if kind in ("results", "stage-results"):
        return Checked(path, kind, validate_results_file(path, system, nocs))
    if kind == "calendar":
        return Checked(path, kind, len(read_calendar(path, system).races))
    if kind == "eligibility-results":
        return Checked(path, kind, len(read_race_results(path, nocs)))
    if kind == "points-table":
        return Checked(path, kind, len(PointsTable.from_csv(path)))
    raise InputError.single(str(path), f"unknown kind '{kind}', expected one of {', '.join(KINDS)}")
