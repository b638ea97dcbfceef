"""Finishing places drawn for the events still to come.

Plackett-Luce with the Gumbel-max trick: adding an independent standard Gumbel variable to each entrant's
log-strength and sorting gives an order distributed as Plackett-Luce with worths ``exp(log_strength)``. Each entrant
then finishes without a place with its own chance (DNF, DSQ); the others are ranked 1, 2, 3 ... in order. Pinned
entrants always finish, in their pinned place, and the others fill the remaining places in the same Plackett-Luce
order. No ties are drawn.

The result of one event is an array of ranks, one row per simulated season: ``ranks[s, i]`` is entrant i's place in
season s, 0 for no place. These arrays are the one currency between sampling and evaluation, so that the reference
engine and a batch engine can be handed identical outcomes.
"""

from __future__ import annotations

import numpy as np

from qualify.forecast.fields import EventField, Fields

RANK_DTYPE = np.int16
Outcomes = tuple[np.ndarray, ...]  # one (seasons, entrants) rank array per event of a Fields, in its order


def sample_event(event: EventField, seasons: int, rng: np.random.Generator,
                 log_strength: np.ndarray | None = None, p_unclassified: np.ndarray | None = None) -> np.ndarray:
    """``log_strength`` and ``p_unclassified``, when given, hold one row per simulated season (seasons, entrants),
    e.g. drawn from a results model's posterior; by default every season uses the event's own values."""
    size = len(event.entrants)
    ranks = np.zeros((seasons, size), dtype=RANK_DTYPE)
    if size == 0 or seasons == 0:
        return ranks
    strengths = event.log_strength[None, :] if log_strength is None else log_strength
    if strengths.shape not in ((1, size), (seasons, size)):
        raise ValueError(f"{event.key}: strengths of shape {strengths.shape}, expected ({seasons}, {size})")
    chances = event.p_unclassified[None, :] if p_unclassified is None else p_unclassified
    if chances.shape not in ((1, size), (seasons, size)):
        raise ValueError(f"{event.key}: DNF chances of shape {chances.shape}, expected ({seasons}, {size})")
    keys = strengths + rng.gumbel(size=(seasons, size))
    finished = rng.random((seasons, size)) >= chances
    pinned = np.array([index for index, _ in event.pins], dtype=np.int64)
    if pinned.size:
        finished[:, pinned] = True
        keys[:, pinned] = -np.inf  # placed by their pins, not by the draw
    order = np.argsort(-keys, axis=1, kind="stable")
    finished_in_order = np.take_along_axis(finished, order, axis=1)
    if pinned.size:
        finished_in_order[:, size - pinned.size:] = False  # the pinned entrants sort last; placed below
    places = np.cumsum(finished_in_order, axis=1)
    rows = np.arange(seasons)[:, None]
    ranks[rows, order] = np.where(finished_in_order, places, 0)
    if pinned.size:
        # Free places are numbered 1, 2, ... above; shift each past the pinned places at or before it.
        pinned_places = np.sort(np.array([place for _, place in event.pins], dtype=np.int64))
        free = ranks.astype(np.int64)
        shifted = free.copy()
        for place in pinned_places:
            shifted = np.where((free > 0) & (shifted >= place), shifted + 1, shifted)
        ranks = shifted.astype(RANK_DTYPE)
        for index, place in event.pins:
            ranks[:, index] = place
    return ranks


def sample(fields: Fields, seasons: int, rng: np.random.Generator) -> Outcomes:
    """Ranks for every event of ``fields``, ``seasons`` simulated seasons each."""
    return tuple(sample_event(event, seasons, rng) for event in fields.events)
