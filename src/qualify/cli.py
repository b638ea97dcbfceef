"""The `qualify` command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from qualify.engine import Decline, allocate
from qualify.errors import InputError
from qualify.explain import explain, render_explanation
from qualify.io.declines import parse_decline, read_declines_file
from qualify.io.inputs import SystemInputs, load_inputs
from qualify.io.writers import FORMATS, print_tables, render, write_atomically
from qualify.model.allocation import Allocation
from qualify.model.nocs import load_nocs
from qualify.rules import System, bundled_system_ids, load_system

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Olympic qualification: compute, explain and export quota allocations.")
console = Console()
errors = Console(stderr=True)

SystemArg = Annotated[str, typer.Argument(help="A bundled system id (see `qualify systems`) or a rule file path.")]
DataOpt = Annotated[Path | None, typer.Option("--data", help="Folder with the system's input CSVs "
                                                             "(default: the bundled data).")]
DeclineOpt = Annotated[list[str] | None, typer.Option("--decline", help="NOC:GENDER[:STEP] giving up a place; "
                                                                      "repeatable.")]
DeclinesFileOpt = Annotated[Path | None, typer.Option("--declines", help="CSV of declines: noc,gender[,step].")]


def _fail(exc: InputError) -> None:
    for line in exc.lines():
        errors.print(f"error: {line}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


def _run(system_id: str, data: Path | None, decline: list[str] | None,
         declines_file: Path | None) -> tuple[System, SystemInputs, Allocation]:
    nocs = load_nocs()
    system = load_system(system_id)
    inputs = load_inputs(system, data, nocs)
    declines: list[Decline] = [parse_decline(text, system, nocs) for text in decline or []]
    if declines_file is not None:
        declines += read_declines_file(declines_file, system, nocs)
    allocation = allocate(system, inputs.lists, declines=declines, race_results=inputs.race_results, nocs=nocs)
    return system, inputs, allocation


@app.command()
def systems() -> None:
    """List the bundled qualification systems."""
    table = Table(title="Bundled systems")
    for name in ("id", "sport", "edition", "events", "total places"):
        table.add_column(name)
    try:
        for system_id in bundled_system_ids():
            system = load_system(system_id)
            table.add_row(system.id, system.sport, system.edition, ", ".join(e.name for e in system.events),
                          str(system.total_places))
    except InputError as exc:
        _fail(exc)
    console.print(table)


@app.command("allocate")
def allocate_command(
    system: SystemArg,
    data: DataOpt = None,
    decline: DeclineOpt = None,
    declines: DeclinesFileOpt = None,
    fmt: Annotated[str, typer.Option("--format", help=f"One of: {', '.join(FORMATS)}.")] = "table",
    output: Annotated[Path | None, typer.Option("--output", help="Write to this file (atomically).")] = None,
) -> None:
    """Compute the allocation: the Summary by NOC and the Breakdown by pathway."""
    if fmt not in FORMATS:
        errors.print(f"error: --format: found '{fmt}', expected one of {', '.join(FORMATS)}", markup=False)
        raise typer.Exit(code=2)
    if fmt == "xlsx" and output is None:
        errors.print("error: --format xlsx needs --output FILE", markup=False)
        raise typer.Exit(code=2)
    try:
        rules, _, allocation = _run(system, data, decline, declines)
    except InputError as exc:
        _fail(exc)
    nocs = load_nocs()
    if fmt == "table" and output is None:
        print_tables(console, rules, allocation, nocs)
        return
    content = render("markdown" if fmt == "table" else fmt, rules, allocation, nocs)
    if output is not None:
        write_atomically(output, content)
        errors.print(f"wrote {output}", markup=False)
    else:
        sys.stdout.write(content)


@app.command("explain")
def explain_command(
    system: SystemArg,
    noc: Annotated[str, typer.Argument(help="IOC code, e.g. BEL.")],
    data: DataOpt = None,
    decline: DeclineOpt = None,
    declines: DeclinesFileOpt = None,
) -> None:
    """Every place an NOC got and every place it missed, with step, list, rank, reason and clause."""
    nocs = load_nocs()
    code = noc.upper()
    try:
        if code not in nocs:
            raise InputError.single("NOC", f"unknown NOC code '{noc}'")
        rules, inputs, allocation = _run(system, data, decline, declines)
    except InputError as exc:
        _fail(exc)
    for line in render_explanation(rules, explain(rules, allocation, inputs.lists, code, nocs)):
        console.print(line, markup=False, highlight=False)


@app.command("rankings")
def rankings_command(
    system: SystemArg,
    list_id: Annotated[str | None, typer.Argument(metavar="[LIST]", help="One list id; all lists if omitted.")] = None,
    data: DataOpt = None,
) -> None:
    """Print the ranking lists as the allocation uses them."""
    nocs = load_nocs()
    try:
        rules = load_system(system)
        inputs = load_inputs(rules, data, nocs)
        if list_id is not None and list_id not in inputs.lists:
            raise InputError.single("LIST", f"unknown list '{list_id}', expected one of "
                                            f"{', '.join(inputs.lists)}")
    except InputError as exc:
        _fail(exc)
    for ranking in inputs.lists.values():
        if list_id is not None and ranking.id != list_id:
            continue
        table = Table(title=f"{ranking.title} [{ranking.id}]")
        show_athlete = any(e.athlete for e in ranking.entries)
        show_points = any(e.points is not None for e in ranking.entries)
        columns = ["Rank", "NOC", "Nation"] + (["Athlete"] if show_athlete else []) + (
            ["Points"] if show_points else [])
        for name in columns:
            table.add_column(name)
        for entry in ranking.entries:
            row = [str(entry.rank), entry.noc, nocs.name(entry.noc)]
            if show_athlete:
                row.append(entry.athlete or "")
            if show_points:
                row.append("" if entry.points is None else f"{entry.points:g}")
            table.add_row(*row)
        console.print(table)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
