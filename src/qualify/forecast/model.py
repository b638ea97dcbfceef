"""The results model: how the races still to come may finish, fitted on the results so far.

**Strengths.** Finishing orders follow Plackett-Luce: at each place, every entrant still running takes it with a
chance proportional to its worth ``exp(θ)``. The log-strengths θ are fitted per *group* of events that share their
competitors: the individual events of one gender (short track's men's 500 m, 1000 m and 1500 m; ski
mountaineering's men's sprint), and each team event on its own kind of entrant (a relay team: an NOC, or an NOC's
second team). Within a group the strengths are hierarchical, each level a Gaussian around the one above it:

* ``θ[unit, event] ~ N(α[unit], event_sd²)``: an athlete's (or team's) strength in one event;
* ``α[unit] ~ N(ν[noc], unit_sd²)``: the athlete's level across the group's events;
* ``ν[noc] ~ N(0, noc_sd²)``: the NOC's level.

The fit is the posterior mode (MAP) of all three levels at once, by Newton's method on the exact gradient and
Hessian (the problem is strictly convex). The hierarchy is the shrinkage: an athlete with one race is pulled
toward their level in the group's other events, and an athlete with no classified result at all (only DNF or DNS
rows) gets their NOC's level: the prior for an entrant with almost no data. Zero, the mean of the scale, is an
NOC about which nothing is known.

**Scales.** The three spreads are not known. By default each group is fitted on a grid of them and each fit weighs
by its evidence (the marginal likelihood by Laplace's approximation, a uniform prior over the grid); the reported
strengths are the weighted mean of the fits' modes. ``scales="fixed"`` uses the spreads of the settings.

**Uncertainty.** By default every simulated season picks one fit by its weight and draws its strengths from that
fit's Laplace posterior (a Gaussian at the mode with the inverse Hessian as covariance), shared by all the races of
that season: a strength known from two races is uncertain, and that uncertainty belongs in the odds.
``parameter_uncertainty`` switches this off (every season then uses the weighted mean).

**The data.** Each classification of a held race in an event that feeds a list is one ranking of its classified
entrants (the rows with a rank). Tied places use Breslow's approximation: the tied entrants are each chosen from the
same set, the entrants from the tie on. Rows without a rank (DNF, DSQ, DNS) carry no order and do not enter the
ranking; they count against the entrant's chance of finishing.

**Finishing.** The chance that an entrant finishes a future race of an event with a place is its share of the
event's held races in which it had a place, shrunk toward the mean share of all the event's entrants with
``m`` pseudo-races: ``(k + m·r̄) / (n + m)``; ``m`` is chosen per event by the beta-binomial likelihood of the counts
(or fixed by ``finish_prior_races``). Not starting counts like not finishing, since neither
earns points; the shrinkage keeps the expected number of classified entrants of a race equal to the mean so far.
Per simulated season the chance is drawn from its Beta posterior, ``Beta(k + m·r̄, n − k + m·(1 − r̄))``.

Who may start at all is the reading of :mod:`qualify.forecast.fields`: the entrants seen in that gender and event
so far. ``docs/forecast.md`` describes the model, its readings and its limitations for users.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.linalg import cho_factor, cho_solve
from scipy.special import betaln
from threadpoolctl import threadpool_limits

from qualify.forecast.fields import Entrant, EventField, Fields, result_events
from qualify.model.common import Gender
from qualify.model.season import Result, Season
from qualify.rules import System

GroupKey = tuple[Gender, bool]  # (gender, team event)

# The spreads tried when the scales are chosen by their evidence (empirical Bayes), on the log-strength scale.
NOC_SD_GRID = (0.25, 0.5, 1.0, 2.0, 4.0)
UNIT_SD_GRID = (0.25, 0.5, 1.0, 2.0)
EVENT_SD_GRID = (0.25, 0.5, 1.0)  # only for groups of several events (an athlete's level and event are one else)
FINISH_PRIOR_GRID = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0)  # pseudo-races
SINGLE_EVENT_SD = 0.05
MIN_CANDIDATE_WEIGHT = 1e-3  # scales less likely than this (relative to the likeliest) are dropped


@dataclass(frozen=True)
class ModelSettings:
    """The priors of the results model, on the log-strength scale (a difference of 1 is a worth ratio of e)."""

    scales: Literal["evidence", "fixed"] = "evidence"  # the three spreads below chosen per group, or as given
    noc_sd: float = 1.0  # spread of NOC levels
    unit_sd: float = 1.0  # spread of athletes (or teams) around their NOC's level
    event_sd: float = 0.5  # spread of an athlete's strength in one event around their level
    finish_prior_races: float | None = None  # pseudo-races pulling a finishing chance toward the event's mean;
    # None: chosen per event by its evidence (the beta-binomial likelihood of the counts so far)
    parameter_uncertainty: bool = True  # each simulated season draws its strengths and finishing chances

    def __post_init__(self) -> None:
        for name in ("noc_sd", "unit_sd", "event_sd", "finish_prior_races"):
            if getattr(self, name) is not None and not getattr(self, name) > 0:
                raise ValueError(f"ModelSettings.{name} must be positive")


@dataclass(frozen=True)
class Ranking:
    """One classification as indices into a group's (unit, event) pairs, best first; ties share a group."""

    items: np.ndarray  # pair index at each position
    start: np.ndarray  # first position of each position's tie group
    end: np.ndarray  # last position of each position's tie group

    @classmethod
    def from_places(cls, items: list[int], places: list[int]) -> Ranking:
        """``items`` in finishing order with their places (competition ranking: 1, 2, 2, 4)."""
        size = len(items)
        start = np.arange(size)
        end = np.arange(size)
        for position in range(1, size):
            if places[position] == places[position - 1]:
                start[position] = start[position - 1]
        for position in range(size - 2, -1, -1):
            if places[position] == places[position + 1]:
                end[position] = end[position + 1]
        return cls(np.asarray(items, dtype=np.int64), start, end)


def ranking_terms(theta: np.ndarray, ranking: Ranking, hessian: np.ndarray | None = None,
                  gradient: np.ndarray | None = None) -> float:
    """The negative log-likelihood of one ranking under Plackett-Luce (Breslow ties); adds the gradient and the
    Hessian of it with respect to ``theta`` into the given arrays."""
    items = ranking.items
    strengths = theta[items]
    shift = strengths.max()
    worth = np.exp(strengths - shift)
    suffix = np.cumsum(worth[::-1])[::-1]
    denominators = suffix[ranking.start]  # the worth of everyone still running when each place is taken
    value = float(np.log(denominators).sum() + shift * len(items) - strengths.sum())
    inverse = 1.0 / denominators
    # Entrant at position p is among those still running for every place q whose group starts at or before p, that
    # is for every q up to the end of p's own tie group.
    exposure = np.cumsum(inverse)[ranking.end]
    if gradient is not None:
        np.add.at(gradient, items, worth * exposure - 1.0)
    if hessian is not None:
        positions = np.arange(len(items))
        together = np.cumsum(inverse * inverse)[ranking.end[np.minimum.outer(positions, positions)]]
        block = np.diag(worth * exposure) - np.outer(worth, worth) * together
        hessian[np.ix_(items, items)] += block
    return value


@dataclass(frozen=True)
class Candidate:
    """The fit of a group at one choice of the prior's scales: its posterior mode, the lower Cholesky factor of the
    posterior covariance of θ (Laplace), its log evidence and its weight among the scales tried."""

    scales: tuple[float, float, float]  # (noc_sd, unit_sd, event_sd)
    strength: np.ndarray
    level: np.ndarray
    noc_level: np.ndarray
    factor: np.ndarray | None
    evidence: float
    weight: float


@dataclass
class GroupFit:
    """The fitted strengths of one group of events (the individual events of a gender, or one team event)."""

    gender: Gender
    team: bool
    events: tuple[str, ...]
    nocs: tuple[str, ...]
    units: tuple[Entrant, ...]
    pairs: tuple[tuple[int, str], ...]  # (unit index, event): one strength each
    strength: np.ndarray  # θ per pair: the posterior mean of the modes over the scales' candidates
    level: np.ndarray  # α per unit, likewise
    noc_level: np.ndarray  # ν per NOC, likewise
    candidates: tuple[Candidate, ...]  # the fits at each scale kept, with their posterior weights
    rankings: int  # classifications fitted on
    placed: int  # classified results fitted on
    pair_index: dict[tuple[Entrant, str], int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.pair_index = {(self.units[unit], event): index for index, (unit, event) in enumerate(self.pairs)}

    @property
    def key(self) -> GroupKey:
        return (self.gender, self.team)

    @property
    def label(self) -> str:
        kind = "team" if self.team else "individual"
        return f"{self.gender.label} {kind} events ({', '.join(self.events)})"

    @property
    def scales(self) -> tuple[float, float, float]:
        """The (noc_sd, unit_sd, event_sd) of the likeliest candidate."""
        return max(self.candidates, key=lambda c: c.weight).scales

    @property
    def factor(self) -> np.ndarray | None:
        """The likeliest candidate's lower Cholesky factor of the posterior covariance of θ."""
        return max(self.candidates, key=lambda c: c.weight).factor

    def shifts(self, seasons: int, rng: np.random.Generator) -> np.ndarray:
        """Per simulated season, a draw of θ minus :attr:`strength`: a candidate picked by its weight, then θ from
        its Laplace posterior (seasons, pairs)."""
        weights = np.array([c.weight for c in self.candidates])
        picked = rng.choice(len(weights), size=seasons, p=weights / weights.sum())
        noise = rng.standard_normal((seasons, len(self.pairs)))
        out = np.empty((seasons, len(self.pairs)))
        for index, candidate in enumerate(self.candidates):
            rows = picked == index
            if rows.any():
                assert candidate.factor is not None
                out[rows] = (candidate.strength - self.strength) + noise[rows] @ candidate.factor.T
        return out

    def of(self, entrant: Entrant, event: str) -> float:
        """The strength of an entrant in an event (its level, or its NOC's, for a pair never seen)."""
        index = self.pair_index.get((entrant, event))
        if index is not None:
            return float(self.strength[index])
        if entrant in self.units:
            return float(self.level[self.units.index(entrant)])
        if entrant.noc in self.nocs:
            return float(self.noc_level[self.nocs.index(entrant.noc)])
        return 0.0


@dataclass(frozen=True)
class FinishRate:
    """How often an entrant had a place in the held races of one event: ``placed`` of ``held``, and the shrunk
    chance with its Beta posterior."""

    placed: int
    held: int
    prior_mean: float
    prior_races: float

    @property
    def alpha(self) -> float:
        return self.placed + self.prior_races * self.prior_mean

    @property
    def beta(self) -> float:
        return self.held - self.placed + self.prior_races * (1.0 - self.prior_mean)

    @property
    def chance(self) -> float:
        return self.alpha / (self.alpha + self.beta)


@dataclass
class ResultsModel:
    """Fitted strengths and finishing chances of everyone who may start a race still to come."""

    settings: ModelSettings
    as_of: str
    groups: dict[GroupKey, GroupFit]
    finish: dict[tuple[Gender, str], dict[Entrant, FinishRate]]
    event_groups: dict[tuple[Gender, str], GroupKey]

    # -- filling a forecast's fields ---------------------------------------------------------------------

    def strength(self, gender: Gender, event: str, entrant: Entrant) -> float:
        key = self.event_groups.get((gender, event))
        return self.groups[key].of(entrant, event) if key in self.groups else 0.0

    def finish_rate(self, gender: Gender, event: str, entrant: Entrant) -> FinishRate:
        rates = self.finish.get((gender, event), {})
        if entrant in rates:
            return rates[entrant]
        mean = _mean_share(rates.values())
        strength = next(iter(rates.values())).prior_races if rates else (self.settings.finish_prior_races or 2.0)
        return FinishRate(0, 0, mean, strength)

    def fill(self, fields: Fields) -> Fields:
        """``fields`` with every entrant's strength (the posterior mode) and chance of finishing without a place."""
        events = []
        for event in fields.events:
            strengths = np.array([self.strength(event.gender, event.event, e) for e in event.entrants])
            unplaced = np.array([1.0 - self.finish_rate(event.gender, event.event, e).chance for e in event.entrants])
            events.append(event.with_strengths(strengths.reshape(len(event.entrants)),
                                               unplaced.reshape(len(event.entrants))))
        return fields.replace_events(tuple(events))

    def draw(self, fields: Fields, seasons: int, rng: np.random.Generator
             ) -> list[tuple[np.ndarray | None, np.ndarray | None]]:
        """Per event of ``fields``: (strengths, chances of no place) per simulated season, each (seasons, entrants),
        drawn once per season and shared by that season's races; (None, None) without parameter uncertainty."""
        if not self.settings.parameter_uncertainty or seasons == 0:
            return [(None, None)] * len(fields.events)
        shifts: dict[GroupKey, np.ndarray] = {}
        with single_threaded_blas():
            for key in sorted(self.groups, key=lambda k: (k[0].value, k[1])):
                group = self.groups[key]
                if group.factor is not None and len(group.pairs):
                    shifts[key] = group.shifts(seasons, rng)
        # One draw per season for each (gender, event): the races of a season share it.
        finishing: dict[tuple[Gender, str, tuple[Entrant, ...]], np.ndarray] = {}
        out: list[tuple[np.ndarray | None, np.ndarray | None]] = []
        for event in fields.events:
            if not event.entrants:
                out.append((None, None))
                continue
            found = self.event_groups.get((event.gender, event.event))
            strengths: np.ndarray | None = None
            if found is not None and found in shifts:
                key = found
                group = self.groups[key]
                columns = np.array([group.pair_index.get((e, event.event), -1) for e in event.entrants])
                known = columns >= 0
                strengths = np.repeat(event.log_strength[None, :], seasons, axis=0)
                strengths[:, known] += shifts[key][:, columns[known]]
            ident = (event.gender, event.event, event.entrants)
            if ident not in finishing:
                rates = [self.finish_rate(event.gender, event.event, e) for e in event.entrants]
                finishing[ident] = 1.0 - rng.beta(np.array([r.alpha for r in rates]),
                                                  np.array([r.beta for r in rates]),
                                                  size=(seasons, len(rates)))
            out.append((strengths, finishing[ident]))
        return out


def _mean_share(rates: Iterable[FinishRate]) -> float:
    shares = [rate.placed / rate.held for rate in rates if rate.held]
    return float(np.clip(np.mean(shares), 0.01, 0.99)) if shares else 0.9


def single_threaded_blas() -> threadpool_limits:
    """The matrices here are small (a few hundred rows): BLAS threads only fight over the cores, and forecasts run
    in parallel processes anyway. On a loaded two-core machine a 400 x 400 solve takes 25 times longer threaded."""
    return threadpool_limits(limits=1, user_api="blas")


# -- fitting ------------------------------------------------------------------------------------------------

def model_events(system: System, season: Season) -> set[tuple[Gender, str]]:
    """The (gender, event) classifications that feed some list of the system, in any race of the calendar."""
    found: set[tuple[Gender, str]] = set()
    for race in season.races:
        found.update(result_events(system, race))
    return found


def _order(entrant: Entrant) -> tuple[str, str, str]:
    return (entrant.noc, entrant.athlete or "", entrant.team or "")


def _entrant(result: Result) -> Entrant:
    return Entrant(result.noc, result.athlete, None if result.athlete is not None else result.team)


def fit(system: System, season: Season, as_of: str, settings: ModelSettings | None = None) -> ResultsModel:
    """The model fitted on the results of ``season`` up to and including ``as_of``."""
    settings = settings if settings is not None else ModelSettings()
    known = season.up_to(as_of)
    wanted = model_events(system, season)
    # (race, gender, event) -> rows, in calendar order.
    classifications: dict[tuple[str, Gender, str], list[Result]] = {}
    for result in known.results:
        if (result.gender, result.event) in wanted:
            classifications.setdefault((result.race, result.gender, result.event), []).append(result)
    event_groups: dict[tuple[Gender, str], GroupKey] = {}
    by_group: dict[GroupKey, list[tuple[str, list[Result]]]] = {}
    for (_, gender, event), rows in classifications.items():
        key = (gender, rows[0].athlete is None)
        event_groups[(gender, event)] = key
        by_group.setdefault(key, []).append((event, rows))
    with single_threaded_blas():
        groups = {key: _fit_group(key, data, settings)
                  for key, data in sorted(by_group.items(), key=lambda item: (item[0][0].value, item[0][1]))}
    finish = _finish_rates(classifications, settings)
    return ResultsModel(settings, as_of, groups, finish, event_groups)


def _finish_rates(classifications: dict[tuple[str, Gender, str], list[Result]], settings: ModelSettings
                  ) -> dict[tuple[Gender, str], dict[Entrant, FinishRate]]:
    held: dict[tuple[Gender, str], int] = {}
    placed: dict[tuple[Gender, str], dict[Entrant, int]] = {}
    for (_, gender, event), rows in classifications.items():
        held[(gender, event)] = held.get((gender, event), 0) + 1
        counts = placed.setdefault((gender, event), {})
        for row in rows:
            counts[_entrant(row)] = counts.get(_entrant(row), 0) + (row.rank is not None)
    out: dict[tuple[Gender, str], dict[Entrant, FinishRate]] = {}
    for key, counts in placed.items():
        n = held[key]
        # Kept off 0 and 1: a few races in which everyone finished do not prove that nobody ever falls.
        mean = float(np.clip(np.mean([k / n for k in counts.values()]), 0.01, 0.99))
        strength = settings.finish_prior_races
        if strength is None:
            strength = _finish_evidence(np.array(list(counts.values())), n, mean)
        out[key] = {entrant: FinishRate(k, n, mean, strength) for entrant, k in counts.items()}
    return out


def _finish_evidence(placed: np.ndarray, held: int, mean: float) -> float:
    """The prior strength (pseudo-races) under which the counts so far are likeliest: beta-binomial, on a grid.
    Entrants who all finish about equally often ask for a strong pull toward the mean; very different ones (those
    who start every race, those who start one in three) for a weak one."""
    def likelihood(strength: float) -> float:
        a, b = strength * mean, strength * (1.0 - mean)
        return float((betaln(placed + a, held - placed + b) - betaln(a, b)).sum())
    return max(FINISH_PRIOR_GRID, key=lambda strength: (likelihood(strength), -strength))


@dataclass
class _GroupData:
    """The structure of one group: who, which (unit, event) pairs, the rankings; the parameters are laid out as
    [θ per pair, α per unit, ν per NOC]."""

    units: list[Entrant]
    nocs: list[str]
    pairs: list[tuple[int, str]]
    rankings: list[Ranking]
    placed: int
    pair_unit: np.ndarray  # unit index of each pair
    unit_noc: np.ndarray  # NOC index of each unit

    @property
    def size(self) -> int:
        return len(self.pairs) + len(self.units) + len(self.nocs)

    def precision(self, noc_sd: float, unit_sd: float, event_sd: float) -> np.ndarray:
        """The prior precision of the hierarchy: each level a Gaussian around the one above it."""
        n_pairs, n_units = len(self.pairs), len(self.units)
        out = np.zeros((self.size, self.size))
        links = [(np.arange(n_pairs), n_pairs + self.pair_unit, event_sd),
                 (n_pairs + np.arange(n_units), n_pairs + n_units + self.unit_noc, unit_sd)]
        for lower, upper, sd in links:
            weight = 1.0 / (sd * sd)
            np.add.at(out, (lower, lower), weight)
            np.add.at(out, (upper, upper), weight)
            np.add.at(out, (lower, upper), -weight)
            np.add.at(out, (upper, lower), -weight)
        top = n_pairs + n_units + np.arange(len(self.nocs))
        out[top, top] += 1.0 / (noc_sd * noc_sd)
        return out


def _group_data(data: list[tuple[str, list[Result]]]) -> _GroupData:
    units = sorted({_entrant(row) for _, rows in data for row in rows}, key=_order)
    unit_index = {unit: i for i, unit in enumerate(units)}
    nocs = sorted({unit.noc for unit in units})
    noc_index = {noc: i for i, noc in enumerate(nocs)}
    pairs = sorted({(unit_index[_entrant(row)], event) for event, rows in data for row in rows})
    pair_index = {pair: i for i, pair in enumerate(pairs)}
    rankings = []
    placed = 0
    for event, rows in data:
        ranked = sorted((row for row in rows if row.rank is not None), key=lambda row: row.rank or 0)
        if len(ranked) < 2:
            continue
        placed += len(ranked)
        rankings.append(Ranking.from_places([pair_index[(unit_index[_entrant(r)], event)] for r in ranked],
                                            [r.rank or 0 for r in ranked]))
    return _GroupData(units, nocs, pairs, rankings, placed, np.array([u for u, _ in pairs], dtype=np.int64),
                      np.array([noc_index[u.noc] for u in units], dtype=np.int64))


def _fit_group(key: GroupKey, data: list[tuple[str, list[Result]]], settings: ModelSettings) -> GroupFit:
    gender, team = key
    group = _group_data(data)
    n_pairs, n_units = len(group.pairs), len(group.units)
    multi_event = len({event for _, event in group.pairs}) > 1
    fits: list[tuple[float, tuple[float, float, float], np.ndarray, np.ndarray]] = []

    def consider(scales: tuple[float, float, float]) -> None:
        precision = group.precision(*scales)
        x, hessian, value = _newton(precision, group.rankings, n_pairs, start=fits[-1][2] if fits else None)
        fits.append((-value + 0.5 * _logdet(precision) - 0.5 * _logdet(hessian), scales, x, hessian))

    if settings.scales == "evidence":
        # The spreads are not known: every pair of NOC and athlete spreads of the grid is fitted, then the event
        # spreads at the likeliest pair; each fit weighs by its evidence (the marginal likelihood, by Laplace's
        # approximation, under a uniform prior over the scales tried). With few results many scales stay likely,
        # and the forecast averages over them; with many, the likeliest takes over.
        # In a group of one event an athlete's level and strength are one: the athlete spread carries it all.
        event_sd = settings.event_sd if multi_event else SINGLE_EVENT_SD
        for noc_sd in NOC_SD_GRID:
            for unit_sd in UNIT_SD_GRID:
                consider((noc_sd, unit_sd, event_sd))
        if multi_event:
            best = max(fits, key=lambda fit: fit[0])[1]
            for event_sd in EVENT_SD_GRID:
                if event_sd != best[2]:
                    consider((best[0], best[1], event_sd))
    else:
        consider((settings.noc_sd, settings.unit_sd, settings.event_sd))
    top = max(fit[0] for fit in fits)
    raw = np.exp(np.array([fit[0] for fit in fits]) - top)
    kept = [(fit, weight) for fit, weight in zip(fits, raw, strict=True) if weight >= MIN_CANDIDATE_WEIGHT]
    total = sum(weight for _, weight in kept)
    candidates = []
    for (evidence, scales, x, hessian), weight in kept:
        factor = None
        if settings.parameter_uncertainty and n_pairs:
            covariance = np.linalg.inv(hessian)[:n_pairs, :n_pairs]
            factor = _cholesky(0.5 * (covariance + covariance.T))
        candidates.append(Candidate(scales, x[:n_pairs], x[n_pairs:n_pairs + n_units], x[n_pairs + n_units:], factor,
                                    float(evidence), float(weight / total)))
    weights = np.array([c.weight for c in candidates])
    mean = [sum(w * getattr(c, name) for w, c in zip(weights, candidates, strict=True))
            for name in ("strength", "level", "noc_level")]
    return GroupFit(gender, team, tuple(sorted({event for event, _ in data})), tuple(group.nocs), tuple(group.units),
                    tuple(group.pairs), np.asarray(mean[0]), np.asarray(mean[1]), np.asarray(mean[2]),
                    tuple(candidates), len(group.rankings), group.placed)


def _logdet(matrix: np.ndarray) -> float:
    factor, _ = cho_factor(matrix, lower=True, check_finite=False)
    return 2.0 * float(np.log(np.diag(factor)).sum())


def _objective(x: np.ndarray, precision: np.ndarray, rankings: list[Ranking], n_pairs: int, *, derivatives: bool
               ) -> tuple[float, np.ndarray | None, np.ndarray | None]:
    theta = x[:n_pairs]
    prior = precision @ x
    value = 0.5 * float(x @ prior)
    gradient = hessian = None
    if derivatives:
        gradient = prior.copy()
        hessian = precision.copy()
    for ranking in rankings:
        value += ranking_terms(theta, ranking, hessian, gradient)
    return value, gradient, hessian


def _newton(precision: np.ndarray, rankings: list[Ranking], n_pairs: int, *, start: np.ndarray | None = None,
            tolerance: float = 1e-9, max_steps: int = 100) -> tuple[np.ndarray, np.ndarray, float]:
    """The minimum of the negative log-posterior (strictly convex), the Hessian and the value there."""
    x = np.zeros(precision.shape[0]) if start is None else start.copy()
    value, gradient, hessian = _objective(x, precision, rankings, n_pairs, derivatives=True)
    assert gradient is not None and hessian is not None
    for _ in range(max_steps):
        step = cho_solve(cho_factor(hessian, lower=True, check_finite=False), gradient, check_finite=False)
        decrease = float(gradient @ step)
        if decrease / 2 <= tolerance:
            break
        scale = 1.0
        while True:
            trial = x - scale * step
            trial_value, _, _ = _objective(trial, precision, rankings, n_pairs, derivatives=False)
            if trial_value <= value - 0.25 * scale * decrease or scale < 1e-10:
                break
            scale /= 2
        x = trial
        value, gradient, hessian = _objective(x, precision, rankings, n_pairs, derivatives=True)
        assert gradient is not None and hessian is not None
    return x, hessian, value


def _cholesky(covariance: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.cholesky(covariance)
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(covariance)
        return vectors * np.sqrt(np.clip(values, 0.0, None))


def entrant_strengths(model: ResultsModel, event: EventField) -> list[tuple[Entrant, float, float]]:
    """Each entrant of ``event`` with its fitted strength and chance of a place, strongest first (for reports)."""
    rows = [(entrant, model.strength(event.gender, event.event, entrant),
             model.finish_rate(event.gender, event.event, entrant).chance) for entrant in event.entrants]
    return sorted(rows, key=lambda row: (-row[1], row[0]))
