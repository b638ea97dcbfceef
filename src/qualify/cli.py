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
from qualify.io.published import compare, read_published_summary
from qualify.io.validate import KINDS, validate_file
from qualify.io.writers import FORMATS, print_tables, render, write_atomically
from qualify.model.allocation import Allocation
from qualify.model.nocs import load_nocs
from qualify.ranking.soqc import format_points
from qualify.ranking.synth import synthesize
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


def _fail(exc: InputError) -> None:
    for line in exc.lines():
        errors.print(f"error: {line}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


def _run(system_id: str, data: Path | None, decline: list[str] | None, declines_file: Path | None,
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
    results: ResultsOpt = None,
    points: PointsOpt = None,
    places: PlacesOpt = None,
) -> None:
    """Compute the allocation: the Summary by NOC and the Breakdown by pathway."""
    if fmt not in FORMATS:
        errors.print(f"error: --format: found '{fmt}', expected one of {', '.join(FORMATS)}", markup=False)
        raise typer.Exit(code=2)
    if fmt == "xlsx" and output is None:
        errors.print("error: --format xlsx needs --output FILE", markup=False)
        raise typer.Exit(code=2)
    try:
        rules, inputs, allocation = _run(system, data, decline, declines, results, points, places)
    except InputError as exc:
        _fail(exc)
    nocs = load_nocs()
    synthetic = _synthetic_banner(inputs)
    if fmt == "table" and output is None:
        if synthetic:
            console.print(f"[bold red]{synthetic}[/bold red]")
        print_tables(console, rules, allocation, nocs)
        return
    content = render("markdown" if fmt == "table" else fmt, rules, allocation, nocs, banner=synthetic)
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
    results: ResultsOpt = None,
    points: PointsOpt = None,
    places: PlacesOpt = None,
) -> None:
    """Every place an NOC got and every place it missed, with step, list, rank, reason and clause."""
    nocs = load_nocs()
    code = noc.upper()
    try:
        if code not in nocs:
            raise InputError.single("NOC", f"unknown NOC code '{noc}'")
        rules, inputs, allocation = _run(system, data, decline, declines, results, points, places)
    except InputError as exc:
        _fail(exc)
    banner = _synthetic_banner(inputs)
    if banner:
        console.print(banner, markup=False)
    for line in render_explanation(rules, explain(rules, allocation, inputs.lists, code, nocs)):
        console.print(line, markup=False, highlight=False)


@app.command("rankings")
def rankings_command(
    system: SystemArg,
    list_id: Annotated[str | None, typer.Argument(metavar="[LIST]", help="One list id; all lists if omitted.")] = None,
    data: DataOpt = None,
    results: ResultsOpt = None,
    points: PointsOpt = None,
) -> None:
    """Print the ranking lists as the allocation uses them (short track: the SOQC tables)."""
    nocs = load_nocs()
    try:
        rules = load_system(system)
        inputs = load_inputs(rules, data, nocs, results_dir=results, points_file=points)
        if list_id is not None and list_id not in inputs.lists:
            raise InputError.single("LIST", f"unknown list '{list_id}', expected one of "
                                            f"{', '.join(inputs.lists)}")
    except InputError as exc:
        _fail(exc)
    banner = _synthetic_banner(inputs)
    if banner:
        console.print(f"[bold red]{banner}[/bold red]")
    for ranking in inputs.lists.values():
        if list_id is not None and ranking.id != list_id:
            continue
        table = Table(title=f"{ranking.title} [{ranking.id}]" + (" (SYNTHETIC)" if banner else ""))
        show_athlete = any(e.athlete for e in ranking.entries)
        show_qualifier = any(e.qualifier for e in ranking.entries)
        show_points = any(e.points is not None for e in ranking.entries)
        columns = ["Rank", "NOC", "Nation"] + (["Athlete"] if show_athlete else []) + (
            ["Qualifier"] if show_qualifier else []) + (["Points"] if show_points else [])
        for name in columns:
            table.add_column(name, justify="right" if name in ("Rank", "Qualifier", "Points") else "left")
        for entry in ranking.entries:
            row = [str(entry.rank), entry.noc, nocs.name(entry.noc)]
            if show_athlete:
                row.append(entry.athlete or "")
            if show_qualifier:
                row.append(str(entry.qualifier or ""))
            if show_points:
                row.append(_points_text(rules, entry.points))
            table.add_row(*row)
        console.print(table)


def _points_text(rules: System, points: float | None) -> str:
    if points is None:
        return ""
    # SOQC totals are published with one decimal (3000.0); other lists in whole points.
    return format_points(points) if rules.inputs == "stage_results" else f"{points:g}"


def _synthetic_banner(inputs: SystemInputs) -> str | None:
    marker = inputs.data_dir / "README.txt"
    if inputs.data_dir.is_dir() and marker.exists() and "SYNTHETIC" in marker.read_text(encoding="utf-8",
                                                                                         errors="replace"):
        return f"SYNTHETIC DATA from {inputs.data_dir}: not real results"
    return None


@app.command("compare")
def compare_command(
    system: SystemArg,
    published: Annotated[Path, typer.Option("--published", help="The published Summary as CSV (noc + column keys; "
                                                                "a struck.csv beside it gives struck values).")],
    data: DataOpt = None,
    decline: DeclineOpt = None,
    declines: DeclinesFileOpt = None,
    results: ResultsOpt = None,
    points: PointsOpt = None,
    places: PlacesOpt = None,
) -> None:
    """Reconcile the computed allocation with a published Summary, cell by cell. Exit 1 on any mismatch."""
    nocs = load_nocs()
    try:
        rules, _, allocation = _run(system, data, decline, declines, results, points, places)
        table = read_published_summary(published, rules, nocs)
    except InputError as exc:
        _fail(exc)
    mismatches = compare(rules, allocation, table, nocs)
    cells = len(table.rows) * len(table.columns)
    for mismatch in mismatches:
        console.print(f"mismatch: {mismatch.line()}", markup=False, highlight=False)
    console.print(f"{cells - len({(m.noc, m.column) for m in mismatches if m.noc in {r.noc for r in table.rows}})}"
                  f" of {cells} published cells match; {len(mismatches)} mismatch(es)", markup=False)
    if mismatches:
        raise typer.Exit(code=1)


@app.command("validate")
def validate_command(
    files: Annotated[list[Path], typer.Argument(help="Input files: lists, results, rule files, declines, tables.")],
    kind: Annotated[str | None, typer.Option("--kind", help=f"What the files are: {', '.join(KINDS)} "
                                                            "(default: told from each header).")] = None,
    system: Annotated[str | None, typer.Option("--system", help="Check against this system (needed for "
                                                                "declines and published tables).")] = None,
) -> None:
    """Check input files without allocating; every problem in every file is reported."""
    nocs = load_nocs()
    problems = []
    try:
        rules = load_system(system) if system else None
        if kind is not None and kind not in KINDS:
            raise InputError.single("--kind", f"found '{kind}', expected one of {', '.join(KINDS)}")
    except InputError as exc:
        _fail(exc)
    for path in files:
        try:
            checked = validate_file(path, kind, rules, nocs)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        console.print(f"ok: {checked.path} ({checked.kind}, {checked.rows} rows)", markup=False, highlight=False)
    if problems:
        _fail(InputError(problems))


@app.command()
def synth(
    system: SystemArg,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed writes the same files.")] = 1,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the synthetic season into.")] = Path("synthetic"),
) -> None:
    """Write a realistic synthetic season of stage results (clearly marked synthetic)."""
    try:
        rules = load_system(system)
        if rules.inputs != "stage_results":
            raise InputError.single(system, "synth makes stage results; this system reads ranking lists")
        if out.exists() and any(out.iterdir()):
            raise InputError.single(str(out), "folder is not empty; choose a new folder so nothing is overwritten")
    except InputError as exc:
        _fail(exc)
    path = synthesize(seed, out)
    errors.print(f"wrote SYNTHETIC season (seed {seed}) to {path}", markup=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
