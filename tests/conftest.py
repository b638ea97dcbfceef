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


# --- hypothesis profiles ----------------------------------------------------------------------------------
# The default ("ci") keeps the whole suite quick on two cores; "long" is for a deliberate search:
#     HYPOTHESIS_PROFILE=long pytest tests/properties tests/fuzz
import os  # noqa: E402

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("ci", max_examples=30, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("long", max_examples=10_000, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.filter_too_much])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
