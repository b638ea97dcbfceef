"""The audit: after every step, the places alone are checked against every limit the rule file sets.

The engine keeps incremental counters (cap tallies folded in on each grant, cached athlete totals) so that a walk
is fast. The audit shares none of them: it counts the active places from scratch after each step and checks

* every cap, gender quota and event maximum (a host place granted on top of a full event by
  ``when_full: exceed`` is allowed, and only that);
* the neutral limit (``athletes.neutral_max``): the athletes a neutral entry's places need, per gender;
* the athlete ceiling, for steps held to it (the additional athlete, a reallocation ``while_under_ceiling``, team
  completion with ``extra_respects_ceiling``, and every walk under ``ceiling_reading: all``): a step that granted
  places must leave the total within the ceiling;
* that every team a team-completion step gave has the athletes a team needs;
* that the athlete quotas an ``athlete_quota`` step writes are the ones the places give.

A breach names the step after which it appeared and the clause of the rule it breaks; ``allocate`` raises it as
an :class:`~qualify.errors.AuditError` (exit code 3) and nothing is shown or written.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from qualify.engine.caps import event_caps, system_caps
from qualify.errors import Breach
from qualify.model.allocation import Place
from qualify.model.common import Gender
from qualify.rules import (
    AdditionalAthleteStep,
    AthleteQuotaStep,
    Cap,
    ContinentalBestStep,
    HostGuaranteeStep,
    RankingWalkStep,
    ReallocateStep,
    StepBase,
    System,
    TeamCompletionStep,
)

GIVEN = "given"  # the step name for places given as input (a published table), audited before any step runs


@dataclass(frozen=True)
class CapExcess:
    """A cap broken by the places: which cap, for which holder/event/gender, how many against how many allowed."""

    cap: Cap
    key: dict[str, str]
    held: int
    allowed: int

    def rule(self) -> str:
        if self.cap.id.startswith("quota-") and self.cap.per == ("gender",):
            return f"the {Gender(self.cap.id.removeprefix('quota-')).label.lower()}'s quota"
        if self.cap.id.startswith("event-") and self.cap.per == ("event",):
            return f"the maximum of event '{self.cap.id.removeprefix('event-')}'"
        return f"cap '{self.cap.id}'"

    def message(self) -> str:
        holder = self.key.get("noc") or "the allocation"
        words = [str(self.held)]
        if "gender" in self.key:
            words.append(_GENDER_WORDS.get(self.key["gender"], self.key["gender"]))
        if self.cap.kind:
            words.append({"quota": "quota", "start": "starting", "team": "team"}[self.cap.kind])
        words.append("places")
        if self.key.get("event"):
            words.append(f"in {self.key['event']}")
        return f"{holder} holds {' '.join(words)}, at most {self.allowed}"


class Auditor:
    def __init__(self, system: System) -> None:
        self.system = system
        self.caps = system_caps(system)
        self.event_maxima = {cap.id for cap in event_caps(system.events)}
        self.neutral = frozenset(system.neutral_codes)
        self.rules = system.athletes
        self.exceed_host_steps = {s.id for s in system.steps
                                  if isinstance(s, HostGuaranteeStep) and s.when_full == "exceed"}
        self.derived_steps = {s.id for s in system.steps if isinstance(s, AthleteQuotaStep)}
        self.team_steps = {s.event: s for s in system.steps if isinstance(s, TeamCompletionStep)}
        self.individual = {e.id for e in system.events if e.kind == "individual"}

    # --- what each check counts -------------------------------------------------------------------------

    def cap_excesses(self, places: Iterable[Place]) -> list[CapExcess]:
        active = [p for p in places if p.active]
        by_kind: dict[str, list[Place]] = defaultdict(list)
        for place in active:
            by_kind[place.kind].append(place)
        excesses = []
        for cap in self.caps:
            pool = by_kind.get(cap.kind, []) if cap.kind is not None else active
            held: Counter[tuple[str, ...]] = Counter()
            on_top: Counter[tuple[str, ...]] = Counter()
            for place in pool:
                if cap.events is not None and place.event not in cap.events:
                    continue
                if cap.gender is not None and place.gender is not cap.gender:
                    continue
                if cap.applies_to != "all" and (place.noc in self.neutral) != (cap.applies_to == "neutral"):
                    continue
                key = tuple(_value(place, name) for name in cap.per)
                held[key] += 1
                # An event maximum may be passed by a host place granted on top of it ("exceed"), by no other.
                if place.pathway in self.exceed_host_steps and cap.id in self.event_maxima:
                    on_top[key] += 1
            for key, count in held.items():
                allowed = cap.max + on_top[key]
                if count > allowed:
                    excesses.append(CapExcess(cap, dict(zip(cap.per, key, strict=True)), count, allowed))
        return excesses

    def athletes(self, places: list[Place], noc: str, gender: Gender, *, limit_neutral: bool = True) -> int:
        """Athletes the NOC's active places give it in a gender, derived here from the rules, not the engine."""
        return self._athletes([p for p in places if p.active and p.noc == noc and p.gender is gender], noc,
                              limit_neutral)

    def _athletes(self, mine: list[Place], noc: str, limit_neutral: bool = True) -> int:
        """Athletes from one NOC's active places of one gender."""
        rules = self.rules
        if rules is None:
            return sum(1 for p in mine if p.kind == "quota")
        starts = Counter(p.event for p in mine if p.kind == "start" and p.event in self.individual)
        if any(p.kind == "team" for p in mine):
            count = rules.full_team_athletes if sum(starts.values()) >= rules.full_team_starts else rules.team_athletes
        else:
            count = max(starts.values(), default=0)
        if limit_neutral and rules.neutral_max is not None and noc in self.neutral:
            count = min(count, rules.neutral_max)
        extras = sum(1 for p in mine if p.kind == "quota" and p.pathway not in self.derived_steps)
        return count + extras

    def total_athletes(self, places: list[Place]) -> int:
        held = _by_holder(places)
        return sum(self._athletes(mine, noc) for (noc, gender), mine in held.items() if gender is not Gender.MIXED)

    # --- the audit ------------------------------------------------------------------------------------------

    def held_to_ceiling(self, step: StepBase) -> bool:
        if self.rules is None or self.rules.ceiling is None:
            return False
        if isinstance(step, AdditionalAthleteStep):
            return True
        if isinstance(step, ReallocateStep):
            return step.while_under_ceiling
        if isinstance(step, TeamCompletionStep):
            return step.extra_respects_ceiling
        if isinstance(step, RankingWalkStep | ContinentalBestStep):
            return self.rules.ceiling_reading == "all"
        return False

    def check(self, places: list[Place], step: StepBase | None) -> list[Breach]:
        """Every rule the places break after ``step`` ran (None: the given places, before any step)."""
        name = step.id if step is not None else GIVEN
        breaches = [Breach(name, excess.rule(), excess.cap.clause, excess.message())
                    for excess in self.cap_excesses(places)]
        breaches += self._neutral_limit(places, name)
        breaches += self._teams(places, name)
        if step is not None and self.held_to_ceiling(step):
            breaches += self._ceiling(places, step)
        if isinstance(step, AthleteQuotaStep):
            breaches += self._written_quotas(places, step)
        return breaches

    def _neutral_limit(self, places: list[Place], name: str) -> list[Breach]:
        rules = self.rules
        if rules is None or rules.neutral_max is None:
            return []
        breaches = []
        held = _by_holder(places)
        for noc in sorted({p.noc for p in places if p.active and p.noc in self.neutral}):
            for gender in (Gender.MEN, Gender.WOMEN):
                needed = self._athletes(held.get((noc, gender), []), noc, limit_neutral=False)
                if needed > rules.neutral_max:
                    breaches.append(Breach(name, "the neutral limit", rules.neutral_clause,
                                           f"{noc}'s {gender.label.lower()}'s places need {needed} athletes, at most "
                                           f"{rules.neutral_max}"))
        return breaches

    def _teams(self, places: list[Place], name: str) -> list[Breach]:
        breaches = []
        by_holder: dict[tuple[str, Gender], list[Place]] | None = None
        for place in places:
            step = self.team_steps.get(place.event or "") if place.active and place.kind == "team" else None
            if step is None or place.step_type == GIVEN:
                continue
            by_holder = by_holder if by_holder is not None else _by_holder(places)
            held = {g: self._athletes(by_holder.get((place.noc, g), []), place.noc) for g in step.needs}
            if any(held[g] < need for g, need in step.needs.items()):
                shown = " + ".join(f"{held[g]} {g.label.lower()}" for g in step.needs)
                needs = " + ".join(f"{n} {g.label.lower()}" for g, n in step.needs.items())
                breaches.append(Breach(name, f"the team rule of step '{step.id}'", step.clause,
                                       f"{place.noc} holds a team in {place.event} with {shown} athletes, a team "
                                       f"needs {needs}"))
        return breaches

    def _ceiling(self, places: list[Place], step: StepBase) -> list[Breach]:
        assert self.rules is not None and self.rules.ceiling is not None
        if not any(p.active and p.pathway == step.id for p in places):
            return []  # the step granted nothing: whatever the total, this step did not pass the ceiling
        total = self.total_athletes(places)
        if total <= self.rules.ceiling:
            return []
        return [Breach(step.id, "the athlete ceiling", self.rules.ceiling_clause,
                       f"{total} athletes after a step held to the ceiling granted places, at most "
                       f"{self.rules.ceiling}")]

    def _written_quotas(self, places: list[Place], step: AthleteQuotaStep) -> list[Breach]:
        written: dict[tuple[str, Gender], int] = defaultdict(int)
        for place in places:
            if place.active and place.pathway == step.id:
                written[(place.noc, place.gender)] += 1
        breaches = []
        held = _by_holder(places)
        for noc in sorted({p.noc for p in places if p.active}):
            for gender in (Gender.MEN, Gender.WOMEN):
                mine = held.get((noc, gender), [])
                extras = sum(1 for p in mine if p.kind == "quota" and p.pathway not in self.derived_steps)
                derived = self._athletes(mine, noc) - extras
                if written[(noc, gender)] != derived:
                    breaches.append(Breach(step.id, "the athlete count", step.clause,
                                           f"{noc} was given {written[(noc, gender)]} {gender.label.lower()}'s "
                                           f"athlete quota places, its places give {derived}"))
        return breaches


_GENDER_WORDS = {"M": "men's", "W": "women's", "X": "mixed"}


def _by_holder(places: list[Place]) -> dict[tuple[str, Gender], list[Place]]:
    held: dict[tuple[str, Gender], list[Place]] = defaultdict(list)
    for place in places:
        if place.active:
            held[(place.noc, place.gender)].append(place)
    return held


def _value(place: Place, name: str) -> str:
    value = getattr(place, name)
    if isinstance(value, Gender):
        return value.value
    return "" if value is None else str(value)
