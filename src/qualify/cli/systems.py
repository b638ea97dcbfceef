"""`qualify systems`: the bundled qualification systems."""

from __future__ import annotations

from rich.table import Table

from qualify.cli.common import app, console, fail
from qualify.errors import InputError
from qualify.rules import bundled_system_ids, load_system


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
        fail(exc)
    console.print(table)


