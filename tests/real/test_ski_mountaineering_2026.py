"""The seed's published Summary and Breakdown, reproduced from the bundled lists and results."""

from __future__ import annotations

from collections import Counter

import pytest

from qualify.engine import Decline, allocate
from qualify.io.inputs import load_inputs
from qualify.io.report import build_summary
from qualify.model.common import Gender
from qualify.model.nocs import load_nocs
from qualify.rules import load_system
from tests.conftest import DATA, read_published

PUBLISHED = DATA / "ski-mountaineering-2026" / "published"


@pytest.fixture(scope="module")
def computed():
    system = load_system("ski-mountaineering-2026")
    nocs = load_nocs()
    inputs = load_inputs(system, None, nocs)
    return system, inputs, allocate(system, inputs.lists, nocs=nocs), nocs


def per_noc(allocation) -> dict[str, tuple[int, int]]:
    counts = Counter((p.noc, p.gender) for p in allocation.active_places())
    return {noc: (counts[(noc, Gender.MEN)], counts[(noc, Gender.WOMEN)]) for noc in allocation.nocs()}


def test_totals_match_the_published_total_row(computed):
    _, _, allocation, _ = computed
    table = per_noc(allocation)
    assert len(table) == 14
    assert sum(m for m, _ in table.values()) == 18
    assert sum(w for _, w in table.values()) == 18


def test_multiset_of_men_women_pairs_matches_the_summary(computed):
    _, _, allocation, _ = computed
    published = Counter((int(r["men"]), int(r["women"])) for r in read_published(PUBLISHED / "summary.csv"))
    # The seed's rows, counted by hand: (1,1) x5, (1,0) x2, (2,2) x3, (1,2) x3, (2,1) x1.
    assert published == Counter({(1, 1): 5, (1, 0): 2, (2, 2): 3, (1, 2): 3, (2, 1): 1})
    assert Counter(per_noc(allocation).values()) == published


def test_rows_confirmed_by_national_reports(computed):
    _, _, allocation, _ = computed
    table = per_noc(allocation)
    # facts.md: Spain 4, Germany 2 W + 1 M, Slovakia 3, Poland 2, Australia 2, China 2, USA 2,
    # Belgium 1 man, AIN 1 man, Italy 1 man.
    assert sum(table["ESP"]) == 4
    assert table["GER"] == (1, 2)
    assert sum(table["SVK"]) == 3
    for noc in ("POL", "AUS", "CHN", "USA"):
        assert sum(table[noc]) == 2, noc
    assert table["BEL"] == (1, 0)
    assert table["AIN"] == (1, 0)
    assert table["ITA"][0] == 1


def test_summary_rows_in_published_order(computed):
    system, _, allocation, nocs = computed
    summary = build_summary(system, allocation, nocs)
    published = read_published(PUBLISHED / "summary.csv")
    assert [row.noc for row in summary.rows] == [r["noc"] for r in published]
    for row, expected in zip(summary.rows, published, strict=True):
        assert [c.value for c in row.cells] == [int(expected["men"]), int(expected["women"]),
                                                int(expected["athletes"])], row.noc
    assert [c.value for c in summary.totals] == [18, 18, 36]
    assert summary.noc_count == 14


def grants(allocation, step_id: str, gender: Gender | None = None) -> list:
    chosen = {}
    for place in allocation.active_places():
        if place.pathway == step_id and (gender is None or place.gender is gender):
            chosen.setdefault(place.grant, place)
    return list(chosen.values())


def test_breakdown_counts(computed):
    _, _, allocation, _ = computed
    published = {(r["section"], r["row"]): (int(r["men"]), int(r["women"]))
                 for r in read_published(PUBLISHED / "breakdown.csv")}
    assert len(grants(allocation, "host")) == published[("relay", "Host")][0]
    assert len(grants(allocation, "wch-mixed-relay")) == published[("relay", "2025 ISMF World Championship")][0]
    continental = Counter(p.detail for p in grants(allocation, "continental"))
    for continent in ("Africa", "Americas", "Asia", "Oceania"):
        assert continental[continent] == published[("relay", f"Continental quota: {continent}")][0]
    assert continental["Europe"] == 0  # the seed has no European continental row
    assert len(grants(allocation, "relay-ranking")) == published[("relay", "Remaining quotas")][0]
    for gender, column in ((Gender.MEN, 0), (Gender.WOMEN, 1)):
        wch = grants(allocation, f"wch-sprint-{gender.value}")
        ranking_list = grants(allocation, f"sprint-ranking-{gender.value}")
        assert len(wch) == published[("sprint", "2025 ISMF World Championship")][column]
        assert len(ranking_list) == published[("sprint", "Olympic Sprint Ranking List")][column]


def test_relay_pathway_holders_and_ranks(computed):
    _, _, allocation, _ = computed
    # Worked from the seed: host ITA; World Championship relay FRA (1), ESP (2); continental USA (9),
    # CHN (8), AUS (23); the list then adds SUI 2, AUT 4, GER 6, NOR 7, SVK 10, POL 11 to reach twelve.
    assert [(p.noc, p.rank) for p in grants(allocation, "wch-mixed-relay")] == [("FRA", 1), ("ESP", 2)]
    assert sorted((p.detail, p.noc, p.rank) for p in grants(allocation, "continental")) == [
        ("Americas", "USA", 9), ("Asia", "CHN", 8), ("Oceania", "AUS", 23)]
    assert [(p.noc, p.rank) for p in grants(allocation, "relay-ranking")] == [
        ("SUI", 2), ("AUT", 4), ("GER", 6), ("NOR", 7), ("SVK", 10), ("POL", 11)]
    relay_nocs = {p.noc for p in allocation.active_places()
                  if p.pathway in {"host", "wch-mixed-relay", "continental", "relay-ranking"}}
    assert len(relay_nocs) == 12


def test_sprint_pathway_holders(computed):
    _, _, allocation, _ = computed
    assert [p.athlete for p in grants(allocation, "wch-sprint-M")] == ["Oriol Cardona Coll", "Thibault Anselmet"]
    assert [p.athlete for p in grants(allocation, "wch-sprint-W")] == ["Marianne Fatton", "Emily Harrop"]
    assert [(p.rank, p.noc) for p in grants(allocation, "sprint-ranking-M")] == [
        (1, "SUI"), (2, "BEL"), (3, "AIN"), (4, "NOR")]
    assert [(p.rank, p.noc) for p in grants(allocation, "sprint-ranking-W")] == [
        (1, "ESP"), (2, "ITA"), (3, "GER"), (4, "SVK")]
    assert not allocation.warnings


def test_belgium_declines_its_man(computed):
    system, inputs, _, nocs = computed
    after = allocate(system, inputs.lists, declines=[Decline("BEL", Gender.MEN)], nocs=nocs)
    reallocated = [p for p in after.active_places() if p.reallocated_from == "BEL"]
    # Down the men's Sprint Ranking List: Kistler, Filippov and Klette hold places, Drion is Belgium's
    # own athlete, so rank 5 Rocco Baldini (ITA, one man so far) is next.
    assert [(p.noc, p.athlete, p.rank, p.list) for p in reallocated] == [
        ("ITA", "Rocco Baldini", 5, "sprint-ranking-M")]
    assert per_noc(after)["ITA"] == (2, 2)
    assert "BEL" not in after.nocs()
    assert sum(1 for p in after.active_places() if p.gender is Gender.MEN) == 18
