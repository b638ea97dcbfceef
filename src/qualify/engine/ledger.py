"""The ledger: every place granted so far and every candidate passed over, in the order it happened."""

from __future__ import annotations

from collections import Counter

from qualify.model.allocation import Decision, Place, PlaceStatus, Warning
from qualify.model.common import Gender


class Ledger:
    """Places are only changed through these methods, so derived views can be cached per ``version``."""

    def __init__(self) -> None:
        self.places: list[Place] = []
        self.decisions: list[Decision] = []
        self.warnings: list[Warning] = []
        self._next_grant = 1
        self.version = 0
        self._cache: dict[object, tuple[int, object]] = {}
        # Additions since the last other change, so views can be brought up to date instead of rebuilt.
        self._added: list[tuple[int, Place]] = []
        self._rebuilt_at = 0

    def cached(self, key: object, compute, update=None):
        """A view of the places, computed once per ledger version (views such as cap counts are asked for many
        times a walk). With ``update(value, new_places)``, places added since are folded in instead."""
        entry = self._cache.get(key)
        if entry is not None and entry[0] == self.version:
            return entry[1]
        if entry is not None and update is not None and entry[0] >= self._rebuilt_at:
            value = entry[1]
            update(value, [place for version, place in self._added if version > entry[0]])
        else:
            value = compute()
        self._cache[key] = (self.version, value)
        return value

    def _changed(self) -> None:
        self.version += 1
        self._rebuilt_at = self.version
        self._added.clear()

    def new_grant_id(self) -> int:
        grant = self._next_grant
        self._next_grant += 1
        return grant

    def add(self, place: Place) -> None:
        self.places.append(place)
        self.version += 1
        self._added.append((self.version, place))

    def remove_last(self, count: int) -> None:
        del self.places[-count:]
        self._changed()

    def skip(self, decision: Decision) -> None:
        self.decisions.append(decision)

    def warn(self, step: str, message: str) -> None:
        self.warnings.append(Warning(step=step, message=message))

    def active(self) -> list[Place]:
        def update(active: list[Place], added: list[Place]) -> None:
            active.extend(p for p in added if p.status is PlaceStatus.ACTIVE)
        return self.cached("active", lambda: [p for p in self.places if p.status is PlaceStatus.ACTIVE], update)

    def nocs_with_places(self) -> set[str]:
        return {p.noc for p in self.active()}

    def holds_place(self, noc: str) -> bool:
        return any(p.noc == noc for p in self.active())

    def athlete_holds_place(self, athlete: str, noc: str, gender: Gender, event: str | None) -> bool:
        return any(p.athlete == athlete and p.noc == noc and p.gender is gender and p.event == event
                   for p in self.active())

    def nocs_from_steps(self, step_ids: tuple[str, ...]) -> set[str]:
        # Declined places count too: a rule that excludes "NOCs that qualified through step X" means
        # the qualification, not the current holding.
        return {p.noc for p in self.places if p.pathway in step_ids}

    def count(self, **match: object) -> int:
        return sum(1 for p in self.active() if all(getattr(p, k) == v for k, v in match.items()))

    def counts_by(self, *fields: str) -> Counter:
        return Counter(tuple(getattr(p, f) for f in fields) for p in self.active())

    def replace(self, old: Place, new: Place) -> None:
        index = next(i for i, p in enumerate(self.places) if p is old)
        self.places[index] = new
        self._changed()

    def replace_decision(self, old: Decision, new: Decision) -> None:
        index = next(i for i, d in enumerate(self.decisions) if d is old)
        self.decisions[index] = new
