"""`qualify allocate`, `explain` and `compare`: one allocation, shown, explained or reconciled."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from qualify.cli.common import (
    DataOpt,
    DeclineOpt,
    DeclinesFileOpt,
    PlacesOpt,
    PointsOpt,
    ResultsOpt,
    SystemArg,
    app,
    console,
    errors,
    fail,
    input_paths,
    run_allocation,
    synthetic_banner,
)
from qualify.errors import AuditError, InputError
from qualify.explain import explain, render_explanation
from qualify.io.output import EXTENSIONS, check_output_path, choose_format, write_output
from qualify.io.published import compare, read_published_summary
from qualify.io.writers import FORMATS, print_tables, render
from qualify.model.nocs import load_nocs


@app.command("allocate")
def allocate_command(
    system: SystemArg,
    data: DataOpt = None,
    decline: DeclineOpt = None,
    declines: DeclinesFileOpt = None,
    fmt: Annotated[str | None, typer.Option("--format", help=f"One of: {', '.join(FORMATS)} (default: told by the "
                                                              "--output extension, else a table).")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="Write to this new or earlier output file "
                                                                 f"(atomically; {', '.join(sorted(EXTENSIONS))}); "
                                                                 "never an input, never in a missing folder.")] = None,
    results: ResultsOpt = None,
    points: PointsOpt = None,
    places: PlacesOpt = None,
) -> None:
    """Compute the allocation: the Summary by NOC and the Breakdown by pathway."""
    read = input_paths(system, data, results, points, places, declines)
    try:
        chosen = choose_format(fmt, output, FORMATS)
        if output is not None:
            check_output_path(output, read)  # before the work: a bad target fails fast
        rules, inputs, allocation = run_allocation(system, data, decline, declines, results, points, places)
        nocs = load_nocs()
        synthetic = synthetic_banner(inputs)
        if chosen == "table" and output is None:
            if synthetic:
                console.print(f"[bold red]{synthetic}[/bold red]")
            print_tables(console, rules, allocation, nocs)
            return
        content = render("markdown" if chosen == "table" else chosen, rules, allocation, nocs, banner=synthetic)
        if output is not None:
            write_output(output, content, [*read, inputs.data_dir])
            errors.print(f"wrote {output} ({chosen})", markup=False, highlight=False)
        elif isinstance(content, bytes):
            sys.stdout.buffer.write(content)
        else:
            sys.stdout.write(content)
    except (InputError, AuditError) as exc:
        fail(exc)


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
        rules, inputs, allocation = run_allocation(system, data, decline, declines, results, points, places)
    except (InputError, AuditError) as exc:
        fail(exc)
    banner = synthetic_banner(inputs)
    if banner:
        console.print(banner, markup=False)
    for line in render_explanation(rules, explain(rules, allocation, inputs.lists, code, nocs)):
        console.print(line, markup=False, highlight=False)


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
        rules, _, allocation = run_allocation(system, data, decline, declines, results, points, places)
        table = read_published_summary(published, rules, nocs)
    except (InputError, AuditError) as exc:
        fail(exc)
    mismatches = compare(rules, allocation, table, nocs)
    cells = len(table.rows) * len(table.columns)
    for mismatch in mismatches:
        console.print(f"mismatch: {mismatch.line()}", markup=False, highlight=False)
    console.print(f"{cells - len({(m.noc, m.column) for m in mismatches if m.noc in {r.noc for r in table.rows}})}"
                  f" of {cells} published cells match; {len(mismatches)} mismatch(es)", markup=False)
    if mismatches:
        raise typer.Exit(code=1)


