"""The results model on hand-made data: Plackett-Luce by hand, choix as an independent fit, shrinkage, known
strengths recovered, finishing chances, and the per-season draws."""

from __future__ import annotations

from datetime import date, timedelta

import choix
import numpy as np
import pytest

from qualify.forecast.fields import Entrant, future_fields
from qualify.forecast.model import ModelSettings, Ranking, fit, ranking_terms
from qualify.forecast.sample import sample_event
from qualify.model.common import Gender
from qualify.model.season import Race, Result, Season
from tests.forecast.universe import mini_system

FIXED = ModelSettings(scales="fixed", finish_prior_races=2.0)
M = Gender.MEN


def _season(orders: list[list[str]], *, dnf: dict[int, list[str]] | None = None, nocs: dict[str, str] | None = None,
            ties: dict[int, list[tuple[str, str]]] | None = None) -> Season:
    """Races r1, r2 ... of the mini system's sprint: each order lists athletes best first; ``dnf`` adds unplaced rows
    to a race (by index); ``ties`` gives pairs sharing a place; ``nocs`` maps athletes to NOCs (default: their own)."""
    nocs = nocs or {}
    races = [Race(f"r{i}", date(2025, 1, 1) + timedelta(days=7 * i), f"Race {i}", "world-cup", ("sprint-ranking",))
             for i in range(1, len(orders) + 1)]
    rows = []
    for index, (race, order) in enumerate(zip(races, orders, strict=True)):
        tied = {b: a for a, b in (ties or {}).get(index, [])}
        places: dict[str, int] = {}
        for position, athlete in enumerate(order, start=1):
            places[athlete] = places[tied[athlete]] if athlete in tied else position
            rows.append(Result(race.id, M, "sprint", places[athlete], nocs.get(athlete, _code(athlete)), athlete))
        for athlete in (dnf or {}).get(index, []):
            rows.append(Result(race.id, M, "sprint", None, nocs.get(athlete, _code(athlete)), athlete, "DNF"))
    return Season.from_results(races, rows)


def _code(athlete: str) -> str:
    # A made-up, valid-looking three-letter code per athlete (the model does not check codes).
    return {"A": "AUT", "B": "BEL", "C": "CAN", "D": "DEN", "E": "ESP", "F": "FIN", "G": "GER", "H": "HUN",
            "X": "IRL", "Y": "JPN", "Z": "KOR", "W": "LAT"}[athlete[0]]


def _strengths(season: Season, as_of: str, settings: ModelSettings = FIXED) -> dict[str, float]:
    model = fit(mini_system(), season, as_of, settings)
    group = model.groups[(M, False)]
    return {unit.athlete or "": group.of(unit, "sprint") for unit in group.units}


# -- the likelihood -----------------------------------------------------------------------------------------

def test_the_likelihood_of_one_ranking_is_plackett_luce_worked_out_by_hand():
    worth = np.array([4.0, 2.0, 1.0])
    theta = np.log(worth)
    # A before B before C: 4/7 * 2/3 * 1.
    plain = Ranking.from_places([0, 1, 2], [1, 2, 3])
    assert ranking_terms(theta, plain) == pytest.approx(-np.log(4 / 7 * 2 / 3))
    # A and B tied first (Breslow): each chosen from all three, 4/7 * 2/7, then C alone.
    tied = Ranking.from_places([0, 1, 2], [1, 1, 3])
    assert ranking_terms(theta, tied) == pytest.approx(-np.log(4 / 7 * 2 / 7))
    # The order of the tied rows does not matter.
    assert ranking_terms(theta, Ranking.from_places([1, 0, 2], [1, 1, 3])) == pytest.approx(ranking_terms(theta, tied))


def test_gradient_and_hessian_match_finite_differences():
    rng = np.random.default_rng(4)
    theta = rng.normal(size=6)
    ranking = Ranking.from_places([3, 0, 5, 1, 4, 2], [1, 2, 2, 4, 5, 5])
    gradient, hessian = np.zeros(6), np.zeros((6, 6))
    ranking_terms(theta, ranking, hessian, gradient)
    step = 1e-6
    for i in range(6):
        bump = np.zeros(6)
        bump[i] = step
        numeric = (ranking_terms(theta + bump, ranking) - ranking_terms(theta - bump, ranking)) / (2 * step)
        assert gradient[i] == pytest.approx(numeric, abs=1e-6)
        g_plus, g_minus = np.zeros(6), np.zeros(6)
        ranking_terms(theta + bump, ranking, gradient=g_plus)
        ranking_terms(theta - bump, ranking, gradient=g_minus)
        assert hessian[:, i] == pytest.approx((g_plus - g_minus) / (2 * step), abs=1e-5)


def test_without_a_hierarchy_the_fit_is_choix_map_estimate():
    """Each athlete its own NOC and one event: the hierarchy's prior on a strength is N(0, noc² + unit² + event²),
    an isotropic Gaussian, which choix.opt_rankings fits with penalty alpha·|θ|² (alpha = 1 / (2 variance))."""
    rng = np.random.default_rng(8)
    athletes = ["A", "B", "C", "D", "E", "F", "G", "H"]
    truth = rng.normal(0, 1, len(athletes))
    orders = []
    for _ in range(5):
        keys = truth + rng.gumbel(size=len(athletes))
        orders.append([athletes[i] for i in np.argsort(-keys)])
    settings = ModelSettings(scales="fixed", noc_sd=0.6, unit_sd=0.8, event_sd=0.5, finish_prior_races=2.0)
    mine = _strengths(_season(orders), "r5", settings)
    variance = 0.6 ** 2 + 0.8 ** 2 + 0.5 ** 2
    data = [[athletes.index(a) for a in order] for order in orders]
    theirs = choix.opt_rankings(len(athletes), data, alpha=1 / (2 * variance), method="Newton-CG", tol=1e-10)
    for index, athlete in enumerate(athletes):
        assert mine[athlete] == pytest.approx(theirs[index], abs=1e-4)


# -- what the fit says about athletes -------------------------------------------------------------------------

def test_a_dominant_athlete_gets_the_highest_strength():
    orders = [["A", "B", "C", "D", "E"], ["A", "C", "D", "B", "E"], ["A", "E", "B", "C", "D"],
              ["A", "D", "E", "C", "B"]]
    strengths = _strengths(_season(orders), "r4")
    best = max(strengths, key=strengths.__getitem__)
    assert best == "A"
    others = sorted((v for k, v in strengths.items() if k != "A"), reverse=True)
    assert strengths["A"] - others[0] > 1.0  # four wins out of four: far ahead, not a coin flip


def test_shrinkage_pulls_a_one_race_athlete_toward_the_prior():
    """A won three races against B, C, D and E and did not finish the fourth, which X won against the same field in
    the only race X ran. One win is weaker evidence than three: X is placed below A, nearer 0 (the prior mean: each
    is its own NOC), and a tighter prior pulls X proportionally further than A."""
    field = ["B", "C", "D", "E"]
    season = _season([["A", *field], ["A", *field[::-1]], ["A", *field], ["X", *field]], dnf={3: ["A"]})

    def spreads(sd: float) -> dict[str, float]:
        return _strengths(season, "r4", ModelSettings(scales="fixed", noc_sd=sd, unit_sd=sd, event_sd=0.5,
                                                      finish_prior_races=2.0))
    loose, tight = spreads(3.0), spreads(0.5)
    for fitted in (loose, tight):
        assert 0 < fitted["X"] < fitted["A"]
    assert tight["X"] / loose["X"] < tight["A"] / loose["A"] < 1


def test_an_entrant_without_a_classified_result_gets_its_nocs_level():
    """Y has only DNF rows: no ranking says anything about it. Alone in its NOC it sits at 0, the prior mean; with a
    strong team-mate it sits at their shared NOC level, above 0 and below the team-mate."""
    orders = [["A", "B", "C", "D"], ["A", "C", "B", "D"], ["A", "B", "D", "C"]]
    alone = _strengths(_season(orders, dnf={0: ["Y"], 1: ["Y"]}), "r3")
    assert alone["Y"] == pytest.approx(0.0, abs=1e-9)
    with_mate = _strengths(_season(orders, dnf={0: ["Y"], 1: ["Y"]}, nocs={"Y": "AUT"}), "r3")
    assert 0.0 < with_mate["Y"] < with_mate["A"]


def test_strengths_fitted_from_races_with_known_strengths_come_back_close():
    rng = np.random.default_rng(21)
    athletes = ["A", "B", "C", "D", "E", "F", "G", "H", "X", "Y"]
    truth = np.linspace(2.0, -2.0, len(athletes))
    orders = []
    for _ in range(40):
        keys = truth + rng.gumbel(size=len(athletes))
        orders.append([athletes[i] for i in np.argsort(-keys)])
    strengths = _strengths(_season(orders), "r40", ModelSettings(scales="fixed", noc_sd=2.0, unit_sd=2.0,
                                                                   event_sd=0.5, finish_prior_races=2.0))
    fitted = np.array([strengths[a] for a in athletes])
    # Plackett-Luce fixes strengths up to a common shift: compare centred values.
    error = (fitted - fitted.mean()) - (truth - truth.mean())
    assert np.abs(error).max() < 0.6
    assert np.corrcoef(fitted, truth)[0, 1] > 0.97


def test_the_scales_chosen_by_evidence_follow_the_data():
    """Two NOCs far apart with near-identical athletes inside each: the evidence prefers a wide NOC spread and a
    narrow athlete spread."""
    rng = np.random.default_rng(3)
    nocs = {"A": "AUT", "B": "AUT", "C": "AUT", "D": "BEL", "E": "BEL", "F": "BEL", "G": "CAN", "H": "CAN",
            "X": "CAN", "Y": "DEN", "Z": "DEN", "W": "DEN"}
    level = {"AUT": 3.0, "BEL": 1.0, "CAN": -1.0, "DEN": -3.0}
    athletes = list(nocs)
    truth = np.array([level[nocs[a]] for a in athletes])
    orders = []
    for _ in range(8):
        keys = truth + rng.gumbel(size=len(athletes))
        orders.append([athletes[i] for i in np.argsort(-keys)])
    model = fit(mini_system(), _season(orders, nocs=nocs), "r8", ModelSettings())
    noc_sd, unit_sd, _ = model.groups[(M, False)].scales
    assert noc_sd >= 1.0 and unit_sd <= 0.5 and noc_sd > unit_sd


# -- finishing ------------------------------------------------------------------------------------------------

def test_finishing_chances_shrink_toward_the_mean_share():
    # Four races; A, B, C always placed, D placed in two (DNF in the others): mean share (1 + 1 + 1 + 0.5) / 4.
    orders = [["A", "B", "C", "D"], ["B", "A", "C"], ["C", "A", "D", "B"], ["A", "C", "B"]]
    season = _season(orders, dnf={1: ["D"], 3: ["D"]})
    model = fit(mini_system(), season, "r4", ModelSettings(scales="fixed", finish_prior_races=2.0))
    mean = 3.5 / 4
    rate = model.finish_rate(M, "sprint", Entrant("DEN", "D"))
    assert (rate.placed, rate.held) == (2, 4)
    assert rate.chance == pytest.approx((2 + 2 * mean) / (4 + 2))
    assert model.finish_rate(M, "sprint", Entrant("AUT", "A")).chance == pytest.approx((4 + 2 * mean) / 6)


def test_the_evidence_pulls_hard_when_everyone_finishes_alike_and_little_when_they_differ():
    athletes = ["A", "B", "C", "D", "E", "F", "G", "H"]
    # Eight races, each athlete out of exactly one: every record is 7 of 8.
    alike = _season([[a for a in athletes if a != out] for out in athletes], dnf={i: [a] for i, a in
                                                                                 enumerate(athletes)})
    model = fit(mini_system(), alike, "r8")
    assert model.finish_rate(M, "sprint", Entrant("AUT", "A")).prior_races >= 16
    # Half start every race, half never place: a weak pull, so each keeps its own record.
    apart = _season([athletes[:4] for _ in range(6)], dnf={i: athletes[4:] for i in range(6)})
    model = fit(mini_system(), apart, "r6")
    rate = model.finish_rate(M, "sprint", Entrant("ESP", "E"))
    assert rate.prior_races <= 2 and rate.chance < 0.2


# -- filling the fields and the per-season draws ------------------------------------------------------------------

def _four_races() -> Season:
    orders = [["A", "B", "C", "D", "E"], ["B", "A", "D", "C", "E"], ["A", "C", "B", "E", "D"],
              ["C", "A", "B", "D", "E"]]
    return _season(orders)


def test_fill_puts_each_entrants_strength_and_finishing_chance_into_the_fields():
    system, season = mini_system(), _four_races()
    model = fit(system, season, "r2", FIXED)
    fields = model.fill(future_fields(system, season, "r2"))
    event = fields.events[0]
    for index, entrant in enumerate(event.entrants):
        assert event.log_strength[index] == model.strength(M, "sprint", entrant)
        assert event.p_unclassified[index] == pytest.approx(1 - model.finish_rate(M, "sprint", entrant).chance)


def test_each_simulated_season_draws_once_and_its_races_share_the_draw():
    system, season = mini_system(), _four_races()
    model = fit(system, season, "r2")
    fields = model.fill(future_fields(system, season, "r2"))
    third, fourth = fields.events  # the same entrants in races r3 and r4
    draws = model.draw(fields, 500, np.random.default_rng(1))
    assert np.array_equal(draws[0][0], draws[1][0]) and np.array_equal(draws[0][1], draws[1][1])
    strengths, unplaced = draws[0]
    assert strengths.shape == (500, len(third.entrants))
    # Around the mode, spread by the posterior; different seasons differ.
    assert np.abs(strengths.mean(axis=0) - third.log_strength).max() < 0.25
    assert strengths.std(axis=0).min() > 0.05
    assert ((unplaced >= 0) & (unplaced <= 1)).all()
    # The draws feed the sampler season by season.
    ranks = sample_event(fourth, 500, np.random.default_rng(2), strengths, unplaced)
    assert ranks.shape == (500, len(fourth.entrants))


def test_without_parameter_uncertainty_every_season_uses_the_mode():
    system, season = mini_system(), _four_races()
    model = fit(system, season, "r2", ModelSettings(parameter_uncertainty=False))
    fields = model.fill(future_fields(system, season, "r2"))
    assert model.draw(fields, 10, np.random.default_rng(1)) == [(None, None)] * len(fields.events)


def test_more_races_make_the_posterior_narrower():
    rng = np.random.default_rng(5)
    athletes = ["A", "B", "C", "D", "E", "F"]
    truth = np.linspace(1, -1, 6)
    orders = [[athletes[i] for i in np.argsort(-(truth + rng.gumbel(size=6)))] for _ in range(12)]
    season = _season(orders)
    spread = []
    for as_of in ("r2", "r12"):
        group = fit(mini_system(), season, as_of, FIXED).groups[(M, False)]
        assert group.factor is not None
        spread.append(np.sqrt(np.diag(group.factor @ group.factor.T)).mean())
    assert spread[1] < spread[0]
