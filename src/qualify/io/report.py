"""Turn an allocation into the published tables: the NOC Summary and the Breakdown by pathway.

Both are plain data here; ``writers`` renders them as a terminal table, Markdown, wikitext, CSV, JSON or Excel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qualify.model.allocation import Allocation, Place, PlaceStatus
from qualify.model.common import Gender
from qualify.model.nocs import NocRegistry
from qualify.rules import ContinentalBestStep, SummaryColumn, System


@dataclass(frozen=True)
class Cell:
    """A count after declines, and before them when a decline changed it (shown struck through)."""

    value: int
    before: int | None = None
    mark: bool = False

    @property
    def changed(self) -> bool:
        return self.before is not None and self.before != self.value


@dataclass
class SummaryRow:
    noc: str
    name: str
    cells: list[Cell]


@dataclass
class Summary:
    columns: list[SummaryColumn]
    rows: list[SummaryRow]
    totals: list[Cell]
    noc_count: int


def _matches(column: SummaryColumn, place: Place) -> bool:
    return ((column.gender is None or place.gender is column.gender)
            and (column.event is None or place.event == column.event)
            and (column.kind is None or place.kind == column.kind))


def build_summary(system: System, allocation: Allocation, nocs: NocRegistry) -> Summary:
    """Counts per NOC and column after declines, with the value before them where the NOC gave places up.

    A "before" value is one that existed: the NOC's count when the allocation stood before any decline, i.e. its
    places now less those it received by reallocation, plus those it declined. It is shown only where the NOC
    declined a place the column counts (a receiver shows its new count plainly), and in the Total row only when it
    differs (a declined place that was reallocated leaves the total as it was). Places withdrawn to make room for a
    host guarantee were never part of the allocation: they are neither counted nor shown as declines.
    """
    columns = list(system.summary)
    codes = sorted({p.noc for p in allocation.places if p.status is not PlaceStatus.DISPLACED},
                   key=lambda code: (nocs.name(code).lower(), code))
    rows = []
    totals_after, totals_before, totals_lost = [0] * len(columns), [0] * len(columns), [0] * len(columns)
    for code in codes:
        mine = [p for p in allocation.places if p.noc == code]
        cells = []
        for index, column in enumerate(columns):
            matching = [p for p in mine if _matches(column, p)]
            after = sum(1 for p in matching if p.active)
            gained = sum(1 for p in matching if p.active and p.reallocated_from is not None)
            lost = sum(1 for p in matching if p.status is PlaceStatus.DECLINED)
            before = after - gained + lost
            if column.display == "mark":
                after, before = min(after, 1), min(before, 1)
            cells.append(Cell(after, before if lost and before != after else None, column.display == "mark"))
            totals_after[index] += after
            totals_before[index] += before
            totals_lost[index] += lost
        rows.append(SummaryRow(code, nocs.name(code), cells))
    totals = [Cell(a, b if lost and b != a else None)
              for a, b, lost in zip(totals_after, totals_before, totals_lost, strict=True)]
    noc_count = len({p.noc for p in allocation.active_places()})
    return Summary(columns, rows, totals, noc_count)


@dataclass(frozen=True)
class Holder:
    """Who holds places in one breakdown cell: an NOC with its ranks, or one athlete of an NOC.

    Writers use it to render the nation their own way (a flag template, an IOC code); ``text`` is the plain form.
    """

    noc: str
    name: str
    athlete: str | None = None
    ranks: tuple[int, ...] = ()
    count: int = 1

    def text(self) -> str:
        who = f"{self.athlete}, {self.name}" if self.athlete else self.name
        if self.ranks:
            return f"{who} ({', '.join(str(rank) for rank in self.ranks)})"
        return who + (f" x{self.count}" if self.count > 1 else "")


@dataclass
class BreakdownLine:
    label: str
    counts: dict[str, int]  # by gender value, or "" for grant-counted rows
    holders: dict[str, list[str]] = field(default_factory=dict)  # "France (1)" strings by the same keys
    entries: dict[str, list[Holder]] = field(default_factory=dict)  # the same holders, as data


@dataclass
class BreakdownTable:
    title: str
    unit: str
    genders: list[str]
    lines: list[BreakdownLine]
    total: dict[str, int]


def _holder(place: Place, nocs: NocRegistry) -> Holder:
    return Holder(place.noc, nocs.name(place.noc), place.athlete, () if place.rank is None else (place.rank,))


def _line(label: str, counts: dict[str, int], entries: dict[str, list[Holder]]) -> BreakdownLine:
    return BreakdownLine(label, counts, {key: [h.text() for h in found] for key, found in entries.items()}, entries)


def build_breakdown(system: System, allocation: Allocation, nocs: NocRegistry) -> list[BreakdownTable]:
    group_of = {step.id: step.group or step.id for step in system.steps}
    continental_steps = {step.id: step for step in system.steps if isinstance(step, ContinentalBestStep)}
    genders = [q.gender.value for q in system.quotas] or [g.value for g in (Gender.MEN, Gender.WOMEN)]
    if any(p.gender is Gender.MIXED for p in allocation.places) and Gender.MIXED.value not in genders:
        genders.append(Gender.MIXED.value)
    tables = []
    for section in system.breakdown:
        lines = []
        for row in section.rows:
            places = sorted((p for p in allocation.active_places() if group_of.get(p.pathway) in row.groups),
                            key=lambda p: p.grant)
            if section.unit == "grant":
                continental = next((step for step in continental_steps.values()
                                    if group_of[step.id] in row.groups), None)
                if continental is not None:
                    lines.append(_line(row.label, {}, {}))
                    for continent in continental.continents:
                        firsts = _first_of_each_grant([p for p in places if p.detail == continent.value])
                        lines.append(_line(f"  {continent.value}", {"": len(firsts)},
                                           {"": [_holder(p, nocs) for p in firsts]}))
                    continue
                firsts = _first_of_each_grant(places)
                lines.append(_line(row.label, {"": len(firsts)}, {"": [_holder(p, nocs) for p in firsts]}))
            else:
                counts: dict[str, int] = {}
                holders: dict[str, list[Holder]] = {}
                for gender in genders:
                    mine = [p for p in places if p.gender.value == gender]
                    counts[gender] = len(mine)
                    holders[gender] = _holders_by_noc(mine, nocs)
                lines.append(_line(row.label, counts, holders))
        total: dict[str, int] = {}
        for line in lines:
            for key, value in line.counts.items():
                total[key] = total.get(key, 0) + value
        if not any(total.values()) and section.rows and all(not line.holders or not any(line.holders.values())
                                                             for line in lines):
            continue  # e.g. a reallocation section when nothing was declined
        tables.append(BreakdownTable(section.title, section.unit, [""] if section.unit == "grant" else genders,
                                     lines, total))
    return tables


def _holders_by_noc(places: list[Place], nocs: NocRegistry) -> list[Holder]:
    """Athlete-bound places one by one; NOC places grouped, e.g. "Canada (1, 5, 12)"."""
    if any(p.athlete for p in places):
        return [_holder(p, nocs) for p in places]
    grouped: dict[str, list[int]] = {}
    for place in places:
        grouped.setdefault(place.noc, [])
        if place.rank is not None:
            grouped[place.noc].append(place.rank)
    return [Holder(noc, nocs.name(noc), None, tuple(ranks), sum(1 for p in places if p.noc == noc))
            for noc, ranks in grouped.items()]


def _first_of_each_grant(places: list[Place]) -> list[Place]:
    seen, firsts = set(), []
    for place in places:
        if place.grant not in seen:
            seen.add(place.grant)
            firsts.append(place)
    return firsts
