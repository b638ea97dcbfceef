"""Special Olympic Qualification Classifications (SOQC) for short track, from World Tour stage results.

How a total is made (the 2026 rules as read in the seed):

* Each classified skater or team earns the points of its final place (a :class:`PointsTable`); tied
  results share the mean of the places they cover; unclassified rows (DNS, DNF, DSQ, ...) earn nothing.
* Individual events: an NOC's k-th qualifier (k = 1, 2, 3) takes, in each stage, the k-th best points
  of that NOC's skaters in that stage, whoever they are (0 if fewer than k were classified). Its total is
  the sum of its best three stage values of four.
* Relays: one entry per NOC, its team's points per stage, best three of four.
* The SOQC lists every entry with a positive total, highest first.

Ties on total: the rules give no tie-break, so equal totals share one rank (standard competition
ranking: 1, 2, 2, 4) and are listed by NOC code, then qualifier. Sharing the rank, rather than inventing
an order, lets the allocation engine see and report the tie. Nothing depends on input row order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from qualify.model.common import Gender
from qualify.model.ranking import RankingEntry, RankingList
from qualify.model.stage import RELAY_EVENTS, STAGE_EVENTS, STAGES, StageResult
from qualify.ranking.points import TENTH, PointsTable

MAX_QUALIFIERS = 3
COUNTED_STAGES = 3

_DISTANCE_TITLE = {"500m": "500 m", "1000m": "1000 m", "1500m": "1500 m"}
_RELAY_TITLE = {Gender.MEN: "5000 m relay", Gender.WOMEN: "3000 m relay", Gender.MIXED: "2000 m mixed relay"}


def soqc_list_id(gender: Gender, event: str) -> str:
    return f"soqc-{gender.value}-{event}"


def soqc_title(gender: Gender, event: str) -> str:
    label = {Gender.MEN: "Men's", Gender.WOMEN: "Women's", Gender.MIXED: "Mixed"}[gender]
    if event in _DISTANCE_TITLE:
        return f"{label} {_DISTANCE_TITLE[event]} SOQC"
    if gender is Gender.MIXED:
        return f"{_RELAY_TITLE[gender]} SOQC"
    return f"{label} {_RELAY_TITLE[gender]} SOQC"


@dataclass(frozen=True)
class SoqcLine:
    """One SOQC entry with the working behind its total, for explanations."""

    noc: str
    qualifier: int | None
    stage_points: tuple[Decimal, ...]  # one value per stage, stage 1 first
    total: Decimal

    @property
    def counted_stages(self) -> tuple[int, ...]:
        """The stages whose values make the total (ties between stage values go to the earlier stage)."""
        order = sorted(range(len(self.stage_points)), key=lambda i: (-self.stage_points[i], i))
        return tuple(sorted(STAGES[i] for i in order[:COUNTED_STAGES]))


def result_points(results: Iterable[StageResult],
                  points_table: PointsTable) -> list[tuple[StageResult, Decimal]]:
    """Points of every result, in the given order: tied places share the mean, unclassified score 0."""
    results = list(results)
    tied: dict[tuple[tuple[int, Gender, str], int], int] = defaultdict(int)
    for r in results:
        if r.rank is not None:
            tied[(r.race, r.rank)] += 1
    return [
        (r, points_table.points_for(r.rank, tied[(r.race, r.rank)]) if r.rank is not None else Decimal(0))
        for r in results
    ]


def soqc_lines(results: Iterable[StageResult], points_table: PointsTable) -> dict[str, list[SoqcLine]]:
    """The SOQC entries per list id, in list order: total descending, then NOC, then qualifier."""
    points = result_points(results, points_table)
    # (gender, event) -> noc -> stage -> points of each of its results in that race
    per_noc: dict[tuple[Gender, str], dict[str, dict[int, list[Decimal]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list)))
    for result, value in points:
        per_noc[(result.gender, result.event)][result.noc][result.stage].append(value)

    lines: dict[str, list[SoqcLine]] = {}
    for (gender, event), by_noc in per_noc.items():
        # A relay entry is an NOC's single team; individual NOCs have up to three qualifiers.
        relay = event in RELAY_EVENTS
        qualifiers = 1 if relay else MAX_QUALIFIERS
        found: list[SoqcLine] = []
        for noc, by_stage in by_noc.items():
            ordered = {stage: sorted(by_stage.get(stage, []), reverse=True) for stage in STAGES}
            for k in range(qualifiers):
                stage_values = tuple(ordered[s][k] if k < len(ordered[s]) else Decimal(0) for s in STAGES)
                total = sum(sorted(stage_values, reverse=True)[:COUNTED_STAGES], Decimal(0))
                if total > 0:
                    found.append(SoqcLine(noc, None if relay else k + 1, stage_values, total))
        found.sort(key=lambda line: (-line.total, line.noc, line.qualifier or 0))
        lines[soqc_list_id(gender, event)] = found
    return dict(sorted(lines.items(), key=lambda kv: _list_order(kv[0])))


def _list_order(list_id: str) -> tuple[int, int]:
    _, gender, event = list_id.split("-", 2)
    return ("MWX".index(gender), STAGE_EVENTS.index(event))


def build_soqc(results: Iterable[StageResult],
               points_table: PointsTable | None = None) -> dict[str, RankingList]:
    """SOQC ranking lists keyed ``soqc-<M|W|X>-<event>``, one per race type present in ``results``.

    Equal totals share a rank (see the module docstring). ``points_table`` defaults to the bundled
    inferred table.
    """
    table = points_table if points_table is not None else PointsTable.default()
    out: dict[str, RankingList] = {}
    for list_id, lines in soqc_lines(results, table).items():
        _, gender_code, event = list_id.split("-", 2)
        gender = Gender(gender_code)
        entries = []
        rank = 0
        for position, line in enumerate(lines, start=1):
            if position == 1 or line.total != lines[position - 2].total:
                rank = position
            entries.append(RankingEntry(rank=rank, noc=line.noc, qualifier=line.qualifier,
                                        points=float(line.total)))
        out[list_id] = RankingList(
            id=list_id,
            title=soqc_title(gender, event),
            gender=gender,
            event=event,
            kind="ranking",
            entries=tuple(entries),
            source=f"computed from World Tour stage results with points table: {table.name or 'unnamed'}",
        )
    return out


def format_points(points: float | Decimal | None) -> str:
    """Points the way SOQC tables publish them: one decimal (3000.0)."""
    if points is None:
        return ""
    return f"{Decimal(str(points)).quantize(TENTH):.1f}"


def format_soqc_table(ranking_list: RankingList) -> list[tuple[str, str, str, str]]:
    """Rows ``(rank, noc, qualifier, points)`` as text; the qualifier is empty for relays."""
    return [
        (str(e.rank), e.noc, "" if e.qualifier is None else str(e.qualifier), format_points(e.points))
        for e in ranking_list.entries
    ]
