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
SeasonOpt = Annotated[Path | None, typer.Option("--season", "--results", help="A season folder (calendar.csv and "
                                                                             "results.csv): the lists are built from "
                                                                             "its results (--results: the same).")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="With --season: the race after which the season "
                                                             "stands (default: the last race with results).")]
PlacesOpt = Annotated[Path | None, typer.Option("--places", help="Take starting places from a published Summary "
                                                                 "CSV (struck values as declines) instead of the "
                                                                 "ranking walks.")]
PointsOpt = Annotated[list[str] | None, typer.Option("--points", help="With --season: a points table CSV "
                                                                     "(place,points) replacing the rule file's, as "
                                                                     "FILE or ID=FILE; repeatable.")]


def fail(exc: InputError) -> None:
    for line in exc.lines():
        errors.print(f"error: {line}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


def run_allocation(system_id: str, data: Path | None, decline: list[str] | None, declines_file: Path | None, *,
                   season: Path | None = None, as_of: str | None = None, points: list[str] | None = None,
                   places: Path | None = None) -> tuple[System, SystemInputs, Allocation]:
    nocs = load_nocs()
    system = load_system(system_id)
    inputs = load_inputs(system, data, nocs, season_dir=season, as_of=as_of, points=points, places_file=places)
    declines: list[Decline] = list(inputs.declines)
    declines += [parse_decline(text, system, nocs) for text in decline or []]
    if declines_file is not None:
        declines += read_declines_file(declines_file, system, nocs)
    allocation = allocate(system, inputs.lists, declines=declines, race_results=inputs.race_results, nocs=nocs,
                          given_places=inputs.given_places, notes=inputs.notes)
    return system, inputs, allocation


def synthetic_banner(inputs: SystemInputs) -> str | None:
    """The synthetic-data notice the readers found in the data itself (a ``# SYNTHETIC ...`` line), if any."""
    if inputs.notice:
        return f"{inputs.notice} (from {inputs.data_dir})"
    return None


def input_banner(inputs: SystemInputs) -> str:
    """One line for every output: what it is based on, and the synthetic-data notice first when there is one."""
    based = f"Based on {inputs.basis}." if inputs.basis else ""
    synthetic = synthetic_banner(inputs)
    return f"{synthetic}. {based}".strip() if synthetic else based


