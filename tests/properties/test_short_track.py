"""Properties of the short-track 2026 allocation over generated SOQC lists (and a few synthetic seasons).

SOQC lists are generated directly, as the SOQC builder makes them: individual events list (NOC, qualifier 1..3)
with totals that never rise from an NOC's first qualifier to its third, relays one entry per NOC, equal totals
sharing a rank; 15 to 40 real NOCs (and sometimes neutral athletes), the host sometimes on no list at all.
"""

from __future__ import annotations

import random
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import given, note, settings
from hypothesis import strategies as st

from qualify.engine import Decline, allocate
from qualify.engine.athletes import AthleteCounter
from qualify.engine.audit import Auditor
from qualify.engine.ledger import Ledger
from qualify.io.inputs import load_inputs
from qualify.model.allocation import Allocation, SkipReason
from qualify.model.common import Gender
from qualify.ranking.synth import synthesize
from qualify.rules import load_system
from tests.properties.strategies import HOST, NOCS, REAL, Row, _soqc_rows, build_all, move_up, short_track_inputs

SYSTEM = load_system("short-track-2026")
M, W = Gender.MEN, Gender.WOMEN
EVENTS = {e.id: e for e in SYSTEM.events}
INDIVIDUAL = [e.id for e in SYSTEM.events if e.kind == "individual"]
TEAM = [e.id for e in SYSTEM.events if e.kind == "team"]
CEILING = SYSTEM.athletes.ceiling
# The steps whose places stand whatever the ceiling (athletes.ceiling_reading = additions): the SOQC walks, the
# host guarantees and the mixed relay teams with their extra athletes (not held to the ceiling either).
BASE_STEPS = [s for s in SYSTEM.steps if s.type not in ("additional_athlete", "reallocate", "athlete_quota")]
BASE_SYSTEM = SYSTEM.model_copy(update={"steps": tuple(BASE_STEPS)})
COUNTER = AthleteCounter(SYSTEM, NOCS)


def run(lists, declines=(), *, shuffle: random.Random | None = None, system=SYSTEM) -> Allocation:
    return allocate(system, build_all(SYSTEM, lists, shuffle=shuffle), declines=list(declines), nocs=NOCS)


def athletes(allocation: Allocation) -> int:
    """Athletes as the engine counts them (derived from the places, plus extra athletes)."""
    ledger = Ledger()
    for place in allocation.places:
        if place.pathway != "athletes":
            ledger.add(place)
    return COUNTER.total(ledger)


def earned(allocation: Allocation) -> list:
    """Active places other than the derived athlete quotas: starting places, team places, extra athletes."""
    return [p for p in allocation.active_places() if p.pathway != "athletes"]


def lapses(allocation: Allocation) -> list[str]:
    return [w.message for w in allocation.warnings if w.step == "reallocation"
            and ("lapses" in w.message or "not refilled" in w.message)]


def check_invariants(allocation: Allocation, lists, declines=()) -> None:
    places = earned(allocation)
    # The audit's own counts agree (allocate already ran it after every step; it must also pass on the result).
    assert Auditor(SYSTEM).check(allocation.places, SYSTEM.steps[-1]) == []
    per_noc_event = Counter((p.noc, p.event) for p in places if p.event is not None)
    for (noc, event), count in per_noc_event.items():
        assert count <= (3 if event in INDIVIDUAL else 1), (noc, event, count)
    per_event = Counter(p.event for p in places if p.event is not None)
    exceeded = [w for w in allocation.warnings if "exceeds the event maximum" in w.message]
    for event, count in per_event.items():
        assert count <= EVENTS[event].places or exceeded, (event, count)
    neutral = Counter(p.gender for p in allocation.active_places() if p.noc == "AIN" and p.pathway == "athletes")
    assert all(n <= SYSTEM.athletes.neutral_max for n in neutral.values())
    if not any(d.noc == HOST for d in declines):
        for event in INDIVIDUAL + TEAM:
            assert per_noc_event[(HOST, event)] >= 1, event
    if not declines:
        # The 112 ceiling: only what the base steps earned may take the total past it.
        base = athletes(run(lists, system=BASE_SYSTEM))
        assert athletes(allocation) <= max(CEILING, base)


@st.composite
def declines_for(draw, allocation: Allocation):
    held = sorted({(p.noc, p.gender, p.event) for p in earned(allocation) if p.gender in (M, W)},
                  key=lambda h: (h[0], h[1].value, h[2] or ""))
    chosen = draw(st.lists(st.sampled_from(held), max_size=3, unique_by=lambda h: (h[0], h[1]))) if held else []
    # Without an event the NOC gives up the place it earned last, which may be an extra athlete.
    return [Decline(noc, gender, event=event if draw(st.booleans()) else None) for noc, gender, event in chosen]


@given(short_track_inputs())
def test_caps_maxima_ceiling_and_host_guarantee(lists):
    check_invariants(run(lists), lists)


@given(short_track_inputs(), st.randoms(use_true_random=False))
def test_same_output_under_any_row_order_and_on_every_run(lists, rng):
    first = run(lists).model_dump()
    assert run(lists).model_dump() == first
    assert run(lists, shuffle=rng).model_dump() == first


@given(short_track_inputs(), st.data())
def test_a_decline_and_its_reallocation_conserve_places(lists, data):
    """Places earned before == after, less one per place that lapses, and every lapse is warned about.

    A declined place lapses (short track): when 112 or more athletes are allocated (refills only while under
    the ceiling: the 2026 table's three declines were not refilled); when no rule covers it (an extra athlete:
    the additional athlete or a mixed relay team's extra athlete has no event and so no list to go down); when the
    event's SOQC has nobody left who may take it (capped NOCs, decliners, qualifiers who already earned a place).
    """
    before = run(lists)
    declines = data.draw(declines_for(before))
    after = run(lists, declines)
    note(f"declines: {[d.text for d in declines]}; warnings: {[w.message for w in after.warnings]}")
    check_invariants(after, lists, declines)
    # A mixed team left without its 2 + 2 athletes by a decline falls with them and is refilled like a declined
    # team; a refill may bring the extra athlete that completes the new team (one more place).
    refill_extras = [p for p in after.active_places() if p.pathway == "reallocation" and p.kind == "quota"]
    assert len(earned(after)) == len(earned(before)) - len(lapses(after)) + len(refill_extras)


def improvements(lists):
    for list_id, rows in lists.items():
        for index in range(1, len(rows)):
            moved = move_up(rows, index)
            if moved is not None:
                yield list_id, index, rows[index].noc, {**lists, list_id: moved}


def own(allocation: Allocation, noc: str, gender: Gender | None = None) -> int:
    return sum(1 for p in allocation.active_places() if p.noc == noc and (gender is None or p.gender is gender))


@given(short_track_inputs(), st.data())
def test_improving_a_result_never_costs_the_noc_a_place(lists, data):
    """Moving an NOC's entry up one SOQC never lowers its own active places (starting, team and athlete places)
    in total, nor in any gender except through the 112 ceiling (NON_MONOTONE.md, case 1): a place gained in one
    gender can raise the athlete total to 112 and cost the NOC its additional athlete in the other gender."""
    options = list(improvements(lists))
    if not options:
        return
    list_id, index, noc, better = data.draw(st.sampled_from(options))
    before, after = run(lists), run(better)
    assert own(after, noc) >= own(before, noc), (list_id, index, noc)
    for gender in Gender:
        lost = own(before, noc, gender) - own(after, noc, gender)
        if lost > 0:
            note(f"{noc} moved up {list_id} (row {index}): {gender.value} {own(before, noc, gender)} -> "
                 f"{own(after, noc, gender)}")
            assert lost_to_the_ceiling(before, after, noc, gender) == lost, (list_id, index, noc, gender)


def lost_to_the_ceiling(before: Allocation, after: Allocation, noc: str, gender: Gender) -> int:
    """Additional athletes the NOC had in ``gender`` and now lost because the athlete ceiling was reached."""
    def additional(allocation: Allocation) -> int:
        return sum(1 for p in allocation.active_places()
                   if p.noc == noc and p.gender is gender and p.pathway == "additional-athlete")
    refused = any(d.step == "additional-athlete" and d.noc == noc and d.gender is gender
                  and d.reason is SkipReason.CEILING_REACHED for d in after.decisions)
    return additional(before) - additional(after) if refused else 0


def test_non_monotone_case_1_the_ceiling_costs_an_additional_athlete():
    """NON_MONOTONE.md case 1, minimal as found by searching filler sizes around the ceiling.

    NED: men 3 + 3 + 1 starting places and the men's relay (seven starts and the relay: an additional man);
    women one 500 m place, with NED #2 33rd on the women's 500 m SOQC right below KOR #2 (32nd, the last place).
    Without the move, 111 athletes stand before the additional athlete, so NED's additional man is the 112th.
    NED #2 moves up to 32nd: NED's women go from 1 to 2 athletes (most places in one distance), KOR keeps its two
    women (two 1000 m places), the base is 112 and NED's additional man is refused. NED: men 13 -> 12 places,
    women 2 -> 4, in total 15 -> 16.
    """
    lists = ceiling_example()
    index = next(i for i, r in enumerate(lists["soqc-W-500m"]) if (r.noc, r.qualifier) == ("NED", 2))
    better = {**lists, "soqc-W-500m": move_up(lists["soqc-W-500m"], index)}
    before, after = run(lists), run(better)
    assert athletes(run(lists, system=BASE_SYSTEM)) == 111
    assert [p.noc for p in before.active_places() if p.pathway == "additional-athlete"] == ["NED"]
    assert (own(before, "NED", M), own(after, "NED", M)) == (13, 12)
    assert (own(before, "NED", W), own(after, "NED", W)) == (2, 4)
    assert lost_to_the_ceiling(before, after, "NED", M) == 1


def ceiling_example() -> dict[str, tuple[Row, ...]]:
    fillers = iter(c for c in REAL if c not in ("NED", "ITA", "KOR"))
    top = [("NED", 1, 3000), ("NED", 2, 2990), ("NED", 3, 2980), ("ITA", 1, 2900), ("ITA", 2, 2890), ("ITA", 3, 2880)]
    italy = [("ITA", 1, 2900), ("ITA", 2, 2890), ("ITA", 3, 2880)]
    raw = {"soqc-M-500m": list(top), "soqc-M-1000m": list(top), "soqc-M-1500m": [("NED", 1, 3000), *italy],
           "soqc-W-500m": [("NED", 1, 3000), *italy, ("KOR", 1, 2800)],
           "soqc-W-1000m": [*italy, ("KOR", 1, 2800), ("KOR", 2, 2790)], "soqc-W-1500m": list(italy),
           "soqc-M-relay": [("NED", 0, 100), ("ITA", 0, 90)], "soqc-W-relay": [("ITA", 0, 90)],
           "soqc-X-mixed-relay": []}
    # Skaters of other NOCs, one place each: four per men's distance, and the women's distances filled up to 32.
    for list_id, count in (("soqc-M-500m", 4), ("soqc-M-1000m", 4), ("soqc-M-1500m", 4), ("soqc-W-500m", 26),
                           ("soqc-W-1000m", 29), ("soqc-W-1500m", 29)):
        raw[list_id] += [(next(fillers), 1, 2000 - i) for i in range(count)]
    raw["soqc-W-500m"] += [("KOR", 2, 1000), ("NED", 2, 990)]
    return {list_id: _soqc_rows(entries) for list_id, entries in raw.items()}


SYNTH_SETTINGS = settings(max_examples=max(3, settings.default.max_examples // 10))


@SYNTH_SETTINGS
@given(st.integers(0, 2**32 - 1))
def test_synthetic_seasons_through_the_readers(seed):
    with tempfile.TemporaryDirectory() as folder:
        synthesize(seed, Path(folder))
        inputs = load_inputs(SYSTEM, None, NOCS, season_dir=Path(folder))
    allocation = allocate(SYSTEM, inputs.lists, nocs=NOCS)
    lists = {list_id: tuple(_row(e) for e in ranking.entries) for list_id, ranking in inputs.lists.items()}
    check_invariants(allocation, lists)
    assert run(lists).model_dump() == allocation.model_dump()


def _row(entry) -> Row:
    return Row(entry.rank, entry.noc, entry.points, entry.athlete, entry.qualifier)
