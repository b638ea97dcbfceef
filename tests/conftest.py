from __future__ import annotations

import csv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


def read_published(path: Path) -> list[dict[str, str]]:
    """A published table transcribed as CSV ('#' lines are provenance notes)."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


@pytest.fixture
def repo() -> Path:
    return REPO
