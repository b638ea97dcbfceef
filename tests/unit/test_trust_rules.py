"""Issue 8's rule fixes, each worked out by hand: ties at the mixed relay and the additional athlete go through the
one walk and are reported, mixed places can be declined and are refilled as teams are formed, declines say what
went wrong, the host guarantee keeps to per-NOC caps, and the Summary's struck values are totals that existed.
"""

from __future__ import annotations

import pytest

from qualify.engine import Decline, allocate
from qualify.errors import InputError
from qualify.io.declines import parse_decline
from qualify.io.inputs import load_inputs
from qualify.io.report import build_summary
from qualify.model.allocation import PlaceStatus, SkipReason
from qualify.model.common import Gender
from qualify.model.nocs import load_nocs
from qualify.rules import load_system
from tests.unit.test_short_track_rules import (
    ITALY,
    SEVEN_AND_RELAY,
    TWO_AND_TWO,
    decisions,
    filler,
    holding,
    lists,
    mixed_places,
    mixed_teams,
    places_of,
    run,
    soqc,
)
from tests.unit.test_steps import GRANT_M, host, make_system, walk
from tests.unit.test_steps import athletes as athlete_list
from tests.unit.test_steps import run as run_tiny

M, W, X = Gender.MEN, Gender.WOMEN, Gender.MIXED
NOCS = load_nocs()
SKI = load_system("ski-mountaineering-2026")
ST = load_system("short-track-2026")


# --- one walk, one tie policy -----------------------------------------------------------------------------

def test_a_tie_for_the_twelfth_mixed_team_is_reported_not_decided_silently():
    # Mixed SOQC: 11 NOCs with 2 + 2 at ranks 1-11 (ITA 4 + 4 first), then USA and KAZ tied at rank 12, both 2 + 2.
    # One team is left: the in-tie order (IOC code) gives it to KAZ, and the run says so.
    order = ["ITA", "KOR", "CAN", "NED", "CHN", "JPN", "HUN", "FRA", "POL", "BEL", "GBR"]
    places = mixed_places({noc: TWO_AND_TWO for noc in [*order[1:], "USA", "KAZ"]})
    rows = [*enumerate(order, start=1), (12, "USA"), (12, "KAZ")]
    allocation = run(places, lists(soqc("soqc-X-mixed-relay", rows)))
    assert mixed_teams(allocation)[-1] == "KAZ" and "USA" not in mixed_teams(allocation)
    [kaz] = [p for p in places_of(allocation, event="X-mixed-relay") if p.noc == "KAZ"]
    assert kaz.tie_unresolved
    [usa] = [d for d in decisions(allocation, "mixed-relay") if d.noc == "USA"]
    assert usa.reason is SkipReason.TIE_LOST and usa.rank == 12
    assert [w.message for w in allocation.warnings if "unresolved tie" in w.message] == [
        "unresolved tie on Mixed relay SOQC at rank 12: KAZ (KAZ) placed ahead of USA (USA) by NOC code only"]


def test_a_tie_for_the_last_additional_athlete_is_reported():
    # NED and KOR: 7 starts and the men's relay each (4 men), tied 1st on the men's relay SOQC. With ITA (8) and
    # filler, 111 athletes stand: one additional athlete fits, and the tie decides who gets it.
    places = ITALY + holding("NED", **SEVEN_AND_RELAY) + holding("KOR", **SEVEN_AND_RELAY)
    places += filler(111 - 8 - 4 - 4, places)
    allocation = run(places, lists(soqc("soqc-M-relay", [(1, "NED"), (1, "KOR")])))
    [winner] = places_of(allocation, pathway="additional-athlete")
    assert (winner.noc, winner.tie_unresolved) == ("KOR", True)
    [loser] = decisions(allocation, "additional-athlete")
    assert (loser.noc, loser.reason) == ("NED", SkipReason.TIE_LOST)
    assert any("unresolved tie on Men's relay SOQC at rank 1: KOR (KOR) placed ahead of NED (NED)" in w.message
               for w in allocation.warnings)


# --- mixed places can be declined, and are refilled as the teams were formed ---------------------------------

def twelve_teams_and_two_candidates():
    # Mixed SOQC: ranks 1-12 make twelve teams (2 + 2 each, ITA 4 + 4); 13 GER holds 1 + 1 (no team, even one
    # athlete short would not do: two are missing), 14 AUT 2 + 2.
    order = ["ITA", "KOR", "CAN", "NED", "CHN", "JPN", "HUN", "FRA", "POL", "BEL", "USA", "KAZ", "GER", "AUT"]
    nocs = {noc: TWO_AND_TWO for noc in order if noc not in ("ITA", "GER")}
    nocs["GER"] = {"M_500m": 1, "W_500m": 1}
    return mixed_places(nocs), lists(soqc("soqc-X-mixed-relay", list(enumerate(order, start=1))))


def test_a_declined_mixed_team_goes_to_the_next_noc_that_can_form_one():
    places, ranking = twelve_teams_and_two_candidates()
    allocation = run(places, ranking, declines=[Decline("KOR", X)])
    declined = [(p.noc, p.event) for p in allocation.places if p.status is PlaceStatus.DECLINED and p.kind == "team"]
    assert declined == [("KOR", "X-mixed-relay")]
    # GER (13th) has 1 + 1: two athletes short, so it is passed over; AUT (14th, 2 + 2) forms the team.
    [new] = [p for p in places_of(allocation, event="X-mixed-relay") if p.reallocated_from == "KOR"]
    assert (new.noc, new.pathway, new.rank) == ("AUT", "reallocation", 14)
    assert len(mixed_teams(allocation)) == 12


def test_a_declined_mixed_team_takes_its_extra_athlete_with_it():
    # FRA (2 men + 1 woman) is completed in the second pass with one extra woman; declining the team gives up the
    # woman granted to complete it as well: FRA is back to 1 woman.
    order = ["ITA", "KOR", "FRA"]
    places = mixed_places({"KOR": TWO_AND_TWO, "FRA": {"M_500m": 2, "W_500m": 1}})
    before = run(places, lists(soqc("soqc-X-mixed-relay", list(enumerate(order, start=1)))))
    assert [(p.noc, p.gender) for p in places_of(before, pathway="mixed-relay") if p.kind == "quota"] == [("FRA", W)]
    after = run(places, lists(soqc("soqc-X-mixed-relay", list(enumerate(order, start=1)))),
                declines=[Decline("FRA", X)])
    gone = sorted((p.kind, p.gender.value) for p in after.places if p.status is PlaceStatus.DECLINED
                  and p.pathway == "mixed-relay")
    assert gone == [("quota", "W"), ("team", "X")]
    assert "FRA" not in mixed_teams(after)


def test_a_team_left_without_its_athletes_by_a_decline_falls_and_is_refilled():
    # NED declines one of its two women's 500 m places: 2 men + 1 woman cannot make the mixed team it had, so
    # the team is given up with her and goes to AUT (14th, 2 + 2).
    places, ranking = twelve_teams_and_two_candidates()
    allocation = run(places, ranking, declines=[Decline("NED", W, event="W-500m")])
    lost = [d for d in decisions(allocation, "reallocation", SkipReason.DECLINED) if d.event == "X-mixed-relay"]
    assert [(d.noc, d.detail) for d in lost] == [
        ("NED", "team given up with its athletes: after the declines NED holds 2 men + 1 women athletes"),
        ("NED", "NED declined this place")]  # ... and, walking the list for the refill, NED is passed over
    assert "NED" not in mixed_teams(allocation) and "AUT" in mixed_teams(allocation)


def test_mixed_declines_parse_where_the_system_grants_mixed_places_only():
    assert parse_decline("KOR:X", ST, NOCS).gender is X
    with pytest.raises(InputError) as caught:
        parse_decline("ESP:X", SKI, NOCS)
    assert caught.value.lines() == ["--decline: 'ESP:X': gender 'X' must be M or W"]


# --- declines that cannot be taken say why ---------------------------------------------------------------

def test_the_same_place_declined_twice_names_the_earlier_decline():
    inputs = load_inputs(SKI, None, NOCS)
    with pytest.raises(InputError) as caught:
        allocate(SKI, inputs.lists, nocs=NOCS, declines=[Decline("BEL", M), Decline("BEL", M)])
    assert caught.value.lines() == [
        "--decline: 'BEL:M': BEL holds 1 men's place, already given up by 'BEL:M'; expected at most 1 such decline"]


def test_more_declines_than_places_counts_them():
    # ESP holds two women (the World Championship relay pair's woman and Alonso Rodriguez on the sprint list).
    inputs = load_inputs(SKI, None, NOCS)
    with pytest.raises(InputError) as caught:
        allocate(SKI, inputs.lists, nocs=NOCS, declines=[Decline("ESP", W)] * 3)
    assert caught.value.lines() == [
        "--decline: 'ESP:W': ESP holds 2 women's places, already given up by 'ESP:W', 'ESP:W'; expected at most 2 "
        "such declines"]


# --- the host guarantee keeps to per-NOC caps ---------------------------------------------------------------

def test_an_unconditional_host_guarantee_after_the_walks_does_not_pass_a_cap():
    # ITA takes both men's places it may have (cap 2) on the list; the guarantee that follows has no room left.
    men = athlete_list("men", "M", [(1, "A", "ITA", 30), (2, "B", "ITA", 20), (3, "C", "FRA", 10)])
    allocation = run_tiny([walk("list", "men", GRANT_M, take=2), host("host", GRANT_M)], men)
    assert [(p.noc, p.pathway) for p in allocation.active_places()] == [("ITA", "list"), ("ITA", "list")]
    [refused] = [d for d in allocation.decisions if d.step == "host"]
    assert refused.reason is SkipReason.CAP_REACHED
    assert refused.detail == "the host already holds the most places allowed: ITA men already holds 2 of at most 2 " \
                             "(noc-gender)"
    assert make_system([host("host", GRANT_M)], {}).host == "ITA"


# --- struck values are totals that existed ---------------------------------------------------------------

def cells(system, allocation, noc=None):
    summary = build_summary(system, allocation, NOCS)
    keys = [c.key for c in summary.columns]
    if noc is None:
        return dict(zip(keys, summary.totals, strict=True))
    row = next(r for r in summary.rows if r.noc == noc)
    return dict(zip(keys, row.cells, strict=True))


def test_a_declined_and_reallocated_place_leaves_the_total_as_it_was():
    inputs = load_inputs(SKI, None, NOCS)
    allocation = allocate(SKI, inputs.lists, nocs=NOCS, declines=[Decline("BEL", M)])
    # BEL gave up its only man: struck 1, now 0. The place went down the men's list (Andreas Mayer, AUT, 6th):
    # AUT's cell shows its new count plainly, and the men's total was 18 before and is 18 after: nothing struck.
    assert (cells(SKI, allocation, "BEL")["men"].before, cells(SKI, allocation, "BEL")["men"].value) == (1, 0)
    assert cells(SKI, allocation, "AUT")["men"].before is None
    total = cells(SKI, allocation)
    assert (total["men"].value, total["men"].before) == (18, None)
    assert (total["athletes"].value, total["athletes"].before) == (36, None)


def test_places_withdrawn_for_the_host_guarantee_are_not_shown_as_declines():
    # Men's 500 m full without Italy: the host place displaces the lowest-ranked place (BEL #3, rank 32).
    eleven = ["KOR", "CHN", "CAN", "NED", "USA", "HUN", "JPN", "POL", "FRA", "BEL", "GBR"]
    rows = [(k * 11 + i + 1, noc, k + 1) for k in range(3) for i, noc in enumerate(eleven)]
    allocation = run(ranking_lists=lists(soqc("soqc-M-500m", rows)))
    assert [p.noc for p in allocation.places if p.status is PlaceStatus.DISPLACED] == ["BEL"]
    bel = cells(ST, allocation, "BEL")
    assert (bel["m_500m"].value, bel["m_500m"].before) == (2, None)
    assert cells(ST, allocation)["m_500m"].before is None
