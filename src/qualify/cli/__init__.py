"""The `qualify` command line: one module per command group, all registered on one typer app."""

from qualify.cli import allocation, forecast, rankings, season, serve, synth, systems, validate  # noqa: F401  (registers the commands)
from qualify.cli.common import app


def main() -> None:
    app()


__all__ = ["app", "main"]
