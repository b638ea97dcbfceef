"""What a rule file means: the checks that pydantic's shape validation cannot make.

A rule file can have every key right and still describe a system the engine cannot run, or one that runs and
gives a plausible but wrong table: two steps with one id, a walk that grants nothing, a host written as a name,
a reallocation before the walks, a men's list feeding women's places, a misspelt kind that no total counts, a
host guarantee above a per-NOC cap... Each check here reports one line with the key path of the value to fix,
what was found and what was expected. :func:`check_meaning` runs whenever a rule file is loaded (and so in
``qualify validate``); the loader raises every problem found at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from qualify.errors import InputError, Problem
from qualify.model.common import Gender
from qualify.model.nocs import NocRegistry, load_nocs
from qualify.rules.lists import ListSpec
from qualify.rules.schema import Cap, Event, System
from qualify.rules.steps import (
    STEP_TYPES,
    AdditionalAthleteStep,
    AthleteQuotaStep,
    ContinentalBestStep,
    HostGuaranteeStep,
    PlaceTemplate,
    RankingWalkStep,
    ReallocateStep,
    StepBase,
    TeamCompletionStep,
)

# Columns a published Summary CSV has besides the system's own keys (see io/published.py).
RESERVED_SUMMARY_KEYS = ("noc", "row", "named_by")


def check_meaning(system: System, source: str, nocs: NocRegistry | None = None) -> None:
    """Raise an :class:`InputError` with every meaning problem of ``system`` (read from ``source``)."""
    problems = _Checks(system, source, nocs or load_nocs()).run()
    if problems:
        raise InputError(problems)


def _gender_word(gender: Gender) -> str:
    return {Gender.MEN: "men's", Gender.WOMEN: "women's", Gender.MIXED: "mixed"}[gender]


def _names(values: Iterable[str]) -> str:
    shown = list(values)
    return ", ".join(shown) if shown else "none"


def granted_templates(step: StepBase) -> list[PlaceTemplate]:
    """The places a step grants, as templates (team completion and the additional athlete included)."""
    if isinstance(step, HostGuaranteeStep | RankingWalkStep | ContinentalBestStep):
        return list(step.grant)
    if isinstance(step, TeamCompletionStep):
        extras = [PlaceTemplate(gender=g, kind="quota") for g in step.needs] if step.max_extra else []
        return [PlaceTemplate(gender=Gender.MIXED if len(step.needs) > 1 else next(iter(step.needs), Gender.MIXED),
                              event=step.event, kind="team"), *extras]
    if isinstance(step, AdditionalAthleteStep):
        return [PlaceTemplate(gender=g, kind="quota") for g in step.lists]
    if isinstance(step, AthleteQuotaStep):
        return [PlaceTemplate(gender=g, kind="quota") for g in (Gender.MEN, Gender.WOMEN)]
    return []


def grants_places(step: StepBase) -> bool:
    """Steps that give places of their own (a reallocation only moves places; athlete quotas only count them)."""
    return not isinstance(step, ReallocateStep | AthleteQuotaStep)


def list_source_problems(system: System) -> list[tuple[str, str]]:
    """Lists no input will fill, and builders naming what does not exist: (key path, message).

    A list comes from its ``file``, from its ``build`` (a season of results), or both; the schema refuses a list
    with neither. Here: each points table id once, and every builder's points table declared.
    """
    problems: list[tuple[str, str]] = []
    first: dict[str, int] = {}
    for index, table in enumerate(system.points_tables):
        if table.id in first:
            problems.append((f"points_tables[{index}].id", f"found '{table.id}' again (first at points_tables"
                                                            f"[{first[table.id]}].id), expected each table id once"))
        first.setdefault(table.id, index)
    for index, spec in enumerate(system.lists):
        if spec.build is not None and spec.build.points is not None and spec.build.points not in first:
            problems.append((f"lists[{index}].build.points", f"found '{spec.build.points}', expected a points table "
                                                             f"declared in points_tables ({_names(first)})"))
    return problems


class _Checks:
    def __init__(self, system: System, source: str, nocs: NocRegistry) -> None:
        self.system = system
        self.source = source
        self.nocs = nocs
        self.problems: list[Problem] = []
        self.events = {event.id: event for event in system.events}
        self.lists = {spec.id: spec for spec in system.lists}
        self.step_index = {step.id: index for index, step in enumerate(system.steps)}

    def add(self, key_path: str | None, message: str) -> None:
        self.problems.append(Problem(self.source, message, key_path=key_path))

    def run(self) -> list[Problem]:
        self.host()
        self.unique_ids()
        self.caps()
        self.lists_match_events()
        for path, message in list_source_problems(self.system):
            self.add(path, message)
        if not self.system.steps:
            self.add("steps", "found an empty list, expected at least one step")
        if not self.system.events:
            self.add("events", "found an empty list, expected at least one event")
        for index, step in enumerate(self.system.steps):
            self.step(index, step)
        self.step_order()
        self.athlete_rules()
        self.kinds_counted()
        self.summary()
        self.breakdown()
        self.fixed_grants_fit_quotas()
        return self.problems

    # --- identity -------------------------------------------------------------------------------------------

    def host(self) -> None:
        host = self.system.host
        if host in self.nocs and not self.nocs.get(host).neutral and not self.nocs.get(host).placeholder:
            return
        if host in self.nocs:
            self.add("host", f"found '{host}', expected a nation's IOC code: neutral athletes and placeholders "
                             "cannot host the Games")
            return
        if host.upper() in self.nocs and not self.nocs.get(host.upper()).placeholder:
            self.add("host", f"found '{host}', expected the IOC code in capitals, '{host.upper()}'")
            return
        by_name = {self.nocs.name(code).lower(): code for code in self.nocs.codes()}
        if host.strip().lower() in by_name:
            code = by_name[host.strip().lower()]
            self.add("host", f"found '{host}', expected an IOC code, '{code}' for {self.nocs.name(code)}")
            return
        self.add("host", f"found '{host}', expected an IOC code known to the NOC registry (e.g. ITA)")

    def unique_ids(self) -> None:
        system = self.system
        self._unique("events", "id", [e.id for e in system.events], "event id")
        self._unique("lists", "id", [s.id for s in system.lists], "list id")
        self._unique("steps", "id", [s.id for s in system.steps], "step id")
        self._unique("caps", "id", [c.id for c in system.caps], "cap id")
        self._unique("summary", "key", [c.key for c in system.summary], "summary key")
        self._unique("quotas", "gender", [q.gender.value for q in system.quotas], "quota per gender")
        for index, step in enumerate(system.steps):
            if isinstance(step, ReallocateStep):
                self._unique(f"steps[{index}].rules", "id", [r.id for r in step.rules], "rule id in this step")
        for index, step in enumerate(system.steps):
            if step.id in self.events:
                event_index = list(self.events).index(step.id)
                self.add(f"steps[{index}].id", f"found '{step.id}', which is also an event id (events[{event_index}]"
                                               f".id); --decline NOC:GENDER:WHICH could not tell them apart, expected "
                                               "distinct ids")
        for index, column in enumerate(system.summary):
            if column.key in RESERVED_SUMMARY_KEYS:
                self.add(f"summary[{index}].key", f"found '{column.key}', a column every published Summary already "
                                                  f"has ({', '.join(RESERVED_SUMMARY_KEYS)}), expected another key")
        for index, code in enumerate(system.neutral_codes):
            if code not in self.nocs or not self.nocs.is_neutral(code):
                self.add(f"neutral_codes[{index}]", f"found '{code}', expected a code the NOC registry marks as "
                                                    "neutral (e.g. AIN)")

    def _unique(self, section: str, key: str, values: list[str], what: str) -> None:
        first: dict[str, int] = {}
        for index, value in enumerate(values):
            if value in first:
                expected = "one quota per gender" if section == "quotas" else f"each {what} once"
                self.add(f"{section}[{index}].{key}", f"found '{value}' again (first at {section}[{first[value]}]."
                                                      f"{key}), expected {expected}")
            else:
                first[value] = index

    # --- caps, lists, events --------------------------------------------------------------------------------

    def caps(self) -> None:
        for index, cap in enumerate(self.system.caps):
            path = f"caps[{index}]"
            if not cap.per:
                self.add(f"{path}.per", "found an empty list, expected one or more of noc, gender, event (the "
                                        "values places must share to count together)")
            for name, count in Counter(cap.per).items():
                if count > 1:
                    self.add(f"{path}.per", f"found '{name}' {count} times, expected each of noc, gender, event once")
            for event_index, event in enumerate(cap.events or ()):
                if event not in self.events:
                    self.add(f"{path}.events[{event_index}]", f"unknown event '{event}', expected one of "
                                                              f"{_names(self.events)}")
            if cap.applies_to != "all" and "noc" not in cap.per:
                self.add(f"{path}.applies_to", f"found '{cap.applies_to}' on a cap without 'noc' in per, expected "
                                               "per to include noc (a limit on each neutral entry or nation)")

    def lists_match_events(self) -> None:
        for index, spec in enumerate(self.system.lists):
            if spec.event is None:
                continue
            event = self.events.get(spec.event)
            if event is None:
                self.add(f"lists[{index}].event", f"unknown event '{spec.event}', expected one of "
                                                  f"{_names(self.events)}")
            elif event.gender is not spec.gender:
                self.add(f"lists[{index}].gender", f"found {spec.gender.value}, expected {event.gender.value} (the "
                                                   f"gender of event '{event.id}', which the list ranks)")

    # --- one step ---------------------------------------------------------------------------------------

    def step(self, index: int, step: StepBase) -> None:
        path = f"steps[{index}]"
        spec = self.known_list(f"{path}.list", step.list) if isinstance(step, RankingWalkStep | ContinentalBestStep) \
            else None
        if isinstance(step, HostGuaranteeStep | RankingWalkStep | ContinentalBestStep):
            if not step.grant:
                self.add(f"{path}.grant", "found an empty list, expected at least one place, e.g. [{gender: M}]")
            for template_index, template in enumerate(step.grant):
                self.template(f"{path}.grant[{template_index}]", template)
        if isinstance(step, RankingWalkStep | ContinentalBestStep):
            if spec is not None:
                self.list_feeds(f"{path}", spec, step.grant)
            self.walk_filters(path, index, step.exclude_steps, step.check_eligibility)
        if isinstance(step, RankingWalkStep) and step.until_full:
            for template_index, template in enumerate(step.grant):
                if not self.limited(template):
                    self.add(f"{path}.until_full", f"nothing limits the places steps[{index}].grant[{template_index}] "
                                                   "grants (no quota for the gender, no event maximum, no total cap), "
                                                   "so the walk would give every entry a place; expected a quota, "
                                                   "an event 'places', or take / until_nocs instead")
        if isinstance(step, ContinentalBestStep):
            for name, count in Counter(c.value for c in step.continents).items():
                if count > 1:
                    self.add(f"{path}.continents", f"found {name} {count} times, expected each continent once")
            if not step.continents:
                self.add(f"{path}.continents", "found an empty list, expected one or more continents")
        if isinstance(step, HostGuaranteeStep):
            self.host_within_caps(path, step)
        if isinstance(step, TeamCompletionStep):
            self.team_completion(path, step)
        if isinstance(step, AdditionalAthleteStep):
            self.additional_athlete(path, step)
        if isinstance(step, ReallocateStep):
            self.reallocate(path, index, step)

    def known_list(self, path: str, list_id: str) -> ListSpec | None:
        spec = self.lists.get(list_id)
        if spec is None:
            self.add(path, f"unknown list '{list_id}', expected one of {_names(self.lists)}")
        return spec

    def known_event(self, path: str, event_id: str) -> Event | None:
        event = self.events.get(event_id)
        if event is None:
            self.add(path, f"unknown event '{event_id}', expected one of {_names(self.events)}")
        return event

    def template(self, path: str, template: PlaceTemplate) -> None:
        if template.event is None:
            if template.kind != "quota":
                self.add(f"{path}.event", f"missing for a place of kind '{template.kind}', expected the event the "
                                          f"{'starting' if template.kind == 'start' else 'team'} place is in")
            return
        event = self.known_event(f"{path}.event", template.event)
        if event is None:
            return
        if event.gender is not template.gender:
            self.add(f"{path}.gender", f"found {template.gender.value}, expected {event.gender.value} (the gender of "
                                       f"event '{event.id}')")
        wanted = "team" if event.kind == "team" else "start"
        if template.kind != wanted:
            self.add(f"{path}.kind", f"found '{template.kind}', expected '{wanted}' (event '{event.id}' is "
                                     f"{'a team' if event.kind == 'team' else 'an individual'} event)")

    def list_feeds(self, path: str, spec: ListSpec, grant: Iterable[PlaceTemplate]) -> None:
        """A list may feed only places of its own event and gender (a mixed list feeds both genders)."""
        own_event = self.events.get(spec.event) if spec.event is not None else None
        if own_event is not None and own_event.gender is not spec.gender:
            return  # the list contradicts its own event: reported with the list
        for template_index, template in enumerate(grant):
            where = f"{path}.grant[{template_index}]"
            if template.event is not None and template.event not in self.events:
                continue  # reported as an unknown event
            if spec.event is not None and template.event is not None and template.event != spec.event:
                self.add(f"{path}.list", f"list '{spec.id}' ranks event '{spec.event}', but {where} grants a place in "
                                         f"'{template.event}'; expected a list of that event")
            elif spec.gender is not Gender.MIXED and template.gender is not spec.gender:
                self.add(f"{path}.list", f"list '{spec.id}' is a {_gender_word(spec.gender)} list, but {where} "
                                         f"grants a {_gender_word(template.gender)} place; expected a "
                                         f"{_gender_word(template.gender)} (or mixed) list")

    def limited(self, template: PlaceTemplate) -> bool:
        """Some total (a gender quota, the event maximum or a cap without 'noc') bounds this kind of place."""
        if template.kind == "quota" and any(q.gender is template.gender for q in self.system.quotas):
            return True
        event = self.events.get(template.event) if template.event else None
        if event is not None and event.places is not None:
            return True
        return any("noc" not in cap.per and cap.applies_to == "all" and _cap_counts(cap, template)
                   for cap in self.system.caps)

    def walk_filters(self, path: str, index: int, exclude_steps: tuple[str, ...], check_eligibility: bool) -> None:
        for position, name in enumerate(exclude_steps):
            self.earlier_step(f"{path}.exclude_steps[{position}]", index, name)
        if check_eligibility and self.system.eligibility is None:
            self.add(f"{path}.check_eligibility", "found true, but the system has no 'eligibility' section, so "
                                                  "nothing would be checked; expected an eligibility section or false")

    def earlier_step(self, path: str, index: int, name: str) -> None:
        where = self.step_index.get(name)
        if where is None:
            self.add(path, f"unknown step '{name}', expected one of {_names(self.step_index)}")
        elif where >= index:
            self.add(path, f"step '{name}' is steps[{where}], not before this one, so it has granted nothing yet; "
                           "expected an earlier step")

    def host_within_caps(self, path: str, step: HostGuaranteeStep) -> None:
        host = self.system.host
        neutral = host in self.nocs and self.nocs.is_neutral(host)
        for cap in self.system.caps:
            applies = cap.applies_to == "all" or (cap.applies_to == "neutral") == neutral
            if "noc" not in cap.per or not applies:
                continue
            counts = Counter(tuple(_key(template, field) for field in cap.per if field != "noc")
                             for template in step.grant if _cap_counts(cap, template))
            for key, count in counts.items():
                if count > cap.max:
                    scope = " ".join(str(part) for part in key if part) or "in all"
                    self.add(f"{path}.grant", f"the host guarantee gives {host} {count} places ({scope}), but cap "
                                              f"'{cap.id}' allows at most {cap.max} [{cap.clause}]; expected at "
                                              f"most {cap.max}")

    def team_completion(self, path: str, step: TeamCompletionStep) -> None:
        event = self.known_event(f"{path}.event", step.event)
        spec = self.known_list(f"{path}.list", step.list)
        if event is not None and event.kind != "team":
            self.add(f"{path}.event", f"event '{event.id}' is an individual event, expected a team event")
        if event is not None and spec is not None:
            if spec.event is not None and spec.event != event.id:
                self.add(f"{path}.list", f"list '{spec.id}' ranks event '{spec.event}', expected a list of "
                                         f"'{event.id}' (the team event this step fills)")
            elif spec.gender is not event.gender:
                self.add(f"{path}.list", f"list '{spec.id}' is a {_gender_word(spec.gender)} list, expected a "
                                         f"{_gender_word(event.gender)} list like event '{event.id}'")
        if not step.needs:
            self.add(f"{path}.needs", "found an empty mapping, expected the athletes a team needs per gender, "
                                      "e.g. {M: 2, W: 2}")
        for gender, count in step.needs.items():
            if gender is Gender.MIXED:
                self.add(f"{path}.needs", "found X, expected athlete counts for M and/or W")
            elif count < 1:
                self.add(f"{path}.needs.{gender.value}", f"found {count}, expected at least 1")
            elif event is not None and event.gender not in (gender, Gender.MIXED):
                self.add(f"{path}.needs.{gender.value}", f"event '{event.id}' is a {_gender_word(event.gender)} "
                                                         f"event, expected needs for {event.gender.value} only")

    def additional_athlete(self, path: str, step: AdditionalAthleteStep) -> None:
        if set(step.lists) != set(step.team_events):
            have = "".join(g.value for g in sorted(step.team_events, key=lambda g: g.value)) or "none"
            want = ", ".join(g.value for g in sorted(step.lists, key=lambda g: g.value))
            self.add(f"{path}.team_events", f"names {have if have == 'none' else ', '.join(have)} only, expected the "
                                            f"same genders as {path}.lists ({want})")
        if not step.lists:
            self.add(f"{path}.lists", "found an empty mapping, expected a team ranking list per gender, e.g. "
                                      "{M: relay-M, W: relay-W}")
        for gender, list_id in step.lists.items():
            spec = self.known_list(f"{path}.lists.{gender.value}", list_id)
            if gender is Gender.MIXED:
                self.add(f"{path}.lists.X", "found X, expected M and/or W (the additional athlete is a man or woman)")
            elif spec is not None and spec.gender is not gender:
                self.add(f"{path}.lists.{gender.value}", f"list '{spec.id}' is a {_gender_word(spec.gender)} list, "
                                                         f"expected a {_gender_word(gender)} list")
        for gender, event_id in step.team_events.items():
            event = self.known_event(f"{path}.team_events.{gender.value}", event_id)
            if event is None:
                continue
            if event.gender is not gender:
                self.add(f"{path}.team_events.{gender.value}", f"event '{event.id}' is a "
                                                               f"{_gender_word(event.gender)} event, expected a "
                                                               f"{_gender_word(gender)} one")
            elif event.kind != "team":
                self.add(f"{path}.team_events.{gender.value}", f"event '{event.id}' is an individual event, "
                                                               "expected a team event")

    def reallocate(self, path: str, index: int, step: ReallocateStep) -> None:
        if not step.rules:
            self.add(f"{path}.rules", "found an empty list, expected at least one rule saying where declined places go")
        if step.while_under_ceiling and (self.system.athletes is None or self.system.athletes.ceiling is None):
            self.add(f"{path}.while_under_ceiling", "found true, but the system has no athletes.ceiling; expected "
                                                    "an athlete ceiling or false")
        for rule_index, rule in enumerate(step.rules):
            where = f"{path}.rules[{rule_index}]"
            spec = self.known_list(f"{where}.list", rule.list)
            for position, name in enumerate(rule.from_steps or ()):
                self.earlier_step(f"{where}.from_steps[{position}]", index, name)
            self.walk_filters(where, index, rule.exclude_steps, rule.check_eligibility)
            event = self.known_event(f"{where}.event", rule.event) if rule.event is not None else None
            if spec is not None and rule.gender is not None and spec.gender not in (rule.gender, Gender.MIXED):
                self.add(f"{where}.list", f"list '{spec.id}' is a {_gender_word(spec.gender)} list, but the rule "
                                          f"takes {_gender_word(rule.gender)} places; expected a "
                                          f"{_gender_word(rule.gender)} list")
            if spec is not None and event is not None:
                if spec.event is not None and spec.event != event.id:
                    self.add(f"{where}.list", f"list '{spec.id}' ranks event '{spec.event}', but the rule takes "
                                              f"places in '{event.id}'; expected a list of that event")
                elif spec.gender not in (event.gender, Gender.MIXED):
                    self.add(f"{where}.list", f"list '{spec.id}' is a {_gender_word(spec.gender)} list, but event "
                                              f"'{event.id}' is {_gender_word(event.gender)}")
            if rule.team_step is not None:
                team_index = self.step_index.get(rule.team_step)
                team = self.system.steps[team_index] if team_index is not None else None
                if not isinstance(team, TeamCompletionStep):
                    self.add(f"{where}.team_step", f"found '{rule.team_step}', expected the id of a team_completion "
                                                   "step")
                elif rule.event is not None and team.event != rule.event:
                    self.add(f"{where}.team_step", f"step '{team.id}' fills event '{team.event}', but the rule takes "
                                                   f"places in '{rule.event}'; expected the same event")
                elif team.list != rule.list:
                    self.add(f"{where}.list", f"found '{rule.list}', expected '{team.list}' (the list step "
                                              f"'{team.id}' walks)")

    # --- across steps -------------------------------------------------------------------------------------

    def step_order(self) -> None:
        steps = self.system.steps
        granting = [index for index, step in enumerate(steps) if grants_places(step)]
        for kind in (AthleteQuotaStep, ReallocateStep):
            label = next(name for name, record in STEP_TYPES.items() if record.model is kind)
            found = [index for index, step in enumerate(steps) if isinstance(step, kind)]
            for index in found[1:]:
                self.add(f"steps[{index}]", f"a second {label} step (the first is steps[{found[0]}]), expected one")
            if not found:
                continue
            first = found[0]
            if granting and not any(index < first for index in granting):
                what = "athletes are counted" if kind is AthleteQuotaStep else "declined places are reallocated"
                self.add(f"steps[{first}]", f"step '{steps[first].id}' comes before every step that grants places, so "
                                            f"{what} before any place exists; expected it after them")
                continue
            for index in granting:
                if index > first:
                    self.add(f"steps[{index}]", f"step '{steps[index].id}' grants places after step "
                                                f"'{steps[first].id}' (steps[{first}], {label}); expected every step "
                                                f"that grants places before the {label} step")
        reallocations = [index for index, step in enumerate(steps) if isinstance(step, ReallocateStep)]
        quotas = [index for index, step in enumerate(steps) if isinstance(step, AthleteQuotaStep)]
        if reallocations and quotas and quotas[0] < reallocations[0]:
            self.add(f"steps[{quotas[0]}]", f"step '{steps[quotas[0]].id}' counts athletes before the reallocation "
                                            f"(steps[{reallocations[0]}]), so declines would not reach the counts; "
                                            "expected athlete_quota last")
        for index, step in enumerate(steps):
            earlier = steps[:index]
            if isinstance(step, TeamCompletionStep):
                for gender in step.needs:
                    if not any(t.gender is gender for s in earlier for t in granted_templates(s)):
                        self.add(f"steps[{index}]", f"step '{step.id}' counts {_gender_word(gender)} athletes before "
                                                    f"any step grants {_gender_word(gender)} places; expected it after "
                                                    "the steps that give them")
            if isinstance(step, AdditionalAthleteStep):
                for gender, event_id in step.team_events.items():
                    if not any(t.event == event_id for s in earlier for t in granted_templates(s)):
                        self.add(f"steps[{index}].team_events.{gender.value}",
                                 f"no step before '{step.id}' grants places in '{event_id}', so no NOC could qualify; "
                                 "expected the step after the steps that give the team places")

    def athlete_rules(self) -> None:
        needs = [index for index, step in enumerate(self.system.steps)
                 if isinstance(step, TeamCompletionStep | AdditionalAthleteStep | AthleteQuotaStep)]
        if self.system.athletes is None and needs:
            self.add(f"steps[{needs[0]}]", f"step '{self.system.steps[needs[0]].id}' counts athletes, but the system "
                                           "has no 'athletes' section; expected one (team_athletes, full_team_starts, "
                                           "full_team_athletes...)")
        rules = self.system.athletes
        if rules is not None and rules.full_team_athletes < rules.team_athletes:
            self.add("athletes.full_team_athletes", f"found {rules.full_team_athletes}, expected at least "
                                                    f"team_athletes ({rules.team_athletes})")
        if rules is not None and rules.neutral_max is not None:
            self.neutral_places_capped(rules.neutral_max, rules.team_athletes)

    def neutral_places_capped(self, neutral_max: int, team_athletes: int) -> None:
        """A neutral limit on athletes needs caps on neutral places: without them a neutral entry could take places
        (three starts in a distance, a relay team) that need more athletes than it may have."""
        granted = {t.event for step in self.system.steps for t in granted_templates(step) if t.event is not None}
        for event in self.system.events:
            if event.id not in granted:
                continue
            limit = 0 if event.kind == "team" and team_athletes > neutral_max else neutral_max
            kind = "team" if event.kind == "team" else "start"
            capped = any(cap.applies_to in ("all", "neutral") and {"noc", "event"} <= set(cap.per)
                         and cap.kind in (None, kind) and (cap.events is None or event.id in cap.events)
                         and cap.max <= limit for cap in self.system.caps)
            if not capped:
                self.add("athletes.neutral_max", f"found {neutral_max}, but no cap limits a neutral entry's places in "
                                                 f"'{event.id}' to {limit}, so its places could need more athletes; "
                                                 f"expected a cap with applies_to: neutral, per: [noc, event], kind: "
                                                 f"{kind}, max: {limit}")

    def kinds_counted(self) -> None:
        """A kind granted but counted by no summary column disappears from every total (e.g. a misspelt kind)."""
        if not self.system.summary or not self.system.steps:
            return
        counted = {column.kind for column in self.system.summary}
        for index, step in enumerate(self.system.steps):
            if isinstance(step, HostGuaranteeStep | RankingWalkStep | ContinentalBestStep):
                for template_index, template in enumerate(step.grant):
                    if template.kind not in counted and None not in counted:
                        self.add(f"steps[{index}].grant[{template_index}].kind",
                                 f"places of kind '{template.kind}' are granted, but no summary column counts them "
                                 f"(the columns count {_names(sorted(k for k in counted if k))}); expected a summary "
                                 f"column with kind: {template.kind} (or without a kind)")
        granted = {t.kind for step in self.system.steps for t in granted_templates(step)}
        for index, column in enumerate(self.system.summary):
            if column.kind is not None and column.kind not in granted:
                self.add(f"summary[{index}].kind", f"no step grants places of kind '{column.kind}', so the column "
                                                   f"would always be 0; expected one of {_names(sorted(granted))}")

    def summary(self) -> None:
        for index, column in enumerate(self.system.summary):
            if column.event is None:
                continue
            event = self.known_event(f"summary[{index}].event", column.event)
            if event is not None and column.gender is not None and column.gender is not event.gender:
                self.add(f"summary[{index}].gender", f"found {column.gender.value}, expected {event.gender.value} "
                                                     f"(the gender of event '{event.id}')")

    def breakdown(self) -> None:
        groups = {step.group or step.id for step in self.system.steps}
        for section_index, section in enumerate(self.system.breakdown):
            for row_index, row in enumerate(section.rows):
                for group_index, group in enumerate(row.groups):
                    if group not in groups:
                        self.add(f"breakdown[{section_index}].rows[{row_index}].groups[{group_index}]",
                                 f"unknown step group '{group}', expected one of {_names(sorted(groups))}")

    def fixed_grants_fit_quotas(self) -> None:
        """Places the steps give in fixed numbers (a host guarantee, ``take: N``) must fit the gender quotas."""
        fixed: dict[Gender, int] = {}
        for step in self.system.steps:
            # Continental places depend on who is on the list, so only guaranteed and counted grants are fixed.
            times: int | None = None
            if isinstance(step, HostGuaranteeStep) and not step.only_if_missing:
                times = 1
            elif isinstance(step, RankingWalkStep):
                times = step.take
            if not times or not isinstance(step, HostGuaranteeStep | RankingWalkStep):
                continue
            for template in step.grant:
                if template.kind == "quota":
                    fixed[template.gender] = fixed.get(template.gender, 0) + times
        for index, quota in enumerate(self.system.quotas):
            if fixed.get(quota.gender, 0) > quota.places:
                self.add(f"quotas[{index}].places", f"found {quota.places}, but steps give "
                                                    f"{fixed[quota.gender]} {quota.gender.label.lower()}'s places in "
                                                    "fixed numbers (host guarantees and take: N); expected at least "
                                                    f"{fixed[quota.gender]}, or fewer fixed places")
        for index, cap in enumerate(self.system.caps):
            if "noc" in cap.per and "gender" in cap.per and cap.kind in (None, "quota"):
                for quota in self.system.quotas:
                    if cap.max > quota.places:
                        self.add(f"caps[{index}].max", f"cap '{cap.id}' allows {cap.max} places per NOC, more than "
                                                       f"the {quota.gender.label.lower()}'s quota of {quota.places}")


def _cap_counts(cap: Cap, template: PlaceTemplate) -> bool:
    if cap.kind is not None and template.kind != cap.kind:
        return False
    if cap.gender is not None and template.gender is not cap.gender:
        return False
    return cap.events is None or template.event in cap.events


def _key(template: PlaceTemplate, field: str) -> str | None:
    if field == "gender":
        return _gender_word(template.gender)
    if field == "event":
        return template.event
    return None
