"""The batch sampler draws from the same Plackett-Luce model as the reference sampler.

Worked out by hand: with worths 4 : 2 : 1 : 1 the order (a, b, c, d) has probability
4/8 * 2/4 * 1/2 = 1/8, and so on for each of the 24 orders; the draws must fit these probabilities (chi-square).
DNF chances, pins and the numbering of places follow the reference's rules, checked exactly where the order is
certain and statistically elsewhere.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date

import numba
import numpy as np
import pytest

from qualify.forecast.batch import sample as batch_sample
from qualify.forecast.fields import Entrant, EventField, Fields
from qualify.forecast.sample import sample as reference_sample
from qualify.model.common import Gender
from qualify.model.season import Race


def _fields(*events: EventField) -> Fields:
    return Fields(Race("r0", date(2025, 1, 1), "", "world-cup"), (), tuple(events))


def _event(strengths: list[float], dnf: float = 0.0, pins: tuple[tuple[int, int], ...] = (),
           race: str = "r1") -> EventField:
    entrants = tuple(Entrant(f"N{i:02d}", f"A{i:02d}") for i in range(len(strengths)))
    return EventField(race, Gender.MEN, "sprint", entrants, np.array(strengths, dtype=np.float64),
                      np.full(len(strengths), dnf)).with_pins(pins)


def within_five_se(p: float, n: int) -> object:
    """A share of n draws close to p: within five standard errors."""
    return pytest.approx(p, abs=5 * np.sqrt(p * (1 - p) / n))


def _pl_probability(order: tuple[int, ...], worths: list[float]) -> float:
    left = sum(worths)
    p = 1.0
    for i in order:
        p *= worths[i] / left
        left -= worths[i]
    return p


def test_every_order_of_four_comes_with_its_plackett_luce_probability():
    worths = [4.0, 2.0, 1.0, 1.0]
    draws = 200_000
    (ranks,) = batch_sample(_fields(_event(list(np.log(worths)))), draws, np.random.default_rng(7))
    orders = Counter(tuple(int(i) for i in np.argsort(row)) for row in ranks)
    chi2 = 0.0
    for order in itertools.permutations(range(4)):
        expected = draws * _pl_probability(order, worths)
        chi2 += (orders[order] - expected) ** 2 / expected
    # 23 degrees of freedom: a value above 65 has a probability below 1e-6 under the model.
    assert chi2 < 65, chi2
    assert orders[(0, 1, 2, 3)] / draws == within_five_se(1 / 8, draws)


def test_finishers_are_ranked_one_to_k_and_the_dnf_share_is_the_chance():
    (ranks,) = batch_sample(_fields(_event([0.0] * 12, dnf=0.2)), 20_000, np.random.default_rng(3))
    for row in ranks[:500]:
        placed = sorted(int(r) for r in row if r)
        assert placed == list(range(1, len(placed) + 1))
    assert (ranks == 0).mean() == within_five_se(0.2, ranks.size)


def test_pins_hold_and_the_order_is_the_reference_order_when_the_strengths_leave_no_doubt():
    # Strengths 100 apart: the order is certain (0 first, then 1, ...), so both samplers must give the same ranks,
    # pinned places included, and the free entrants numbered past the pinned places.
    strengths = [-100.0 * i for i in range(7)]
    pins = ((3, 1), (6, 4))
    event = _event(strengths, pins=pins)
    (batch,) = batch_sample(_fields(event), 50, np.random.default_rng(1))
    (reference,) = reference_sample(_fields(event), 50, np.random.default_rng(1))
    # Entrant 3 first, 6 fourth; the others in strength order fill places 2, 3, 5, 6, 7.
    assert batch[0].tolist() == [2, 3, 5, 1, 6, 7, 4]
    assert (batch == reference).all()


def test_a_pin_past_every_finisher_leaves_the_gap_the_reference_leaves():
    # Every free entrant out of the race but the best: the pin keeps its place 4 and the one finisher is 1st.
    event = EventField("r1", Gender.MEN, "sprint", tuple(Entrant(f"N{i}", f"A{i}") for i in range(5)),
                       np.array([0.0, -50.0, -100.0, -150.0, -200.0]), np.array([0.0, 1.0, 1.0, 1.0, 0.0]),
                       ).with_pins(((4, 4),))
    (batch,) = batch_sample(_fields(event), 20, np.random.default_rng(2))
    (reference,) = reference_sample(_fields(event), 20, np.random.default_rng(2))
    assert batch[0].tolist() == [1, 0, 0, 0, 4]
    assert (batch == reference).all()


def test_each_entrants_place_is_distributed_as_with_the_reference_sampler():
    rng = np.random.default_rng(11)
    strengths = list(rng.normal(0.0, 1.0, 30))
    event = _event(strengths, dnf=0.05, pins=((5, 2),))
    draws = 40_000
    (batch,) = batch_sample(_fields(event), draws, np.random.default_rng(5))
    (reference,) = reference_sample(_fields(event), draws, np.random.default_rng(6))
    for i in range(30):
        a, b = batch[:, i].astype(float), reference[:, i].astype(float)
        se = np.sqrt(a.var() / draws + b.var() / draws) + 1e-9
        assert abs(a.mean() - b.mean()) < 5 * se, (i, a.mean(), b.mean())
        assert abs((a == 1).mean() - (b == 1).mean()) < 5 * np.sqrt(0.25 * 2 / draws) + 1e-9


def test_the_same_seed_gives_the_same_outcomes_whatever_the_threads():
    fields = _fields(_event(list(np.linspace(0, -3, 40)), dnf=0.1), _event([0.0] * 8, race="r2"))
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = batch_sample(fields, 3_000, np.random.default_rng(9))
        numba.set_num_threads(before)
        many = batch_sample(fields, 3_000, np.random.default_rng(9))
    finally:
        numba.set_num_threads(before)
    assert all((a == b).all() for a, b in zip(one, many, strict=True))
    assert [a.shape for a in one] == [(3_000, 40), (3_000, 8)]


def test_widely_spread_strengths_still_draw_plackett_luce():
    # Log-strengths 700 apart overflow worths; the sampler compares clocks in logs instead. Entrants 0 and 1 are
    # alike (a coin toss for first), entrant 2 never beats them.
    (ranks,) = batch_sample(_fields(_event([0.0, 0.0, -700.0])), 10_000, np.random.default_rng(4))
    assert (ranks[:, 2] == 3).all()
    assert (ranks[:, 0] == 1).mean() == within_five_se(0.5, 10_000)
