"""Synthetic ski mountaineering qualification seasons (Milano Cortina 2026), for tests, demos and benchmarks.
NOT real results.

The calendar has the eleven races of the seed's table, in its order: ten World Cups and the 2025 World Championship.
Race names come from the seed; the dates of Courchevel, Shahdag, the World Championship, Schladming and Solitude
follow public reports, the others are approximate. Which race holds which event is invented (the seed's table lost
its ticks), with the shape the public record gives: nine sprint races (so the sprint lists count the best 7 of 9), six
mixed relays, the World Championship with both. Two World Cups also run an under-18 sprint (``sprint-u18``), and most
an individual race; those feed no list, only the eligibility standards.

Nations have a fixed strength, athletes an ability around it, and every race adds noise. A sprint classifies 30 to 50
athletes per gender, an individual race 25 to 40, a mixed relay 14 to 22 teams (the strongest nations send two teams
to World Cups, told apart by the ``team`` column). A few athletes do not start or finish (DNS, DNF, DSQ) and now and
then two share a place. Neutral athletes (AIN) enter one athlete per gender and no relay.

The output is a season folder (``calendar.csv``, ``results.csv`` and ``README.txt``); each CSV opens with a
``# SYNTHETIC ...`` line that the readers carry into every output. The same seed gives byte-identical files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from qualify.io.stage_results import COLUMNS
from qualify.model.common import Gender
from qualify.model.nocs import NocRegistry, load_nocs
from qualify.model.season import Race
from qualify.ranking.synth.common import synthetic_mark, write_season

SYSTEM_ID = "ski-mountaineering-2026"
SPRINT_LISTS = ("sprint-ranking-M", "sprint-ranking-W")
RELAY_LIST = "mixed-relay-ranking"
WCH_LISTS = ("wch-mixed-relay", "wch-sprint-M", "wch-sprint-W")

# (race id, date, name, kind, events). Events: S sprint, R mixed relay, I individual, Y under-18 sprint.
CALENDAR: tuple[tuple[str, str, str, str, str], ...] = (
    ("courchevel", "2024-12-14", "ISMF Courchevel World Cup", "world-cup", "SI"),
    ("shahdag", "2025-01-10", "ISMF Shahdag World Cup", "world-cup", "SIY"),
    ("arinsal", "2025-01-25", "ISMF Arinsal – La Massana World Cup", "world-cup", "RI"),
    ("boi-taull", "2025-02-01", "ISMF Boi Taull World Cup", "world-cup", "SI"),
    ("bormio", "2025-02-15", "ISMF Bormio World Cup MiCo2026 Test Event", "world-cup", "SRI"),
    ("wch-2025", "2025-03-06", "2025 World Championship, Morgins", "world-championship", "SRI"),
    ("schladming", "2025-03-15", "ISMF Schladming World Cup", "world-cup", "SIY"),
    ("val-martello", "2025-03-22", "ISMF Val Martello World Cup", "world-cup", "SR"),
    ("villars", "2025-11-22", "ISMF Villars-sur-Ollon World Cup", "world-cup", "SI"),
    ("tromso", "2025-11-29", "ISMF Tromsø World Cup", "world-cup", "RI"),
    ("solitude", "2025-12-07", "ISMF Solitude World Cup", "world-cup", "SR"),
)

# (IOC code, strength, athletes per gender; 0 men or women for a nation without them). Invented strengths loosely
# shaped like recent World Cup standings; they describe no real team.
NATIONS: tuple[tuple[str, float, int, int], ...] = (
    ("ESP", 3.0, 5, 5), ("SUI", 3.0, 5, 5), ("FRA", 3.0, 5, 5), ("ITA", 2.8, 5, 5), ("AUT", 2.2, 4, 4),
    ("GER", 2.0, 4, 4), ("NOR", 1.6, 3, 3), ("CHN", 1.8, 4, 4), ("USA", 1.4, 3, 3), ("CAN", 1.3, 3, 3),
    ("SVK", 1.2, 2, 3), ("POL", 1.3, 3, 3), ("CZE", 1.2, 2, 3), ("AND", 1.0, 3, 2), ("BEL", 1.0, 2, 1),
    ("JPN", 1.0, 3, 2), ("SWE", 0.8, 2, 2), ("SLO", 0.8, 2, 2), ("KOR", 0.5, 2, 2), ("AUS", 0.6, 2, 2),
    ("GBR", 0.3, 2, 1), ("KAZ", 0.3, 2, 1), ("ARG", 0.2, 1, 1), ("NZL", 0.2, 1, 1), ("BUL", 0.2, 1, 1),
    ("ROU", 0.1, 1, 1), ("TUR", 0.1, 1, 1), ("CHI", 0.0, 1, 1), ("AZE", -0.2, 1, 1), ("AIN", 1.6, 1, 1),
)
NEUTRAL = "AIN"
SPRINT_FIELD = (30, 50)
INDIVIDUAL_FIELD = (25, 40)
U18_FIELD = (12, 20)
RELAY_TEAMS = (14, 22)
TWO_TEAMS_FROM = 2.5  # nations at least this strong send two relay teams to a World Cup
OUT_STATUSES = ("DNF", "DNS", "DSQ")
_GENDERS = (Gender.MEN, Gender.WOMEN)


@dataclass(frozen=True)
class _Athlete:
    name: str
    noc: str
    gender: Gender
    ability: float
    sprinter: float  # sprint affinity; the individual race uses its opposite
    young: bool = False


def races() -> list[Race]:
    out = []
    for race_id, day, name, kind, events in CALENDAR:
        lists: list[str] = []
        if kind == "world-championship":
            lists += WCH_LISTS if "R" in events and "S" in events else []
        if "R" in events:
            lists.append(RELAY_LIST)
        if "S" in events:
            lists += SPRINT_LISTS
        out.append(Race(id=race_id, date=date.fromisoformat(day), name=name, kind=kind, lists=tuple(lists)))
    return out


def synthesize(seed: int, out_dir: Path, *, nocs: NocRegistry | None = None) -> Path:
    """Write a synthetic season to ``out_dir`` and return the path of its ``results.csv``."""
    registry = nocs if nocs is not None else load_nocs()
    unknown = [code for code, *_ in NATIONS if code not in registry]
    if unknown:
        raise ValueError(f"the NOC registry lacks {', '.join(unknown)}, which synthetic seasons use")
    rng = np.random.default_rng(seed)
    rosters = _rosters(rng)
    rows: list[tuple] = []
    for race_id, _, _, kind, events in CALENDAR:
        for gender in _GENDERS:
            if "S" in events:
                rows += _individual(rng, race_id, "sprint", gender, rosters[gender], SPRINT_FIELD, sprint=True)
            if "I" in events:
                rows += _individual(rng, race_id, "individual", gender, rosters[gender], INDIVIDUAL_FIELD,
                                    sprint=False)
            if "Y" in events:
                rows += _individual(rng, race_id, "sprint-u18", gender, rosters[gender], U18_FIELD, sprint=True,
                                    young=True)
        if "R" in events:
            rows += _relay(rng, race_id, rosters, two_teams=kind == "world-cup")
    calendar_note = ("race names and order from the seed; dates of Courchevel, Shahdag, the World Championship, "
                     "Schladming and Solitude from public reports, the others approximate; which race holds which "
                     "event is invented")
    return write_season(Path(out_dir), synthetic_mark(SYSTEM_ID, seed), races(), rows, _readme(seed),
                        calendar_comments=[calendar_note], results_header=(*COLUMNS, "team"))


def _rosters(rng: np.random.Generator) -> dict[Gender, dict[str, list[_Athlete]]]:
    rosters: dict[Gender, dict[str, list[_Athlete]]] = {}
    for gender in _GENDERS:
        by_noc: dict[str, list[_Athlete]] = {}
        for code, strength, men, women in NATIONS:
            size = men if gender is Gender.MEN else women
            abilities = sorted(strength + rng.normal(0.0, 0.6, size), reverse=True)
            squad = [_Athlete(f"Synthetic {code} {gender.value}{i:02d}", code, gender, float(a),
                              float(rng.normal(0.0, 0.4))) for i, a in enumerate(abilities, start=1)]
            if code != NEUTRAL and size:
                # One or two under-18 athletes: weaker now, racing mostly their own sprints.
                squad += [_Athlete(f"Synthetic {code} {gender.value}U{i}", code, gender,
                                   float(strength - 1.2 + rng.normal(0.0, 0.5)), float(rng.normal(0.3, 0.3)),
                                   young=True) for i in range(1, 1 + int(rng.integers(1, 3)))]
            by_noc[code] = squad
        rosters[gender] = by_noc
    return rosters


def _ranks(rng: np.random.Generator, count: int) -> list[int]:
    ranks = list(range(1, count + 1))
    if count >= 10 and rng.random() < 0.12:  # now and then two athletes share a place
        start = int(rng.integers(3, count - 1))
        ranks[start + 1] = ranks[start]
    return ranks


def _individual(rng: np.random.Generator, race: str, event: str, gender: Gender,
                roster: dict[str, list[_Athlete]], field: tuple[int, int], *, sprint: bool,
                young: bool = False) -> list[tuple]:
    wanted = int(rng.integers(field[0], field[1] + 1))
    everyone = [a for squad in roster.values() for a in squad]
    if young:
        pool = [a for a in everyone if a.young]
    else:  # under-18 athletes race a senior event now and then
        pool = [a for a in everyone if not a.young or rng.random() < 0.15]
    # Stronger athletes start more often; neutral athletes one per race.
    weights = np.exp(np.array([a.ability for a in pool]) * 0.6)
    picked = rng.choice(len(pool), size=min(wanted, len(pool)), replace=False, p=weights / weights.sum())
    entrants = [pool[i] for i in sorted(picked.tolist())]
    neutral = [a for a in entrants if a.noc == NEUTRAL]
    entrants = [a for a in entrants if a.noc != NEUTRAL] + neutral[:1]
    affinity = 1.0 if sprint else -1.0
    order = sorted(entrants, key=lambda a: (-(a.ability + affinity * a.sprinter + float(rng.normal(0.0, 0.7))),
                                            a.name))
    out_count = int(rng.choice(4, p=[0.45, 0.3, 0.17, 0.08]))
    out = set(rng.choice(len(order), size=min(out_count, len(order) - 1), replace=False).tolist())
    finishers = [a for i, a in enumerate(order) if i not in out]
    rows: list[tuple] = [(race, gender.value, event, rank, a.name, a.noc, "", "")
            for rank, a in zip(_ranks(rng, len(finishers)), finishers, strict=True)]
    rows += [(race, gender.value, event, "", a.name, a.noc, str(rng.choice(OUT_STATUSES)), "")
             for a in sorted((a for i, a in enumerate(order) if i in out), key=lambda a: a.name)]
    return rows


def _relay(rng: np.random.Generator, race: str, rosters: dict[Gender, dict[str, list[_Athlete]]], *,
           two_teams: bool) -> list[tuple]:
    teams: list[tuple[str, str, float]] = []
    for code, strength, men, women in NATIONS:
        if code == NEUTRAL or not men or not women:
            continue
        teams.append((code, "", strength))
        if two_teams and strength >= TWO_TEAMS_FROM:
            teams.append((code, "2", strength - 0.8))
    count = min(int(rng.integers(RELAY_TEAMS[0], RELAY_TEAMS[1] + 1)), len(teams))
    weights = np.exp(np.array([s for _, _, s in teams]))
    picked = rng.choice(len(teams), size=count, replace=False, p=weights / weights.sum())
    entered = [teams[i] for i in picked.tolist()]
    picked_codes = [code for code, _, _ in entered]
    two = {code for code in picked_codes if picked_codes.count(code) == 2}
    performance = sorted(((s + float(rng.normal(0.0, 0.6)), code, team) for code, team, s in entered),
                         key=lambda t: (-t[0], t[1], t[2]))
    # A nation with two teams in the race names both ("1" and "2"); otherwise the team column stays empty.
    order = [(code, (team or "1") if code in two else "") for _, code, team in performance]
    dropped = None
    if count > RELAY_TEAMS[0] and rng.random() < 0.25:
        dropped = order.pop(int(rng.integers(0, len(order))))
    rows: list[tuple] = [(race, "X", "mixed-relay", rank, "", code, "", team)
                         for rank, (code, team) in enumerate(order, start=1)]
    if dropped is not None:
        rows.append((race, "X", "mixed-relay", "", "", dropped[0], "DNF", dropped[1]))
    return rows


def _readme(seed: int) -> str:
    return (
        "SYNTHETIC DATA - NOT REAL RESULTS\n"
        "\n"
        f"calendar.csv and results.csv in this folder were generated by `qualify synth {SYSTEM_ID} --seed {seed}`\n"
        "(qualify.ranking.synth.ski_mountaineering). They imitate the 2024-25 and 2025-26 ISMF season that\n"
        "qualified athletes for Milano Cortina 2026: race names and order are the seed's, every result, athlete\n"
        "and nation strength is invented. No row describes a real race or a real athlete. Use it to try the\n"
        "ranking lists, the standings after each race and the quota allocation, never as evidence about a real\n"
        "qualification.\n"
        "\n"
        "results.csv columns: race,gender,event,rank,athlete,noc,status,team (see qualify.io.stage_results).\n"
        "The first line of each CSV is a comment marking it synthetic; every table made from it says so.\n"
        "The same seed always produces the same bytes.\n"
    )
