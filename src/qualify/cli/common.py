"""What every command shares: the app, the consoles, the input options, and turning errors into exit codes.

Exit codes: 0 done, 1 a comparison found differences, 2 a problem with the user's input (files, options, rule
file, output path), 3 an allocation that breaks its own rules (the audit; a rule-file or engine inconsistency).
Every error is printed as one line per problem on stderr, and nothing is written.
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console, ConsoleDimensions

from qualify.engine import Decline, allocate
from qualify.errors import AuditError, InputError
from qualify.io.crosscheck import check_options
from qualify.io.declines import parse_decline, read_declines_file
from qualify.io.inputs import SystemInputs, bundled_data_dir, load_inputs
from qualify.io.output import check_output_path, choose_format, write_output
from qualify.io.published import STRUCK_FILE
from qualify.model.allocation import Allocation
from qualify.model.nocs import load_nocs
from qualify.rules import System, bundled_system_ids, load_system

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


def fail(exc: InputError | AuditError) -> NoReturn:
    """Print each problem as one line and exit: 2 for input problems, 3 for an audit breach."""
    for line in exc.lines():
        errors.print(f"error: {line}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code=exc.EXIT_CODE)


def input_paths(system_id: str, data: Path | None, season: Path | None = None, points: list[str] | None = None,
                places: Path | None = None, declines_file: Path | None = None) -> list[Path]:
    """Every file and folder a run reads, so that no output ever lands on one."""
    paths = [path for path in (data, season, places, declines_file) if path is not None]
    paths += [Path(text.partition("=")[2] or text) for text in points or []]  # FILE or ID=FILE
    if places is not None:
        paths.append(places.parent / STRUCK_FILE)
    if Path(system_id).suffix in {".yaml", ".yml"}:
        paths.append(Path(system_id))
    elif system_id in bundled_system_ids():
        paths.append(Path(str(resources.files("qualify.systems").joinpath(f"{system_id}.yaml"))))
        try:
            paths.append(bundled_data_dir(system_id))  # read for defaults, fixed lists and calendars
        except InputError:
            pass
    return paths


def run_allocation(system_id: str, data: Path | None, decline: list[str] | None, declines_file: Path | None, *,
                   season: Path | None = None, as_of: str | None = None, points: list[str] | None = None,
                   places: Path | None = None) -> tuple[System, SystemInputs, Allocation]:
    """Read everything, check it, allocate (with the audit). Raises InputError or AuditError."""
    nocs = load_nocs()
    system = load_system(system_id)
    check_options(system, places=places)
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


def output_format(fmt: str | None, output: Path | None, formats: tuple[str, ...], read: list[Path]) -> str:
    """The format to write (``--format``, else the ``--output`` extension, else a table), with the output path
    checked before any work: never an input, never a folder, never in a missing folder."""
    chosen = choose_format(fmt, output, formats)
    if output is not None:
        check_output_path(output, read)
    return chosen


def emit(content: str | bytes, output: Path | None, read: list[Path], chosen: str) -> None:
    """Write to ``--output`` through the one safe writer, or to stdout."""
    if output is not None:
        write_output(output, content, read)
        errors.print(f"wrote {output} ({chosen})", markup=False, highlight=False)
    elif isinstance(content, bytes):
        sys.stdout.buffer.write(content)
    else:
        sys.stdout.write(content)
