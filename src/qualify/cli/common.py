"""What every command shares: the app, the consoles, the input options, and turning input errors into exit 2."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console, ConsoleDimensions

from qualify.engine import Decline, allocate
from qualify.errors import InputError
from qualify.io.declines import parse_decline, read_declines_file
from qualify.io.inputs import SystemInputs, load_inputs
from qualify.model.allocation import Allocation
from qualify.model.nocs import load_nocs
from qualify.rules import System, load_system

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Olympic qualification: compute, explain and export quota allocations.")


class _OutputConsole(Console):
    """Follows COLUMNS, else the terminal on stdout, stdin or stderr (so `| less` still fits the screen); with
    no terminal at all (a file from cron, CI) 200 columns, so the published tables stay whole, one table each."""

    @property
    def size(self) -> ConsoleDimensions:
        size = super().size
        if self._width is None and "COLUMNS" not in os.environ and not _attached_to_terminal():
            return ConsoleDimensions(200, size.height)
        return size

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        self.width, self.height = new_size


def _attached_to_terminal() -> bool:
    for descriptor in (0, 1, 2):
        try:
            os.get_terminal_size(descriptor)
        except OSError:
            continue
        return True
    return False


# No emoji codes: ":M:" in "BEL:M:host" must stay text.
console = _OutputConsole(emoji=False)
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


def fail(exc: InputError) -> None:
    for line in exc.lines():
        errors.print(f"error: {line}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


def run_allocation(system_id: str, data: Path | None, decline: list[str] | None, declines_file: Path | None,
         results: Path | None = None, points: Path | None = None,
         places: Path | None = None) -> tuple[System, SystemInputs, Allocation]:
    nocs = load_nocs()
    system = load_system(system_id)
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


