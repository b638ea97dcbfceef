"""The checks every ranked input shares (ranking lists, race classifications, season results).

Ranks are a competition ranking: 1, 2, 2, 4 ... (a tie of n shares a rank and skips the next n - 1); on a points
list equal ranks carry equal points and points never rise down the list; and an entry appears once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from qualify.io.csvfile import RowErrors


class Standing(NamedTuple):
    rank: int
    row: int
    points: float | None = None


def check_ranks(errors: RowErrors, standings: Iterable[Standing], *, where: str = "",
                check_sequence: bool = True) -> None:
    """Report ranks that do not read as a competition ranking, and points that do not fit the ranks.

    The sequence is only checked when every rank could be read (``check_sequence``): a row without one leaves a hole
    nobody can place. After a break the count restarts from the rank found, so one wrong rank is one problem.
    ``where`` names the race or list in messages (e.g. " in race 1 M 500m").
    """
    ordered = sorted(standings, key=lambda s: (s.rank, s.row))
    shift = 0  # how far the ranks found so far run ahead of (or behind) their positions
    for index, standing in enumerate(ordered):
        previous = ordered[index - 1] if index else None
        if previous is not None and standing.rank == previous.rank:
            if standing.points != previous.points and None not in (standing.points, previous.points):
                errors.add(standing.row, "rank",
                           f"duplicate rank {standing.rank} (also row {previous.row}) with different "
                           f"points ({_fmt(previous.points)} and {_fmt(standing.points)}){where}; equal ranks are a "
                           "tie and need equal points")
        elif check_sequence and standing.rank != index + 1 + shift:
            errors.add(standing.row, "rank", f"found rank {standing.rank}, expected {index + 1 + shift}{where} "
                       "(ranks run 1, 2, 3 ...; a tie of n skips the next n - 1 ranks)")
            shift = standing.rank - (index + 1)
        if previous is not None and previous.points is not None and standing.points is not None \
                and standing.rank > previous.rank and standing.points > previous.points:
            errors.add(standing.row, "points",
                       f"found {_fmt(standing.points)} at rank {standing.rank}, expected at most "
                       f"{_fmt(previous.points)} (the points of rank {previous.rank}){where}: a ranking list is "
                       "ordered by points")


def check_once(errors: RowErrors, keyed: Iterable[tuple[str, int]], *, field: str, noun: str, scope: str) -> None:
    """Each key (an athlete, an NOC, a team) at most once: ``scope`` says within what (e.g. "per list")."""
    seen: dict[str, int] = {}
    for key, row in keyed:
        if not key:
            continue
        if key in seen:
            errors.add(row, field, f"found '{key}' again (first on row {seen[key]}), expected each {noun} once {scope}")
            continue
        seen[key] = row


def _fmt(points: float | None) -> str:
    return "none" if points is None else f"{points:g}"
