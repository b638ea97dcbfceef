"""Pinned results: what-if questions about races still to come ("if KOR wins the men's relay at stage 4").

A pins file is a CSV with the columns ``race,gender,event,place,noc`` and optionally ``athlete`` (individual events)
and ``team`` (an NOC's second team in a team event)::

    race,gender,event,place,noc,athlete
    4,M,relay,1,KOR,
    4,W,500m,1,CAN,Synthetic CAN W01

Each row fixes one entrant's place in one event of one race; everyone else in that event is simulated around the
pinned places. A pin must name a race after the one the forecast stands at, an event that race holds (one that
feeds a list), a place between 1 and the number of possible entrants, and an entrant who can start: someone with a
result in that gender and event so far (the forecast's reading of who may start). A place and an entrant can be
pinned once per event. Every problem is reported as one line with its row and field, and nothing is run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from qualify.errors import InputError
from qualify.forecast.fields import Entrant, EventField, Fields
from qualify.io.csvfile import RowErrors, read_csv
from qualify.model.common import Gender
from qualify.model.nocs import NocRegistry
from qualify.model.season import Season

COLUMNS = ["race", "gender", "event", "place", "noc"]
OPTIONAL = ["athlete", "team"]


@dataclass(frozen=True)
class Pin:
    race: str
    gender: Gender
    event: str
    place: int
    entrant: Entrant
    source: str = ""
    row: int | None = None

    @property
    def text(self) -> str:
        return f"{self.entrant.label} {_ordinal(self.place)} in {self.gender.label.lower()}'s {self.event} at race " \
               f"{self.race}" if self.gender is not Gender.MIXED else \
               f"{self.entrant.label} {_ordinal(self.place)} in the mixed {self.event} at race {self.race}"


def _ordinal(place: int) -> str:
    suffix = "th" if 10 <= place % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(place % 10, "th")
    return f"{place}{suffix}"


def read_pins(path: Path, season: Season, fields: Fields, nocs: NocRegistry) -> list[Pin]:
    """The pins of ``path``, checked against the calendar, the forecast's standing and its fields."""
    table = read_csv(path, required=COLUMNS, optional=OPTIONAL)
    errors = RowErrors(table.path)
    events = {event.key: event for event in fields.events}
    future = {race.id for race in fields.races}
    taken_places: dict[tuple[str, Gender, str, int], int] = {}
    taken_entrants: dict[tuple[str, Gender, str, Entrant], int] = {}
    pins: list[Pin] = []
    for row in table.rows:
        values = row.values
        race = values["race"]
        if race not in season:
            shown = ", ".join(r.id for r in season.races)
            errors.add(row.line, "race", f"found race '{race}', expected a race of the calendar: {shown}")
            continue
        if race not in future:
            errors.add(row.line, "race", f"race {race} is not still to come: the forecast stands after race "
                                         f"{fields.as_of.id}, so its results are known; expected a later race"
                                         + (f" ({', '.join(r.id for r in fields.races)})" if fields.races else
                                            " (none is left)"))
            continue
        try:
            gender = Gender(values["gender"].strip().upper())
        except ValueError:
            errors.add(row.line, "gender", f"found '{values['gender']}', expected M, W or X")
            continue
        event_name = values["event"]
        event = events.get((race, gender, event_name))
        if event is None:
            held = ", ".join(f"{g.value} {e}" for r, g, e in events if r == race)
            errors.add(row.line, "event", f"found {gender.value} '{event_name}', expected an event race {race} holds "
                                          f"that feeds a list: {held}")
            continue
        place = errors.integer(row, "place", minimum=1)
        if place is None:
            continue
        if place > len(event.entrants):
            errors.add(row.line, "place", f"found {place}, expected at most {len(event.entrants)}: the number of "
                                          f"possible entrants of {gender.value} {event_name} at race {race}")
            continue
        entrant = _entrant(errors, row.line, values, event, nocs)
        if entrant is None:
            continue
        place_key = (race, gender, event_name, place)
        if place_key in taken_places:
            errors.add(row.line, "place", f"place {place} of {gender.value} {event_name} at race {race} is already "
                                          f"pinned at row {taken_places[place_key]}, expected one pin per place")
            continue
        entrant_key = (race, gender, event_name, entrant)
        if entrant_key in taken_entrants:
            errors.add(row.line, "noc", f"{entrant.label} is already pinned in {gender.value} {event_name} at race "
                                        f"{race} (row {taken_entrants[entrant_key]}), expected one place per entrant")
            continue
        taken_places[place_key] = row.line
        taken_entrants[entrant_key] = row.line
        pins.append(Pin(race, gender, event_name, place, entrant, table.path, row.line))
    errors.raise_if_any()
    return pins


def _entrant(errors: RowErrors, line: int, values: dict[str, str], event: EventField, nocs: NocRegistry
             ) -> Entrant | None:
    noc = values["noc"].strip().upper()
    athlete = values.get("athlete", "").strip() or None
    team = values.get("team", "").strip() or None
    where = f"{event.gender.value} {event.event} at race {event.race}"
    if noc not in nocs:
        errors.add(line, "noc", f"unknown NOC code '{values['noc']}'")
        return None
    if event.is_team:
        if athlete is not None:
            errors.add(line, "athlete", f"found '{athlete}', expected no athlete: {where} is a team event")
            return None
        teams = [e for e in event.entrants if e.noc == noc]
        if team is not None:
            teams = [e for e in teams if e.team == team]
        elif len(teams) > 1:
            shown = ", ".join(e.team or "(no team)" for e in teams)
            errors.add(line, "team", f"{noc} has {len(teams)} teams in {where} ({shown}), expected a team column "
                                     "saying which")
            return None
        if not teams:
            errors.add(line, "noc", f"{noc}{' team ' + team if team else ''} cannot start {where}: no result in that "
                                    "event so far (a forecast lets only teams seen in an event start it)")
            return None
        return teams[0]
    if athlete is None:
        errors.add(line, "athlete", f"found no athlete, expected one: {where} is an individual event")
        return None
    if team is not None:
        errors.add(line, "team", f"found '{team}', expected no team: {where} is an individual event")
        return None
    entrant = Entrant(noc, athlete)
    if entrant in event.entrants:
        return entrant
    elsewhere = [e.noc for e in event.entrants if e.athlete == athlete]
    if elsewhere:
        errors.add(line, "noc", f"found {noc}, but {athlete} races for {elsewhere[0]} in {where}")
    else:
        errors.add(line, "athlete", f"{athlete} ({noc}) cannot start {where}: no result in that event so far (a "
                                    "forecast lets only athletes seen in an event start it)")
    return None


def apply_pins(fields: Fields, pins: Iterable[Pin]) -> Fields:
    """``fields`` with each pin fixed in its event."""
    by_event: dict[tuple[str, Gender, str], list[tuple[int, int]]] = {}
    for pin in pins:
        event = next((e for e in fields.events if e.key == (pin.race, pin.gender, pin.event)), None)
        if event is None or pin.entrant not in event.entrants:
            raise InputError.single(pin.source or "pins", f"{pin.text}: not a possible result of this forecast",
                                    row=pin.row)
        by_event.setdefault(event.key, []).append((event.entrants.index(pin.entrant), pin.place))
    if not by_event:
        return fields
    return fields.replace_events(tuple(event.with_pins(tuple(by_event[event.key])) if event.key in by_event
                                       else event for event in fields.events))
