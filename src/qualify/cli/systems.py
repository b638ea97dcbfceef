"""`qualify systems`: the bundled qualification systems."""

from __future__ import annotations

from qualify.cli.common import app, console, fail
from qualify.errors import InputError
from qualify.io.formats.grid import CellValue, Column, Grid, Wrapped
from qualify.rules import bundled_system_ids, load_system


@app.command()
def systems() -> None:
    """List the bundled qualification systems."""
    rows: list[list[CellValue]] = []
    try:
        for system_id in bundled_system_ids():
            system = load_system(system_id)
            rows.append([system.id, Wrapped((system.sport, system.edition)),
                         Wrapped(tuple(e.name for e in system.events)), str(system.total_places)])
    except InputError as exc:
        fail(exc)
    # The id is what a user copies into the next command: it never wraps; the descriptions do.
    grid = Grid(Column("id", align="left"), [Column("sport, edition", align="left", wrap=True, min_width=18),
                                             Column("events", align="left", wrap=True, min_width=20),
                                             Column("places")], rows, title="Bundled systems")
    for line in grid.render(console.width):
        console.print(line, soft_wrap=True, highlight=False)
