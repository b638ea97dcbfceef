"""The seed's short-track Summary: its starting places and relay teams, run through the athlete, mixed-relay,
additional-athlete, ceiling and reallocation rules, give back every derived cell and the Total row."""

from __future__ import annotations

import pytest

from qualify.engine import allocate
from qualify.io.inputs import load_inputs
from qualify.io.published import compare, read_published_summary
from qualify.io.report import build_summary
from qualify.model.allocation import PlaceStatus
from qualify.model.nocs import load_nocs
from qualify.rules import load_system
from tests.conftest import DATA, read_published

PUBLISHED = DATA / "short-track-2026" / "published"


@pytest.fixture(scope="module")
def computed():
    system = load_system("short-track-2026")
    nocs = load_nocs()
    inputs = load_inputs(system, None, nocs, places_file=PUBLISHED / "summary.csv")
    allocation = allocate(system, inputs.lists, declines=inputs.declines, given_places=inputs.given_places,
                          nocs=nocs, notes=inputs.notes)
    return system, inputs, allocation, nocs


def test_only_the_ranking_walk_events_are_taken_from_the_table(computed):
    _, inputs, _, _ = computed
    events = {p.event for p in inputs.given_places}
    assert "X-mixed-relay" not in events  # the mixed relay is derived, not read
    assert events == {f"{g}-{e}" for g in "MW" for e in ("500m", "1000m", "1500m", "relay")}


def test_every_row_is_reproduced(computed):
    system, _, allocation, nocs = computed
    table = read_published_summary(PUBLISHED / "summary.csv", system, nocs)
    assert compare(system, allocation, table, nocs) == []


@pytest.mark.parametrize("row", read_published(PUBLISHED / "summary.csv"), ids=lambda r: f"row{r['row']}-{r['noc']}")
def test_derived_columns_per_row(computed, row):
    system, _, allocation, nocs = computed
    summary = build_summary(system, allocation, nocs)
    keys = [c.key for c in summary.columns]
    mine = next(r for r in summary.rows if r.noc == row["noc"])
    cells = dict(zip(keys, mine.cells, strict=True))
    for key in ("m_total", "w_total", "mixed", "athletes"):
        assert cells[key].value == int(row[key]), key


def test_total_row(computed):
    system, _, allocation, nocs = computed
    summary = build_summary(system, allocation, nocs)
    totals = dict(zip([c.key for c in summary.columns], summary.totals, strict=True))
    # The seed's Total row: 24 NOCs | 32 32 35 8 57 | 31 31 36 8 55 | 12 | 112.
    assert summary.noc_count == 24
    assert [totals[k].value for k in ("m_500m", "m_1000m", "m_1500m", "m_relay", "m_total")] == [32, 32, 35, 8, 57]
    assert [totals[k].value for k in ("w_500m", "w_1000m", "w_1500m", "w_relay", "w_total")] == [31, 31, 36, 8, 55]
    assert totals["mixed"].value == 12
    assert totals["athletes"].value == 112
    # Before the three declines: 58 men + 57 women = 115 athletes (the puzzle the issue states).
    assert (totals["m_total"].before, totals["w_total"].before, totals["athletes"].before) == (58, 57, 115)


def test_declined_places_were_not_refilled_because_the_ceiling_was_reached(computed):
    _, _, allocation, _ = computed
    declined = sorted((p.noc, p.event) for p in allocation.places
                      if p.status is PlaceStatus.DECLINED and p.kind == "start")
    assert declined == [("GBR", "M-1500m"), ("GBR", "W-500m"), ("UNNAMED-ROW01", "W-1000m")]
    assert not [p for p in allocation.places if p.reallocated_from]
    refusals = [w.message for w in allocation.warnings if w.step == "reallocation"]
    # 115 athletes; each decline lowers the count (114, 113, 112) and none finds it under 112.
    assert len(refusals) == 3 and all("not refilled" in m for m in refusals)


def test_japan_men_seven_starts_get_no_additional_athlete(computed):
    _, _, allocation, _ = computed
    # Japan: men 2 + 2 + 3 = 7 starting places and the relay -> 4 athletes; the additional athlete needs the
    # total under 112, and the places already give 115.
    refused = [d for d in allocation.decisions if d.step == "additional-athlete"]
    assert [(d.noc, d.gender.value) for d in refused] == [("JPN", "M")]
    assert not [p for p in allocation.active_places() if p.pathway == "additional-athlete"]


def test_mixed_relay_teams_are_the_twelve_nocs_with_two_men_and_two_women(computed):
    _, _, allocation, _ = computed
    teams = sorted(p.noc for p in allocation.active_places() if p.event == "X-mixed-relay")
    assert teams == sorted(["BEL", "CAN", "CHN", "FRA", "HUN", "ITA", "JPN", "KAZ", "NED", "POL", "KOR", "USA"])
