"""Caps: limits on how many active places may share a NOC, gender or event."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from qualify.engine.ledger import Ledger
from qualify.model.allocation import Place
from qualify.rules import Cap, Event, Quota, System


@dataclass(frozen=True)
class CapBreach:
    cap_id: str
    clause: str
    is_total: bool  # a ceiling on everyone (event or gender total) rather than a per-NOC limit
    message: str


def quota_caps(quotas: tuple[Quota, ...]) -> list[Cap]:
    """Gender quotas behave as totals over athlete-quota places."""
    return [Cap(id=f"quota-{q.gender.value}", max=q.places, per=("gender",), kind="quota", gender=q.gender,
                clause=q.clause, events=None)
            for q in quotas]


def event_caps(events: tuple[Event, ...]) -> list[Cap]:
    """An event's maximum places (``places`` in the rule file) is a total over every place in that event."""
    return [Cap(id=f"event-{e.id}", max=e.places, per=("event",), events=(e.id,),
                clause=f"maximum quota places in {e.name}")
            for e in events if e.places is not None]


def cap_counts(cap: Cap, place: Place, neutral_codes: frozenset[str] | tuple[str, ...]) -> bool:
    """Whether ``place`` counts towards ``cap`` (its kind, its events, and whose places the cap limits)."""
    if cap.kind is not None and place.kind != cap.kind:
        return False
    if cap.gender is not None and place.gender is not cap.gender:
        return False
    if cap.applies_to != "all" and (place.noc in neutral_codes) != (cap.applies_to == "neutral"):
        return False
    return cap.events is None or place.event in cap.events


def system_caps(system: System) -> list[Cap]:
    """Every limit a system sets: gender quotas, event maxima and the rule file's own caps."""
    return [*quota_caps(system.quotas), *event_caps(system.events), *system.caps]


class CapChecker:
    def __init__(self, caps: list[Cap], neutral_codes: frozenset[str] = frozenset()) -> None:
        self.caps = caps
        self.neutral_codes = neutral_codes

    def _counts(self, cap: Cap, place: Place) -> bool:
        return cap_counts(cap, place, self.neutral_codes)

    def _held(self, ledger: Ledger, cap: Cap) -> Counter:
        def tally(counter: Counter, places: list[Place]) -> Counter:
            counter.update(tuple(getattr(p, field) for field in cap.per) for p in places
                           if p.active and self._counts(cap, p))
            return counter
        return ledger.cached(("cap", cap.id), lambda: tally(Counter(), ledger.active()), tally)

    def breach(self, ledger: Ledger, bundle: list[Place]) -> CapBreach | None:
        """The first cap the bundle would break if granted on top of the ledger, or None."""
        for cap in self.caps:
            for index, place in enumerate(bundle):
                if not self._counts(cap, place):
                    continue
                key = tuple(getattr(place, field) for field in cap.per)
                held = self._held(ledger, cap)[key]
                within_bundle = sum(1 for other in bundle[:index] if self._counts(cap, other)
                                    and tuple(getattr(other, field) for field in cap.per) == key)
                if held + within_bundle + 1 > cap.max:
                    return CapBreach(cap.id, cap.clause, "noc" not in cap.per,
                                     _describe(cap, place, held))
        return None

    def total_full(self, ledger: Ledger, templates: list[Place]) -> bool:
        """True when some total ceiling leaves no room for even one of these places."""
        breach = self.breach(ledger, templates)
        return breach is not None and breach.is_total


def _describe(cap: Cap, place: Place, held: int) -> str:
    scope = []
    if "noc" in cap.per:
        scope.append(place.noc)
    if "gender" in cap.per:
        scope.append(place.gender.label.lower())
    if "event" in cap.per and place.event:
        scope.append(place.event)
    what = " ".join(scope) or "all"
    return f"{what} already holds {held} of at most {cap.max} ({cap.id})"
