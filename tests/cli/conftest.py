"""Shared fixtures for the command-line tests: a CLI runner and a private copy of the bundled data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualify.cli import app
from tests.conftest import DATA

SYSTEM = "ski-mountaineering-2026"


@pytest.fixture
def invoke():
    """Run ``qualify ARGS`` in-process; stdout and stderr are captured separately by typer's runner.

    COLUMNS is fixed so Rich tables and wrapped lines do not depend on the terminal running the tests.
    """
    runner = CliRunner(env={"COLUMNS": "250"})

    def run(*args: str, columns: int | None = None):
        env = {"COLUMNS": str(columns)} if columns is not None else None
        return runner.invoke(app, [str(a) for a in args], env=env)
    return run


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the bundled ski mountaineering data that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DATA / SYSTEM, target)
    return target
