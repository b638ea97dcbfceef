"""Shared data for the output tests: a hand-made Summary and Breakdown, and the published short-track table.

The hand-made tables are written out here cell by cell, so each renderer test can compare against text worked
out by hand from these cells (never against the program's own output).
"""

from __future__ import annotations

import pytest

from qualify.engine import allocate
from qualify.io.inputs import load_inputs
from qualify.io.report import BreakdownLine, BreakdownTable, Cell, Holder, Summary, SummaryRow
from qualify.model.nocs import load_nocs
from qualify.rules import SummaryColumn, load_system
from tests.conftest import DATA, REPO

TINY_RULES = REPO / "tests" / "good_inputs" / "tiny_rules.yaml"  # sport "Test sport", edition "Test edition"


def hand_summary() -> Summary:
    """Nation | Men: 500m total | Women: 500m total | Mixed | Athletes, four nations.

    Great Britain declined its men's place (total 1 -> 0, athletes 1 -> 0); Canada has the mixed team.
    """
    columns = [
        SummaryColumn(key="m_500m", label="500m", group="Men"),
        SummaryColumn(key="m_total", label="total", group="Men"),
        SummaryColumn(key="w_500m", label="500m", group="Women"),
        SummaryColumn(key="w_total", label="total", group="Women"),
        SummaryColumn(key="mixed", label="Mixed", display="mark"),
        SummaryColumn(key="athletes", label="Athletes"),
    ]
    no_team = Cell(0, mark=True)
    rows = [
        SummaryRow("BEL", "Belgium", [Cell(1), Cell(1), Cell(0), Cell(0), no_team, Cell(1)]),
        SummaryRow("CAN", "Canada", [Cell(0), Cell(0), Cell(2), Cell(4), Cell(1, mark=True), Cell(4)]),
        SummaryRow("GBR", "Great Britain", [Cell(0), Cell(0, 1), Cell(0), Cell(0), no_team, Cell(0, 1)]),
        SummaryRow("AIN", "Individual Neutral Athletes", [Cell(1), Cell(1), Cell(0), Cell(0), no_team, Cell(1)]),
    ]
    totals = [Cell(2), Cell(2, 3), Cell(2), Cell(4), Cell(1), Cell(6, 7)]
    return Summary(columns, rows, totals, noc_count=3)


def hand_breakdowns() -> list[BreakdownTable]:
    """A grant-counted pathway table with a continental sub-row, and a per-gender table of athlete places."""
    relay = BreakdownTable("Relay pathway", "grant", [""], [
        BreakdownLine("Host", {"": 1}, entries={"": [Holder("ITA", "Italy")]}),
        BreakdownLine("Continental quota", {}, entries={}),
        BreakdownLine("  Asia", {"": 1}, entries={"": [Holder("CHN", "China", ranks=(8,))]}),
        BreakdownLine("Ranking", {"": 2}, entries={"": [Holder("SUI", "Switzerland", ranks=(2,)),
                                                         Holder("UNNAMED-EUR-12", "(EUR-12, nation not named)",
                                                                ranks=(12,))]}),
    ], {"": 4})
    sprint = BreakdownTable("Sprint pathway", "place", ["M", "W"], [
        BreakdownLine("Ranking", {"M": 2, "W": 1}, entries={
            "M": [Holder("SUI", "Switzerland", "Jon Kistler", (1,)),
                  Holder("AIN", "Individual Neutral Athletes", "Nikita Filippov", (3,))],
            "W": [Holder("ESP", "Spain", "Ana Alonso Rodriguez", (1,))]}),
    ], {"M": 2, "W": 1})
    return [relay, sprint]


@pytest.fixture(scope="session")
def tiny_system():
    return load_system(str(TINY_RULES))


@pytest.fixture(scope="session")
def nocs():
    return load_nocs()


PUBLISHED_SHORT_TRACK = DATA / "short-track-2026" / "published"


@pytest.fixture(scope="session")
def short_track_published():
    """The seed's short-track Summary, run through the rules (as tests/real does): system, allocation, NOCs."""
    system = load_system("short-track-2026")
    nocs = load_nocs()
    inputs = load_inputs(system, None, nocs, places_file=PUBLISHED_SHORT_TRACK / "summary.csv")
    allocation = allocate(system, inputs.lists, declines=inputs.declines, given_places=inputs.given_places,
                          nocs=nocs, notes=inputs.notes)
    return system, allocation, nocs


@pytest.fixture(scope="session")
def ski_mountaineering():
    system = load_system("ski-mountaineering-2026")
    nocs = load_nocs()
    inputs = load_inputs(system, None, nocs)
    allocation = allocate(system, inputs.lists, declines=inputs.declines, race_results=inputs.race_results,
                          nocs=nocs, given_places=inputs.given_places, notes=inputs.notes)
    return system, allocation, nocs
