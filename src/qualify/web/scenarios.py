"""Scenarios: a system, a source of inputs (bundled or a stored season) and a set of declines.

Reading inputs and allocating are cached per (system, source, declines): the pages and the API are then
served from memory. A computation is done once even when many requests ask for it at the same moment.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, TypeVar

from qualify.engine import Decline, allocate
from qualify.errors import InputError
from qualify.io.declines import parse_decline
from qualify.io.inputs import SystemInputs
from qualify.io.report import BreakdownTable, Summary, build_breakdown, build_summary
from qualify.io.writers import to_json_document
from qualify.model.allocation import Allocation
from qualify.model.nocs import NocRegistry, load_nocs
from qualify.rules import System, bundled_system_ids, load_system
from qualify.store import SeasonRecord, Store
from qualify.web.inputs import accepts_seasons, bundled_inputs, read_season

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
class Source:
    """Where the inputs come from: the bundled data, or a stored season."""

    system: System
    inputs: SystemInputs
    based_on: str
    banner: str | None
    season: SeasonRecord | None = None


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
        self._sources: Memo[tuple, Source] = Memo(32)
        self._outcomes: Memo[tuple, Outcome] = Memo(256)

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

    def source(self, system_id: str, season_id: int | None) -> Source:
        system = self.system(system_id)
        if season_id is None:
            return self._sources.get((system_id, None), lambda: self._bundled(system))
        season = self.store.season(season_id)
        if season is None:
            raise NotFound(f"no season {season_id} in the store")
        if season.system_id != system_id:
            raise NotFound(f"season {season_id} belongs to {season.system_id}, not {system_id}")
        return self._sources.get((system_id, season.content_key), lambda: self._from_season(system, season))

    def _bundled(self, system: System) -> Source:
        content = bundled_inputs(system, self.nocs)
        return Source(system, content.inputs, content.based_on, content.banner)

    def _from_season(self, system: System, season: SeasonRecord) -> Source:
        names = {f.role: f.filename for f in season.files}
        content = read_season(system, self.store.files(season.id), self.nocs, names)
        banner = f"SYNTHETIC DATA in season {season.id} ({season.label}): not real results" if content.synthetic \
            else None
        return Source(system, content.inputs, f"season {season.id}, “{season.label}”, uploaded "
                      f"{season.created_at:%Y-%m-%d %H:%M} ({season.races} races, {season.result_rows} results)",
                      banner, season)

    def outcome(self, system_id: str, season_id: int | None = None, declines: Iterable[str] = ()) -> Outcome:
        texts = decline_texts(declines)
        source = self.source(system_id, season_id)
        key = (system_id, source.season.content_key if source.season else None, texts)
        return self._outcomes.get(key, lambda: self._compute(source, texts))

    def _compute(self, source: Source, texts: tuple[str, ...]) -> Outcome:
        system = source.system
        parsed = [parse_decline(text, system, self.nocs) for text in texts]
        declines = tuple(source.inputs.declines) + tuple(parsed)
        allocation = allocate(system, source.inputs.lists, declines=list(declines),
                              race_results=source.inputs.race_results, nocs=self.nocs,
                              given_places=source.inputs.given_places, notes=source.inputs.notes)
        return Outcome(source, tuple(parsed), allocation, self.nocs)
