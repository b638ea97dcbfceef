"""Scenarios: a system, a source of inputs (bundled, or a stored season as of one of its races) and a set of
declines.

Reading inputs and allocating are cached per (system, source, declines), a season's standings per (season
content, race) and what changed per (season content, race, race): the pages and the API are then served from
memory. A computation is done once even when many requests ask for it at the same moment.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, TypeVar

from qualify.diff import Diff, diff
from qualify.engine import Decline, allocate
from qualify.errors import InputError
from qualify.io.declines import parse_decline
from qualify.io.inputs import OpenSeason, SystemInputs
from qualify.io.report import BreakdownTable, Summary, build_breakdown, build_summary
from qualify.io.writers import to_json_document
from qualify.model.allocation import Allocation
from qualify.model.nocs import NocRegistry, load_nocs
from qualify.model.season import Race, Season
from qualify.rules import System, bundled_system_ids, load_system
from qualify.standings import Standing, standing_at
from qualify.store import SeasonRecord, Store
from qualify.web.inputs import accepts_seasons, bundled_inputs, read_season, standing_inputs

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

MAX_DECLINES = 50


class NotFound(Exception):
    """An unknown system, season or NOC named by a request."""


class Memo(Generic[K, V]):
    """A bounded LRU cache that computes each missing key once, even under concurrent requests."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[K, threading.Lock] = {}

    def get(self, key: K, compute: Callable[[], V]) -> V:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = compute()
            with self._lock:
                self._values[key] = value
                self._values.move_to_end(key)
                while len(self._values) > self.size:
                    self._values.popitem(last=False)
                self._key_locks.pop(key, None)
            return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


@dataclass(frozen=True)
class StoredSeason:
    """A stored season, read once: its record, the whole calendar with its results, and what building its lists
    needs (points tables, lists read from files)."""

    system: System
    record: SeasonRecord
    opened: OpenSeason
    banner: str | None

    @property
    def season(self) -> Season:
        return self.opened.season

    @property
    def races(self) -> tuple[Race, ...]:
        return self.season.races

    @cached_property
    def held(self) -> frozenset[str]:
        return frozenset(race.id for race in self.season.held())

    def race(self, race_id: str | None, parameter: str = "as_of") -> Race:
        """The race a request names (default: the last race with results); an unknown id is a clear 404."""
        if race_id is None:
            last = self.season.last_held
            assert last is not None  # a season without results is refused at upload
            return last
        if race_id not in self.season:
            shown = ", ".join(race.id for race in self.races)
            raise NotFound(f"season {self.record.id} has no race '{race_id}' (as {parameter}); its races are {shown}")
        return self.season.race(race_id)

    def previous(self, race: Race) -> Race | None:
        position = self.season.position(race.id)
        return self.races[position - 1] if position > 0 else None

    def following(self, race: Race) -> Race | None:
        position = self.season.position(race.id)
        return self.races[position + 1] if position + 1 < len(self.races) else None


@dataclass(frozen=True)
class Source:
    """Where the inputs come from: the bundled data, or a stored season as of one race (its standing)."""

    system: System
    inputs: SystemInputs
    based_on: str
    banner: str | None
    season: SeasonRecord | None = None
    stored: StoredSeason | None = None
    standing: Standing | None = None

    @property
    def as_of(self) -> Race | None:
        return self.standing.as_of if self.standing is not None else None


@dataclass
class Changes:
    """What changed between two races of a stored season: ``qualify.diff.diff`` of their standings."""

    stored: StoredSeason
    before: Source
    after: Source
    diff: Diff
    nocs: NocRegistry
    _memo: dict[str, Any] = field(default_factory=dict)

    def cached(self, name: str, compute: Callable[[], V]) -> V:
        if name not in self._memo:
            self._memo[name] = compute()
        return self._memo[name]


@dataclass
class Outcome:
    """One computed scenario: the allocation and everything the pages derive from it, computed once."""

    source: Source
    declines: tuple[Decline, ...]
    allocation: Allocation
    nocs: NocRegistry
    _memo: dict[str, Any] = field(default_factory=dict)

    @property
    def system(self) -> System:
        return self.source.system

    @cached_property
    def summary(self) -> Summary:
        return build_summary(self.system, self.allocation, self.nocs)

    @cached_property
    def breakdown(self) -> list[BreakdownTable]:
        return build_breakdown(self.system, self.allocation, self.nocs)

    @cached_property
    def document(self) -> dict:
        """The JSON contract of `qualify allocate --format json` (with its notice for synthetic inputs)."""
        document = to_json_document(self.system, self.allocation, self.nocs, basis=self.source.inputs.basis)
        return {"notice": self.source.banner, **document} if self.source.banner else document

    def cached(self, name: str, compute: Callable[[], V]) -> V:
        """Per-outcome memo for derived views (ranking-list views, explanations, rendered downloads)."""
        if name not in self._memo:
            self._memo[name] = compute()
        return self._memo[name]


def decline_texts(values: Iterable[str]) -> tuple[str, ...]:
    """Declines as given (NOC:GENDER[:STEP or EVENT]), trimmed; empty values (an unset form field) dropped."""
    texts = tuple(v.strip() for v in values if v and v.strip())
    if len(texts) > MAX_DECLINES:
        raise InputError.single("decline", f"found {len(texts)} declines, expected at most {MAX_DECLINES}")
    return texts


class PageCache:
    """Rendered pages by (path, query, store generation): a page is rendered once per scenario and store state.

    Never blocks the event loop: a lookup takes a short lock; a miss is rendered outside it (two concurrent
    misses may both render; the allocation underneath is computed once by :class:`Memo`).
    """

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._pages: OrderedDict[tuple, tuple[int, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[int, bytes] | None:
        with self._lock:
            found = self._pages.get(key)
            if found is not None:
                self._pages.move_to_end(key)
            return found

    def put(self, key: tuple, status: int, body: bytes) -> None:
        with self._lock:
            self._pages[key] = (status, body)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


GENERATION_TTL = 1.0  # seconds: uploads by other worker processes show in cached pages within this time


class Scenarios:
    """The app's computations, shared by pages and API; thread-safe."""

    def __init__(self, store: Store, *, nocs: NocRegistry | None = None) -> None:
        self.store = store
        self.nocs = nocs or load_nocs()
        self.pages = PageCache()
        self._generation = (0, -GENERATION_TTL)  # (seasons stored, when it was read)
        self._systems = {system_id: load_system(system_id) for system_id in bundled_system_ids()}
        self._stored: Memo[tuple, StoredSeason] = Memo(32)
        self._sources: Memo[tuple, Source] = Memo(512)
        self._standings: Memo[tuple, Standing] = Memo(512)
        self._changes: Memo[tuple, Changes] = Memo(256)
        self._outcomes: Memo[tuple, Outcome] = Memo(512)

    def generation(self) -> int:
        """The store's state as far as pages show it (seasons are only ever added): re-read at most once a second."""
        count, read_at = self._generation
        now = time.monotonic()
        if now - read_at >= GENERATION_TTL:
            count = self.store.counts()[0]
            self._generation = (count, now)
        return count

    def stored(self) -> None:
        """A season was added by this process: pages showing the season list are stale now."""
        self._generation = (self.store.counts()[0], time.monotonic())

    @property
    def systems(self) -> list[System]:
        return list(self._systems.values())

    def system(self, system_id: str) -> System:
        # Only bundled ids: load_system would also take a file path, which a request must never name.
        if system_id not in self._systems:
            raise NotFound(f"unknown system '{system_id}'")
        return self._systems[system_id]

    def season_systems(self) -> list[System]:
        return [s for s in self.systems if accepts_seasons(s)]

    def stored_season(self, system_id: str, season_id: int) -> StoredSeason:
        system = self.system(system_id)
        record = self.store.season(season_id)
        if record is None:
            raise NotFound(f"no season {season_id} in the store")
        if record.system_id != system_id:
            raise NotFound(f"season {season_id} belongs to {record.system_id}, not {system_id}")
        return self._stored.get((system_id, record.content_key), lambda: self._read_stored(system, record))

    def _read_stored(self, system: System, record: SeasonRecord) -> StoredSeason:
        names = {f.role: f.filename for f in record.files}
        name = f"stored season {record.id} “{record.label}”"
        content = read_season(system, self.store.files(record.id), self.nocs, names, name=name)
        banner = f"SYNTHETIC DATA in season {record.id} ({record.label}): not real results" if content.synthetic \
            else None
        return StoredSeason(system, record, content.opened, banner)

    def source(self, system_id: str, season_id: int | None, as_of: str | None = None) -> Source:
        system = self.system(system_id)
        if season_id is None:
            if as_of is not None:
                raise InputError.single("as_of", f"found race '{as_of}' without a season, expected season=N as "
                                                 "well: as_of names a race of a stored season")
            return self._sources.get((system_id, None), lambda: self._bundled(system))
        stored = self.stored_season(system_id, season_id)
        return self.source_at(stored, stored.race(as_of))

    def source_at(self, stored: StoredSeason, race: Race) -> Source:
        key = (stored.system.id, stored.record.content_key, race.id)
        return self._sources.get(key, lambda: self._at_race(stored, race))

    def _bundled(self, system: System) -> Source:
        content = bundled_inputs(system, self.nocs)
        return Source(system, content.inputs, content.based_on, content.banner)

    def _at_race(self, stored: StoredSeason, race: Race) -> Source:
        standing = self.standing_at(stored, race)
        inputs = standing_inputs(stored.opened, standing)
        return Source(stored.system, inputs, inputs.basis, stored.banner, stored.record, stored, standing)

    def standing_at(self, stored: StoredSeason, race: Race) -> Standing:
        """The season as if qualification had closed after ``race``: the same ``standing_at`` as `qualify
        standings` and `qualify diff`, computed once per (season content, race)."""
        opened = stored.opened
        return self._standings.get((stored.system.id, stored.record.content_key, race.id), lambda: standing_at(
            stored.system, opened.season, race.id, opened.tables, fixed_lists=opened.fixed_lists, nocs=self.nocs))

    def outcome(self, system_id: str, season_id: int | None = None, declines: Iterable[str] = (),
                as_of: str | None = None) -> Outcome:
        texts = decline_texts(declines)
        source = self.source(system_id, season_id, as_of)
        return self.outcome_of(source, texts)

    def outcome_of(self, source: Source, texts: tuple[str, ...] = ()) -> Outcome:
        race = source.as_of.id if source.as_of is not None else None
        key = (source.system.id, source.season.content_key if source.season else None, race, texts)
        return self._outcomes.get(key, lambda: self._compute(source, texts))

    def _compute(self, source: Source, texts: tuple[str, ...]) -> Outcome:
        system = source.system
        if not texts and source.standing is not None:
            # The standing's own allocation: the one `qualify standings` prints (same inputs, no declines).
            return Outcome(source, (), source.standing.allocation, self.nocs)
        parsed = [parse_decline(text, system, self.nocs) for text in texts]
        declines = tuple(source.inputs.declines) + tuple(parsed)
        allocation = allocate(system, source.inputs.lists, declines=list(declines),
                              race_results=source.inputs.race_results, nocs=self.nocs,
                              given_places=source.inputs.given_places, notes=source.inputs.notes)
        return Outcome(source, tuple(parsed), allocation, self.nocs)

    def changes(self, system_id: str, season_id: int, from_race: str | None, to_race: str | None) -> Changes:
        """What changed from ``from_race`` (default: the race before ``to_race``) to ``to_race`` (default: the
        last race with results), as `qualify diff --from --to` computes it."""
        stored = self.stored_season(system_id, season_id)
        after = stored.race(to_race, "to")
        if from_race is None:
            before = stored.previous(after)
            if before is None:
                raise InputError.single("from", f"race {after.id} is the first of the calendar: there is no race "
                                                "before it to compare with")
        else:
            before = stored.race(from_race, "from")
            if stored.season.position(before.id) >= stored.season.position(after.id):
                raise InputError.single("from", f"found race '{from_race}', expected a race before '{after.id}' "
                                                "in the calendar")
        return self.changes_between(stored, before, after)

    def changes_between(self, stored: StoredSeason, before: Race, after: Race) -> Changes:
        key = (stored.system.id, stored.record.content_key, before.id, after.id)

        def compute() -> Changes:
            earlier, later = self.source_at(stored, before), self.source_at(stored, after)
            assert earlier.standing is not None and later.standing is not None
            return Changes(stored, earlier, later, diff(earlier.standing, later.standing), self.nocs)
        return self._changes.get(key, compute)
