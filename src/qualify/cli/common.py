"""What every command shares: the app, the consoles, the input options, and turning errors into exit codes.

Exit codes: 0 done, 1 a comparison found differences, 2 a problem with the user's input (files, options, rule
file, output path), 3 an allocation that breaks its own rules (the audit; a rule-file or engine inconsistency).
Every error is printed as one line per problem on stderr, and nothing is written.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from qualify.engine import Decline, allocate
from qualify.errors import AuditError, InputError
from qualify.io.crosscheck import check_options
from qualify.io.declines import parse_decline, read_declines_file
from qualify.io.inputs import SystemInputs, bundled_data_dir, load_inputs
from qualify.io.published import STRUCK_FILE
from qualify.model.allocation import Allocation
from qualify.model.nocs import load_nocs
from qualify.rules import System, bundled_system_ids, load_system

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Olympic qualification: compute, explain and export quota allocations.")
# Published tables are wide: when output is not a terminal, do not squeeze them into 80 columns.
# No emoji codes: ":M:" in "BEL:M:host" must stay text.
console = Console(emoji=False) if Console().is_terminal else Console(width=200, emoji=False)
errors = Console(stderr=True, emoji=False)

SystemArg = Annotated[str, typer.Argument(help="A bundled system id (see `qualify systems`) or a rule file path.")]
DataOpt = Annotated[Path | None, typer.Option("--data", help="Folder with the system's input CSVs "
                                                             "(default: the bundled data).")]
DeclineOpt = Annotated[list[str] | None, typer.Option("--decline", help="NOC:GENDER[:STEP] giving up a place; "
                                                                      "repeatable.")]
DeclinesFileOpt = Annotated[Path | None, typer.Option("--declines", help="CSV of declines: noc,gender[,step][,event].")]
ResultsOpt = Annotated[Path | None, typer.Option("--results", help="Folder with stage results (results.csv), for "
                                                                   "systems that compute their lists (short track).")]
PlacesOpt = Annotated[Path | None, typer.Option("--places", help="Take starting places from a published Summary "
                                                                 "CSV (struck values as declines) instead of the "
                                                                 "ranking walks.")]
PointsOpt = Annotated[Path | None, typer.Option("--points", help="A points table CSV (place,points) replacing the "
                                                                 "bundled one.")]


def fail(exc: InputError | AuditError) -> NoReturn:
    """Print each problem as one line and exit: 2 for input problems, 3 for an audit breach."""
    for line in exc.lines():
        errors.print(f"error: {line}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code=exc.EXIT_CODE)


def input_paths(system_id: str, data: Path | None, results: Path | None = None, points: Path | None = None,
                places: Path | None = None, declines_file: Path | None = None) -> list[Path]:
    """Every file and folder a run reads, so that no output ever lands on one."""
    paths = [path for path in (data, results, points, places, declines_file) if path is not None]
    if places is not None:
        paths.append(places.parent / STRUCK_FILE)
    if Path(system_id).suffix in {".yaml", ".yml"}:
        paths.append(Path(system_id))
    elif system_id in bundled_system_ids():
        paths.append(Path(str(resources.files("qualify.systems").joinpath(f"{system_id}.yaml"))))
        if data is None and results is None:
            try:
                paths.append(bundled_data_dir(system_id))
            except InputError:
                pass
    return paths


def run_allocation(system_id: str, data: Path | None, decline: list[str] | None, declines_file: Path | None,
                   results: Path | None = None, points: Path | None = None,
                   places: Path | None = None) -> tuple[System, SystemInputs, Allocation]:
    """Read everything, check it, allocate (with the audit). Raises InputError or AuditError."""
    nocs = load_nocs()
    system = load_system(system_id)
    check_options(system, data=data, results=results, points=points, places=places)
    inputs = load_inputs(system, data, nocs, results_dir=results, points_file=points, places_file=places)
    declines: list[Decline] = list(inputs.declines)
    declines += [parse_decline(text, system, nocs) for text in decline or []]
    if declines_file is not None:
        declines += read_declines_file(declines_file, system, nocs)
    allocation = allocate(system, inputs.lists, declines=declines, race_results=inputs.race_results, nocs=nocs,
                          given_places=inputs.given_places, notes=inputs.notes)
    return system, inputs, allocation


def synthetic_banner(inputs: SystemInputs) -> str | None:
    marker = inputs.data_dir / "README.txt"
    if inputs.data_dir.is_dir() and marker.exists() and "SYNTHETIC" in marker.read_text(encoding="utf-8",
                                                                                         errors="replace"):
        return f"SYNTHETIC DATA from {inputs.data_dir}: not real results"
    return None


