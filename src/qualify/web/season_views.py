"""View models for a stored season race by race: the race picker, what changed between two races and the
timeline. Changes and their causes are read from :func:`qualify.diff.diff` (the function behind `qualify diff`),
never re-derived here; counts per race are the Summaries of the standings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from qualify.diff import Cause, Change
from qualify.io.standings import change_delta_text, change_subject, standing_header
from qualify.model.nocs import NocRegistry
from qualify.model.season import Race
from qualify.rules import SummaryColumn
from qualify.web.scenarios import Changes, Outcome, Scenarios, Source, StoredSeason
from qualify.web.views import EntryView, ListView, list_views

# --- the race a page stands at --------------------------------------------------------------------------------

@dataclass(frozen=True)
class RaceChoice:
    race: Race
    number: int  # 1 for the first race of the calendar
    results: int  # result rows of the race

    @property
    def held(self) -> bool:
        return self.results > 0

    @property
    def label(self) -> str:
        text = f"{self.number}. {self.race.date.isoformat()} {self.race.name or self.race.id}"
        return text if self.held else text + " (no results yet)"


def race_choices(stored: StoredSeason) -> list[RaceChoice]:
    season = stored.season
    return [RaceChoice(race, number, len(season.results_of(race.id)))
            for number, race in enumerate(season.races, start=1)]


@dataclass(frozen=True)
class RaceContext:
    """Where a season page stands: the race, its neighbours in the calendar and the header `qualify standings`
    prints ("Standings after race X: name, date (k of n races with results)")."""

    stored: StoredSeason
    race: Race
    previous: Race | None
    following: Race | None
    header: str
    choices: list[RaceChoice]

    @property
    def season_id(self) -> int:
        return self.stored.record.id


def race_context(source: Source) -> RaceContext | None:
    stored, standing = source.stored, source.standing
    if stored is None or standing is None:
        return None
    race = standing.as_of
    return RaceContext(stored, race, stored.previous(race), stored.following(race),
                       standing_header(standing, len(stored.races)), race_choices(stored))


def doubtful_tables(stored: StoredSeason) -> list[tuple[str, str, str]]:
    """Points tables that are not published (an assumption, an inference): (id, basis, source), said on every page."""
    return [(table.id, table.basis, table.source) for table in stored.opened.tables.values()
            if table.basis in ("assumption", "inferred", "user")]


# --- what changed -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CauseView:
    cause: Cause
    parts: list[tuple[str, bool]]  # the cause's text, cut where it names an entry that overtook or was passed

    @property
    def direction(self) -> str:
        return self.cause.direction


def _marked(text: str, names: tuple[str, ...]) -> list[tuple[str, bool]]:
    """The text in pieces, the pieces that are one of ``names`` marked (so the page can highlight them)."""
    parts: list[tuple[str, bool]] = []
    rest = text
    while rest:
        hits = [(rest.find(name), name) for name in names if name and name in rest]
        if not hits:
            parts.append((rest, False))
            break
        at, name = min(hits, key=lambda hit: (hit[0], -len(hit[1])))
        if at:
            parts.append((rest[:at], False))
        parts.append((name, True))
        rest = rest[at + len(name):]
    return parts


@dataclass(frozen=True)
class ChangeView:
    change: Change
    what: str  # the event, or "men's quota places" / "women's athletes" (as `qualify diff` says)
    delta_text: str  # "+1", "-1", "moved"
    causes: list[CauseView]

    @property
    def tone(self) -> str:
        if self.change.derived:
            return "derived"
        if self.change.delta > 0:
            return "gained"
        if self.change.delta < 0:
            return "lost"
        return "moved"


@dataclass
class NocChanges:
    noc: str
    name: str
    rows: list[ChangeView] = field(default_factory=list)

    @property
    def net(self) -> int:
        """Places gained minus lost, athlete counts that follow from the places left out."""
        return sum(row.change.delta for row in self.rows if not row.change.derived)


def change_views(changes: Changes, nocs: NocRegistry) -> list[NocChanges]:
    return changes.cached("views", lambda: _change_views(changes, nocs))


def _change_views(changes: Changes, nocs: NocRegistry) -> list[NocChanges]:
    system = changes.diff.system
    by_noc: dict[str, NocChanges] = {}
    for change in changes.diff.changes:
        group = by_noc.setdefault(change.noc, NocChanges(change.noc, nocs.name(change.noc)))
        group.rows.append(ChangeView(change, change_subject(change, system), change_delta_text(change),
                                     [CauseView(cause, _marked(cause.text, cause.by)) for cause in change.causes]))
    return sorted(by_noc.values(), key=lambda group: (-abs(group.net), group.name.lower(), group.noc))


def dropped_rows(earlier: Outcome, later: Outcome) -> list[tuple[str, str, str]]:
    """NOCs in the earlier Summary that the later one no longer lists (they hold no place now): (code, name, what
    they held, in the Summary's words)."""
    now = {row.noc for row in later.summary.rows}
    columns = earlier.summary.columns
    out = []
    for row in earlier.summary.rows:
        if row.noc in now:
            continue
        held = ", ".join(f"{(c.group + ' ') if c.group else ''}{c.label} {cell.value if not cell.mark else 'X'}"
                         for c, cell in zip(columns, row.cells, strict=True) if cell.value)
        out.append((row.noc, row.name, held))
    return out


def change_counts(changes: Changes) -> tuple[int, int]:
    """(NOC/event counts that changed, places held through another step), as the header of `qualify diff`."""
    counted = Counter(bool(change.delta) for change in changes.diff.changes)
    return counted[True], counted[False]


# --- the timeline ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TimelineRace:
    choice: RaceChoice
    changed: int | None  # NOC/event counts that changed since the race before (None: the first race)
    moved: int | None
    outcome: Outcome


@dataclass(frozen=True)
class GridRow:
    noc: str
    name: str
    values: list[int]
    trends: list[str]  # per race: "up", "down" or "" against the race before


@dataclass(frozen=True)
class Timeline:
    stored: StoredSeason
    races: list[TimelineRace]
    column: SummaryColumn
    columns: list[SummaryColumn]
    rows: list[GridRow]


def default_column(columns: list[SummaryColumn]) -> SummaryColumn:
    """The athletes column where the Summary has one, else its last column."""
    return next((c for c in columns if c.key == "athletes"), columns[-1])


def timeline(scenarios: Scenarios, stored: StoredSeason, column_key: str | None) -> Timeline:
    """Every race of the calendar with the standing after it, what changed since the race before, and the chosen
    Summary column per NOC after each race."""
    races: list[TimelineRace] = []
    choices = race_choices(stored)
    for choice in choices:
        outcome = scenarios.outcome_of(scenarios.source_at(stored, choice.race))
        before = stored.previous(choice.race)
        changed = moved = None
        if before is not None:
            changed, moved = change_counts(scenarios.changes_between(stored, before, choice.race))
        races.append(TimelineRace(choice, changed, moved, outcome))
    columns = list(stored.system.summary)
    column = next((c for c in columns if c.key == column_key), None) or default_column(columns)
    index = columns.index(column)
    values: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for number, entry in enumerate(races):
        for row in entry.outcome.summary.rows:
            names[row.noc] = row.name
            values.setdefault(row.noc, [0] * len(races))[number] = row.cells[index].value
    rows = []
    for noc, counts in values.items():
        trends = [""] + ["up" if b > a else "down" if b < a else "" for a, b in zip(counts, counts[1:], strict=False)]
        rows.append(GridRow(noc, names[noc], counts, trends))
    rows.sort(key=lambda row: (-row.values[-1], -max(row.values), row.name.lower()))
    return Timeline(stored, races, column, list(columns), rows)


# --- an NOC over the season --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]
    css: str  # the line's class in the chart


@dataclass(frozen=True)
class ListProgress:
    title: str
    list_id: str
    series: list[Series]  # the NOC's best entry, and the cut
    ranks: list[int | None]  # the NOC's best rank after each race
    cut_ranks: list[int | None]

    @property
    def has_points(self) -> bool:
        """A list with points is charted; a classification without points (one race's places) is listed."""
        return any(value is not None for line in self.series for value in line.values)


def noc_progress(timeline_: Timeline, noc: str) -> tuple[list[Series], list[ListProgress]]:
    """The NOC's places per quota column after each race, and on each list where it appears its best entry's
    points against the cut (the points of the last entry given a place from the list)."""
    quota_columns = [c for c in timeline_.columns if c.kind == "quota" and c.display == "count"]
    places: list[Series] = []
    for number, column in enumerate(quota_columns):
        index = timeline_.columns.index(column)
        series: list[float | None] = []
        for race in timeline_.races:
            row = next((r for r in race.outcome.summary.rows if r.noc == noc), None)
            series.append(float(row.cells[index].value) if row is not None else 0.0)
        places.append(Series(column.label if not column.group else f"{column.group} {column.label}", series,
                             f"line-{number % 6}"))
    lists: dict[str, ListProgress] = {}
    count = len(timeline_.races)
    for number, race in enumerate(timeline_.races):
        for view in list_views(race.outcome):
            progress = lists.get(view.ranking.id)
            mine = next((e for e in view.entries if e.entry.noc == noc), None)
            if progress is None:
                if mine is None:
                    continue
                progress = ListProgress(view.ranking.title, view.ranking.id,
                                        [Series(noc, [None] * count, "line-0"), Series("cut", [None] * count, "cut")],
                                        [None] * count, [None] * count)
                lists[view.ranking.id] = progress
            _fill(progress, number, view, mine)
    # Lists are listed as the rule file lists them.
    order = {spec.id: i for i, spec in enumerate(timeline_.stored.system.lists)}
    return places, sorted(lists.values(), key=lambda p: order.get(p.list_id, len(order)))


def _fill(progress: ListProgress, number: int, view: ListView, mine: EntryView | None) -> None:
    if mine is not None:
        progress.series[0].values[number] = mine.entry.points
        progress.ranks[number] = mine.entry.rank
    cut = view.cut_entry
    if cut is not None:
        progress.series[1].values[number] = cut.entry.points
        progress.cut_ranks[number] = cut.entry.rank
