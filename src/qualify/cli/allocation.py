"""`qualify allocate`, `explain` and `compare`: one allocation, shown, explained or reconciled."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from qualify.cli.common import (
    AsOfOpt,
    DataOpt,
    DeclineOpt,
    DeclinesFileOpt,
    PlacesOpt,
    PointsOpt,
    SeasonOpt,
    SystemArg,
    app,
    console,
    errors,
    fail,
    input_banner,
    input_paths,
    run_allocation,
    synthetic_banner,
)
from qualify.errors import AuditError, InputError
from qualify.explain import explain, render_explanation, wrap_explanation
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
    season: SeasonOpt = None,
    as_of: AsOfOpt = None,
    points: PointsOpt = None,
    places: PlacesOpt = None,
) -> None:
    """Compute the allocation: the Summary by NOC and the Breakdown by pathway."""
    read = input_paths(system, data, season, points, places, declines)
    try:
        chosen = choose_format(fmt, output, FORMATS)
        if output is not None:
            check_output_path(output, read)  # before the work: a bad target fails fast
        rules, inputs, allocation = run_allocation(system, data, decline, declines, season=season, as_of=as_of,
                                                   points=points, places=places)
        nocs = load_nocs()
        banner = input_banner(inputs)
        if chosen == "table" and output is None:
            console.print(banner, style="bold red" if inputs.notice else None, markup=False, highlight=False)
            print_tables(console, rules, allocation, nocs)
            return
        if chosen == "json":
            # "notice" keeps meaning synthetic data; what the allocation is based on is its own field.
            content = render("json", rules, allocation, nocs, banner=synthetic_banner(inputs), basis=inputs.basis)
        else:
            content = render("markdown" if chosen == "table" else chosen, rules, allocation, nocs,
                             banner=banner or None)
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
    season: SeasonOpt = None,
    as_of: AsOfOpt = None,
    points: PointsOpt = None,
    places: PlacesOpt = None,
) -> None:
    """Every place an NOC got and every place it missed, with step, list, rank, reason and clause."""
    nocs = load_nocs()
    code = noc.upper()
    try:
        if code not in nocs:
            raise InputError.single("NOC", f"unknown NOC code '{noc}'")
        rules, inputs, allocation = run_allocation(system, data, decline, declines, season=season, as_of=as_of,
                                                   points=points, places=places)
    except (InputError, AuditError) as exc:
        fail(exc)
    console.print(input_banner(inputs), markup=False, highlight=False, soft_wrap=not console.is_terminal)
    # A terminal gets lines wrapped to its width; a pipe gets each line whole (see wrap_explanation).
    lines = render_explanation(rules, explain(rules, allocation, inputs.lists, code, nocs))
    for line in wrap_explanation(lines, console.width if console.is_terminal else None):
        console.print(line, markup=False, highlight=False, soft_wrap=True)


@app.command("compare")
def compare_command(
    system: SystemArg,
    published: Annotated[Path, typer.Option("--published", help="The published Summary as CSV (noc + column keys; "
                                                                "a struck.csv beside it gives struck values).")],
    data: DataOpt = None,
    decline: DeclineOpt = None,
    declines: DeclinesFileOpt = None,
    season: SeasonOpt = None,
    as_of: AsOfOpt = None,
    points: PointsOpt = None,
    places: PlacesOpt = None,
) -> None:
    """Reconcile the computed allocation with a published Summary, cell by cell. Exit 1 on any mismatch."""
    nocs = load_nocs()
    try:
        rules, _, allocation = run_allocation(system, data, decline, declines, season=season, as_of=as_of,
                                                   points=points, places=places)
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


